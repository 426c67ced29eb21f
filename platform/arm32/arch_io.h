/* mote arm32: device access primitives for portable drivers (the arch_io.h
 * contract of drivers/virtio/virtio.h).
 *
 * MMIO goes through explicit single ldr/str instructions with a plain base
 * register, never a writeback or multiple form a hypervisor could not
 * emulate for a trapped access. Device windows are mapped Device memory
 * (mmu.c), so accesses to one device stay in program order; the barriers
 * order normal memory (the virtqueue rings, coherent with the device)
 * against each other and against MMIO. DSB rather than DMB, as on arm64: a
 * doorbell write must not overtake the ring update it announces. */
#ifndef MOTE_ARM32_ARCH_IO_H
#define MOTE_ARM32_ARCH_IO_H

#include <stdint.h>

static inline void arch_mb(void)
{
    __asm__ volatile("dsb sy" ::: "memory");
}
static inline void arch_rmb(void)
{
    __asm__ volatile("dsb sy" ::: "memory");
}
static inline void arch_wmb(void)
{
    __asm__ volatile("dsb st" ::: "memory");
}

static inline uint8_t mmio_read8(uintptr_t a)
{
    uint32_t v;
    __asm__ volatile("ldrb %0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return (uint8_t)v;
}
static inline uint16_t mmio_read16(uintptr_t a)
{
    uint32_t v;
    __asm__ volatile("ldrh %0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return (uint16_t)v;
}
static inline uint32_t mmio_read32(uintptr_t a)
{
    uint32_t v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}
static inline void mmio_write8(uintptr_t a, uint8_t v)
{
    __asm__ volatile("strb %0, [%1]" ::"r"((uint32_t)v), "r"(a) : "memory");
}
static inline void mmio_write16(uintptr_t a, uint16_t v)
{
    __asm__ volatile("strh %0, [%1]" ::"r"((uint32_t)v), "r"(a) : "memory");
}
static inline void mmio_write32(uintptr_t a, uint32_t v)
{
    __asm__ volatile("str %0, [%1]" ::"r"(v), "r"(a) : "memory");
}

#endif
