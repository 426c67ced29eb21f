/* mote: Poly1305's accumulator in three limbs of 44, 44 and 42 bits with
 * 64x64->128 products, for compilers with 128-bit integers. Internal to
 * crypto/poly1305.c: the same poly_init, poly_block and poly_reduce as its
 * 26-bit code. */
#ifndef MOTE_CRYPTO_POLY1305_W44_H
#define MOTE_CRYPTO_POLY1305_W44_H

typedef unsigned __int128 poly_u128;
#define M44 0xfffffffffffull
#define M42 0x3ffffffffffull

static void poly_init(poly1305_ctx_t *c, const uint8_t key[POLY1305_KEY_LEN])
{
    uint64_t t0 = crypto_load64_le(key), t1 = crypto_load64_le(key + 8);
    /* r clamped (RFC 8439 2.5.1) while split into limbs. */
    c->u.w44.r[0] = t0 & 0xffc0fffffffull;
    c->u.w44.r[1] = ((t0 >> 44) | (t1 << 20)) & 0xfffffc0ffffull;
    c->u.w44.r[2] = (t1 >> 24) & 0x00ffffffc0full;
    c->u.w44.h[0] = c->u.w44.h[1] = c->u.w44.h[2] = 0;
}

/* h = (h + block) * r mod 2^130 - 5; (hibit) non-zero for full blocks. */
static void poly_block(poly1305_ctx_t *c, const uint8_t m[16], uint32_t hibit)
{
    const uint64_t r0 = c->u.w44.r[0], r1 = c->u.w44.r[1], r2 = c->u.w44.r[2];
    const uint64_t s1 = r1 * (5 << 2), s2 = r2 * (5 << 2);
    uint64_t t0 = crypto_load64_le(m), t1 = crypto_load64_le(m + 8);
    uint64_t h0 = c->u.w44.h[0] + (t0 & M44);
    uint64_t h1 = c->u.w44.h[1] + (((t0 >> 44) | (t1 << 20)) & M44);
    uint64_t h2 = c->u.w44.h[2] + (((t1 >> 24) & M42) | ((uint64_t)(hibit != 0) << 40));
    poly_u128 d0 = (poly_u128)h0 * r0 + (poly_u128)h1 * s2 + (poly_u128)h2 * s1;
    poly_u128 d1 = (poly_u128)h0 * r1 + (poly_u128)h1 * r0 + (poly_u128)h2 * s2;
    poly_u128 d2 = (poly_u128)h0 * r2 + (poly_u128)h1 * r1 + (poly_u128)h2 * r0;
    uint64_t k;
    k = (uint64_t)(d0 >> 44); h0 = (uint64_t)d0 & M44;
    d1 += k; k = (uint64_t)(d1 >> 44); h1 = (uint64_t)d1 & M44;
    d2 += k; k = (uint64_t)(d2 >> 42); h2 = (uint64_t)d2 & M42;
    h0 += k * 5; k = h0 >> 44; h0 &= M44;
    h1 += k;
    c->u.w44.h[0] = h0;
    c->u.w44.h[1] = h1;
    c->u.w44.h[2] = h2;
}

/* h fully reduced mod 2^130 - 5, as four 32-bit words (low first). */
static void poly_reduce(poly1305_ctx_t *c, uint32_t w[4])
{
    uint64_t h0 = c->u.w44.h[0], h1 = c->u.w44.h[1], h2 = c->u.w44.h[2], k;
    k = h1 >> 44; h1 &= M44; h2 += k;
    k = h2 >> 42; h2 &= M42; h0 += k * 5;
    k = h0 >> 44; h0 &= M44; h1 += k;
    k = h1 >> 44; h1 &= M44; h2 += k;
    k = h2 >> 42; h2 &= M42; h0 += k * 5;
    k = h0 >> 44; h0 &= M44; h1 += k;
    /* g = h + 5 - 2^130; take g when it did not go negative. */
    uint64_t g0 = h0 + 5; k = g0 >> 44; g0 &= M44;
    uint64_t g1 = h1 + k; k = g1 >> 44; g1 &= M44;
    uint64_t g2 = h2 + k - (1ull << 42);
    uint64_t mask = (g2 >> 63) - 1; /* all ones when g >= 0 */
    h0 = (h0 & ~mask) | (g0 & mask);
    h1 = (h1 & ~mask) | (g1 & mask);
    h2 = (h2 & ~mask) | (g2 & mask);
    uint64_t lo = h0 | h1 << 44, hi = h1 >> 20 | h2 << 24;
    w[0] = (uint32_t)lo;
    w[1] = (uint32_t)(lo >> 32);
    w[2] = (uint32_t)hi;
    w[3] = (uint32_t)(hi >> 32);
}

#endif
