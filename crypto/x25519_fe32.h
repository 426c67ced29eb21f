/* mote: X25519's field GF(2^255 - 19) for machines without 128-bit
 * products: ten signed limbs of alternately 26 and 25 bits (radix 2^25.5)
 * and 32x32->64 products. Internal to crypto/x25519.c. */
#ifndef MOTE_CRYPTO_X25519_FE32_H
#define MOTE_CRYPTO_X25519_FE32_H

#include <stdint.h>
#include "crypto/ct.h"
#include "lib/kstring.h"

typedef int32_t fe[10];

/* Limb i holds bits [ceil(25.5 i), ceil(25.5 (i+1))): 26 bits when i is
 * even, 25 when odd. */
static const int widths[10] = {26, 25, 26, 25, 26, 25, 26, 25, 26, 25};

static void fe_copy(fe h, const fe f)
{
    for (int i = 0; i < 10; i++)
        h[i] = f[i];
}

static void fe_set(fe h, int32_t v)
{
    h[0] = v;
    for (int i = 1; i < 10; i++)
        h[i] = 0;
}

static void fe_add(fe h, const fe f, const fe g)
{
    for (int i = 0; i < 10; i++)
        h[i] = f[i] + g[i];
}

static void fe_sub(fe h, const fe f, const fe g)
{
    for (int i = 0; i < 10; i++)
        h[i] = f[i] - g[i];
}

/* Carry (t) into canonical-width limbs: two passes around the ring, the
 * second absorbing the 19 * carry that wrapped into limb 0. Arithmetic
 * right shifts floor; the multiplication keeps the left shift defined.
 * The loops have constant bounds and fully unroll. */
static void fe_carry(fe h, int64_t t[10])
{
#pragma clang loop unroll(full)
    for (int pass = 0; pass < 2; pass++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < 10; i++) {
            int w = 26 - (i & 1);
            int64_t c = t[i] >> w;
            t[i] -= c * ((int64_t)1 << w);
            if (i < 9)
                t[i + 1] += c;
            else
                t[0] += 19 * c;
        }
    }
    for (int i = 0; i < 10; i++)
        h[i] = (int32_t)t[i];
}

/* h = f * g. Inputs' limbs up to 2^27 in magnitude: sums stay < 2^63.
 * When i and j are both odd the two half bits make one extra factor of 2
 * (folded into f2); products past limb 9 wrap with 2^255 = 19, applied
 * once per limb at the end. Only 32x32->64 products; the loops unroll
 * into straight-line code. */
static void fe_mul(fe h, const fe f, const fe g)
{
    int32_t f2[10];
    int64_t t[10] = {0}, hi[10] = {0};
    for (int i = 0; i < 10; i++)
        f2[i] = (i & 1) ? 2 * f[i] : f[i];
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < 10; j++) {
            int64_t p = (int64_t)((i & j & 1) ? f2[i] : f[i]) * g[j];
            if (i + j >= 10)
                hi[i + j - 10] += p;
            else
                t[i + j] += p;
        }
    }
    for (int k = 0; k < 10; k++)
        t[k] += 19 * hi[k];
    fe_carry(h, t);
}

static void fe_sq(fe h, const fe f)
{
    fe_mul(h, f, f);
}

static void fe_mul_small(fe h, const fe f, int32_t n)
{
    int64_t t[10];
    for (int i = 0; i < 10; i++)
        t[i] = (int64_t)f[i] * n;
    fe_carry(h, t);
}

static void fe_reduce_limbs(fe h)
{
    int64_t t[10];
    for (int i = 0; i < 10; i++)
        t[i] = h[i];
    fe_carry(h, t);
}

static void fe_frombytes(fe h, const uint8_t s[32])
{
    int64_t t[10];
    int bit = 0;
    for (int i = 0; i < 10; i++) {
        uint32_t v = 0;
        for (int b = 0; b < widths[i]; b++, bit++)
            if (bit < 255)
                v |= (uint32_t)((s[bit >> 3] >> (bit & 7)) & 1) << b;
        t[i] = v;
    }
    fe_carry(h, t);
}

/* Fully reduce mod p and write 32 little-endian bytes. */
static void fe_tobytes(uint8_t s[32], const fe f)
{
    fe h;
    fe_copy(h, f);
    fe_reduce_limbs(h);
    fe_reduce_limbs(h);
    /* Limbs are now in [0, 2^w) but h[0], which may be off by 19 either
     * way, so h is in [-19, 2^255 + 19). Adding p makes it non-negative
     * and below 3p. Floor carries are exact, so q = floor((h + 19) / 2^255)
     * is how many times p fits in h (0, 1 or 2). */
    for (int i = 0; i < 10; i++)
        h[i] += (1 << widths[i]) - 1;
    h[0] -= 18;
    int32_t q = (h[0] + 19) >> 26;
    for (int i = 1; i < 10; i++)
        q = (h[i] + q) >> widths[i];
    h[0] += 19 * q;
    for (int i = 0; i < 9; i++) {
        int32_t c = h[i] >> widths[i];
        h[i] -= c * (1 << widths[i]);
        h[i + 1] += c;
    }
    h[9] &= (1 << 25) - 1; /* drops q * 2^255 */
    memset(s, 0, 32);
    int bit = 0;
    for (int i = 0; i < 10; i++)
        for (int b = 0; b < widths[i]; b++, bit++)
            s[bit >> 3] |= (uint8_t)(((uint32_t)h[i] >> b & 1) << (bit & 7));
    crypto_wipe(h, sizeof h);
}

/* Swap (f, g) when (bit) is 1, without branching. */
static void fe_cswap(fe f, fe g, uint32_t bit)
{
    int32_t mask = -(int32_t)bit;
    for (int i = 0; i < 10; i++) {
        int32_t x = (f[i] ^ g[i]) & mask;
        f[i] ^= x;
        g[i] ^= x;
    }
}

#endif
