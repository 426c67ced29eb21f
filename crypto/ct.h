/* mote: constant-time helpers every primitive shares.
 *
 * crypto_wipe clears secrets after use in a way the compiler may not drop
 * as a dead store (volatile writes followed by a compiler barrier).
 * crypto_ct_eq compares without an early exit, so the time it takes
 * depends only on the length, never on where the buffers differ.
 */
#ifndef MOTE_CRYPTO_CT_H
#define MOTE_CRYPTO_CT_H

#include <stddef.h>
#include <stdint.h>

/* Overwrite (len) bytes at (p) with zeros; never optimised away. */
void crypto_wipe(void *p, size_t len);

/* 1 if (a) and (b) hold the same (len) bytes, else 0; constant time. */
int crypto_ct_eq(const void *a, const void *b, size_t len);

/* 1 if all (len) bytes at (p) are zero, else 0; constant time. */
int crypto_ct_is_zero(const void *p, size_t len);

static inline uint32_t crypto_load32_le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline void crypto_store32_le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void crypto_store64_le(uint8_t *p, uint64_t v)
{
    crypto_store32_le(p, (uint32_t)v);
    crypto_store32_le(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t crypto_load64_le(const uint8_t *p)
{
    return (uint64_t)crypto_load32_le(p) | (uint64_t)crypto_load32_le(p + 4) << 32;
}

#endif
