/* mote: MMIO accessors for arches where one plain volatile load or store
 * of the access's width is exactly one device access (x86, RISC-V), for
 * their arch_io.h. Each arch keeps its own barriers, which do differ. */
#ifndef MOTE_MMIO_PLAIN_H
#define MOTE_MMIO_PLAIN_H

#include <stdint.h>

#define MMIO_PLAIN(T, n)                                                   \
    static inline T mmio_read##n(uintptr_t a)                              \
    {                                                                      \
        return *(volatile T *)a;                                           \
    }                                                                      \
    static inline void mmio_write##n(uintptr_t a, T v)                     \
    {                                                                      \
        *(volatile T *)a = v;                                              \
    }
MMIO_PLAIN(uint8_t, 8)
MMIO_PLAIN(uint16_t, 16)
MMIO_PLAIN(uint32_t, 32)
#undef MMIO_PLAIN

#endif
