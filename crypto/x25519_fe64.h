/* mote: X25519's field GF(2^255 - 19) where the compiler has 128-bit
 * products: five unsigned limbs of 51 bits. Internal to crypto/x25519.c,
 * same functions as x25519_fe32.h. Bounds: every function takes limbs
 * below 2^54 and fe_mul's sums stay below 2^115; carries are exact, and
 * fe_tobytes reduces fully. No branch or index depends on a value. */
#ifndef MOTE_CRYPTO_X25519_FE64_H
#define MOTE_CRYPTO_X25519_FE64_H

#include <stdint.h>
#include "crypto/ct.h"
#include "lib/kstring.h"

typedef uint64_t fe[5];
typedef unsigned __int128 fe_u128;

#define FE_M51 ((1ull << 51) - 1)

static void fe_copy(fe h, const fe f)
{
    for (int i = 0; i < 5; i++)
        h[i] = f[i];
}

static void fe_set(fe h, uint64_t v)
{
    h[0] = v;
    for (int i = 1; i < 5; i++)
        h[i] = 0;
}

static void fe_add(fe h, const fe f, const fe g)
{
    for (int i = 0; i < 5; i++)
        h[i] = f[i] + g[i];
}

/* h = f - g + 2p, so no limb goes negative (g's limbs below 2^52). */
static void fe_sub(fe h, const fe f, const fe g)
{
    h[0] = f[0] + 0xfffffffffffdaull - g[0];
    for (int i = 1; i < 5; i++)
        h[i] = f[i] + 0xffffffffffffeull - g[i];
}

/* Carry 128-bit column sums (t) into (h); the wrap is 19 (2^255 = 19). */
static void fe_carry128(fe h, fe_u128 t[5])
{
    for (int i = 0; i < 4; i++) {
        t[i + 1] += t[i] >> 51;
        t[i] &= FE_M51;
    }
    fe_u128 x = t[0] + (t[4] >> 51) * 19;
    t[4] &= FE_M51;
    h[1] = (uint64_t)t[1] + (uint64_t)(x >> 51);
    h[0] = (uint64_t)x & FE_M51;
    h[2] = (uint64_t)t[2];
    h[3] = (uint64_t)t[3];
    h[4] = (uint64_t)t[4];
}

static void fe_mul(fe h, const fe f, const fe g)
{
    uint64_t g19[5];
    for (int i = 1; i < 5; i++)
        g19[i] = 19 * g[i];
    fe_u128 t[5];
#define M(a, b) ((fe_u128)(a) * (b))
    t[0] = M(f[0], g[0]) + M(f[1], g19[4]) + M(f[2], g19[3]) + M(f[3], g19[2]) + M(f[4], g19[1]);
    t[1] = M(f[0], g[1]) + M(f[1], g[0]) + M(f[2], g19[4]) + M(f[3], g19[3]) + M(f[4], g19[2]);
    t[2] = M(f[0], g[2]) + M(f[1], g[1]) + M(f[2], g[0]) + M(f[3], g19[4]) + M(f[4], g19[3]);
    t[3] = M(f[0], g[3]) + M(f[1], g[2]) + M(f[2], g[1]) + M(f[3], g[0]) + M(f[4], g19[4]);
    t[4] = M(f[0], g[4]) + M(f[1], g[3]) + M(f[2], g[2]) + M(f[3], g[1]) + M(f[4], g[0]);
#undef M
    fe_carry128(h, t);
}

static void fe_sq(fe h, const fe f)
{
    fe_mul(h, f, f);
}

static void fe_mul_small(fe h, const fe f, uint64_t n)
{
    fe_u128 t[5];
    for (int i = 0; i < 5; i++)
        t[i] = (fe_u128)f[i] * n;
    fe_carry128(h, t);
}

static void fe_frombytes(fe h, const uint8_t s[32])
{
    uint64_t w0 = crypto_load64_le(s), w1 = crypto_load64_le(s + 8),
             w2 = crypto_load64_le(s + 16), w3 = crypto_load64_le(s + 24);
    h[0] = w0 & FE_M51;
    h[1] = (w0 >> 51 | w1 << 13) & FE_M51;
    h[2] = (w1 >> 38 | w2 << 26) & FE_M51;
    h[3] = (w2 >> 25 | w3 << 39) & FE_M51;
    h[4] = (w3 >> 12) & FE_M51; /* bit 255 ignored, as RFC 7748 says */
}

/* Fully reduce mod p and write 32 little-endian bytes. */
static void fe_tobytes(uint8_t s[32], const fe f)
{
    fe h;
    fe_u128 t[5];
    for (int i = 0; i < 5; i++)
        t[i] = f[i];
    fe_carry128(h, t);
    for (int i = 0; i < 5; i++)
        t[i] = h[i];
    fe_carry128(h, t); /* limbs < 2^51 but h[0] < 2^51 + 19: h < 2p */
    /* q = 1 exactly when h >= p, i.e. when h + 19 reaches 2^255. */
    uint64_t q = (h[0] + 19) >> 51;
    for (int i = 1; i < 5; i++)
        q = (h[i] + q) >> 51;
    h[0] += 19 * q;
    for (int i = 0; i < 4; i++) {
        h[i + 1] += h[i] >> 51;
        h[i] &= FE_M51;
    }
    h[4] &= FE_M51; /* drops q * 2^255 */
    crypto_store64_le(s, h[0] | h[1] << 51);
    crypto_store64_le(s + 8, h[1] >> 13 | h[2] << 38);
    crypto_store64_le(s + 16, h[2] >> 26 | h[3] << 25);
    crypto_store64_le(s + 24, h[3] >> 39 | h[4] << 12);
    crypto_wipe(h, sizeof h);
    crypto_wipe(t, sizeof t);
}

/* Swap (f, g) when (bit) is 1, without branching. */
static void fe_cswap(fe f, fe g, uint32_t bit)
{
    uint64_t mask = 0 - (uint64_t)bit;
    for (int i = 0; i < 5; i++) {
        uint64_t x = (f[i] ^ g[i]) & mask;
        f[i] ^= x;
        g[i] ^= x;
    }
}

#endif
