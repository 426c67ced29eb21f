/* mote x86 (x64, x32): device access primitives for portable drivers
 * (the arch_io.h contract of drivers/virtio/virtio.h) plus port I/O.
 *
 * x86 keeps stores ordered with stores and loads with loads (TSO), so the
 * read/write barriers only have to stop the compiler; the full barrier
 * orders a store before a later load (publishing an index, then reading
 * the device's event index), which TSO does not. */
#ifndef MOTE_X86_ARCH_IO_H
#define MOTE_X86_ARCH_IO_H

#include <stdint.h>

static inline void arch_mb(void) { __asm__ volatile("mfence" ::: "memory"); }
static inline void arch_rmb(void) { __asm__ volatile("" ::: "memory"); }
static inline void arch_wmb(void) { __asm__ volatile("" ::: "memory"); }

#include "platform/shared/mmio_plain.h"

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

#endif
