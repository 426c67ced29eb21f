/* mote x64: device access primitives for portable drivers (the arch_io.h
 * contract of drivers/virtio/virtio.h) plus x86 port I/O.
 *
 * x86 keeps stores ordered with stores and loads with loads (TSO), so the
 * read/write barriers only have to stop the compiler; the full barrier
 * orders a store before a later load (publishing an index, then reading
 * the device's event index), which TSO does not. */
#ifndef MOTE_X64_ARCH_IO_H
#define MOTE_X64_ARCH_IO_H

#include <stdint.h>

static inline void arch_mb(void) { __asm__ volatile("mfence" ::: "memory"); }
static inline void arch_rmb(void) { __asm__ volatile("" ::: "memory"); }
static inline void arch_wmb(void) { __asm__ volatile("" ::: "memory"); }

#define X64_MMIO(T, n)                                                     \
    static inline T mmio_read##n(uintptr_t a)                              \
    {                                                                      \
        return *(volatile T *)a;                                           \
    }                                                                      \
    static inline void mmio_write##n(uintptr_t a, T v)                     \
    {                                                                      \
        *(volatile T *)a = v;                                              \
    }
X64_MMIO(uint8_t, 8)
X64_MMIO(uint16_t, 16)
X64_MMIO(uint32_t, 32)
#undef X64_MMIO

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
