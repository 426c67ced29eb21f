/* mote arm32: the fixed-point multiply of the clock conversions (timer.c),
 * in a header of its own so tests/rt_test.c checks it on the target. */
#ifndef MOTE_ARM32_FIXMUL_H
#define MOTE_ARM32_FIXMUL_H

#include <stdint.h>

/* (a * b) >> 32, modulo 2^64, from four 32x32->64 products: arm32 has no
 * 128-bit type. Exact whenever the true result fits in 64 bits. */
static inline uint64_t arm32_mul_shr32(uint64_t a, uint64_t b)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    return (ah * bh << 32) + ah * bl + al * bh + (al * bl >> 32);
}

#endif
