/* Poly1305 (see poly1305.h): the 26-bit limbs here, the 44-bit ones in
 * poly1305_w44.h. */
#include "crypto/poly1305.h"
#include "crypto/ct.h"
#include "lib/kstring.h"

#define M26 0x3ffffffu

#if defined(__SIZEOF_INT128__) && !defined(POLY1305_32)
#include "crypto/poly1305_w44.h"
#else
static void poly_init(poly1305_ctx_t *c, const uint8_t key[POLY1305_KEY_LEN])
{
    /* r is clamped (RFC 8439 2.5.1) while split into limbs. */
    c->u.w26.r[0] = crypto_load32_le(key + 0) & 0x3ffffff;
    c->u.w26.r[1] = (crypto_load32_le(key + 3) >> 2) & 0x3ffff03;
    c->u.w26.r[2] = (crypto_load32_le(key + 6) >> 4) & 0x3ffc0ff;
    c->u.w26.r[3] = (crypto_load32_le(key + 9) >> 6) & 0x3f03fff;
    c->u.w26.r[4] = (crypto_load32_le(key + 12) >> 8) & 0x00fffff;
    for (int i = 0; i < 5; i++)
        c->u.w26.h[i] = 0;
}

/* h = (h + block) * r mod 2^130 - 5; (hibit) is 2^128 for full blocks. */
static void poly_block(poly1305_ctx_t *c, const uint8_t m[16], uint32_t hibit)
{
    const uint32_t r0 = c->u.w26.r[0], r1 = c->u.w26.r[1], r2 = c->u.w26.r[2], r3 = c->u.w26.r[3],
                   r4 = c->u.w26.r[4];
    const uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
    uint32_t h0 = c->u.w26.h[0] + (crypto_load32_le(m + 0) & M26);
    uint32_t h1 = c->u.w26.h[1] + ((crypto_load32_le(m + 3) >> 2) & M26);
    uint32_t h2 = c->u.w26.h[2] + ((crypto_load32_le(m + 6) >> 4) & M26);
    uint32_t h3 = c->u.w26.h[3] + ((crypto_load32_le(m + 9) >> 6) & M26);
    uint32_t h4 = c->u.w26.h[4] + ((crypto_load32_le(m + 12) >> 8) | hibit);
#define MUL(a, b) ((uint64_t)(a) * (b))
    uint64_t d0 = MUL(h0, r0) + MUL(h1, s4) + MUL(h2, s3) + MUL(h3, s2) + MUL(h4, s1);
    uint64_t d1 = MUL(h0, r1) + MUL(h1, r0) + MUL(h2, s4) + MUL(h3, s3) + MUL(h4, s2);
    uint64_t d2 = MUL(h0, r2) + MUL(h1, r1) + MUL(h2, r0) + MUL(h3, s4) + MUL(h4, s3);
    uint64_t d3 = MUL(h0, r3) + MUL(h1, r2) + MUL(h2, r1) + MUL(h3, r0) + MUL(h4, s4);
    uint64_t d4 = MUL(h0, r4) + MUL(h1, r3) + MUL(h2, r2) + MUL(h3, r1) + MUL(h4, r0);
#undef MUL
    uint32_t k;
    k = (uint32_t)(d0 >> 26); h0 = (uint32_t)d0 & M26;
    d1 += k; k = (uint32_t)(d1 >> 26); h1 = (uint32_t)d1 & M26;
    d2 += k; k = (uint32_t)(d2 >> 26); h2 = (uint32_t)d2 & M26;
    d3 += k; k = (uint32_t)(d3 >> 26); h3 = (uint32_t)d3 & M26;
    d4 += k; k = (uint32_t)(d4 >> 26); h4 = (uint32_t)d4 & M26;
    h0 += k * 5; k = h0 >> 26; h0 &= M26;
    h1 += k;
    c->u.w26.h[0] = h0; c->u.w26.h[1] = h1; c->u.w26.h[2] = h2; c->u.w26.h[3] = h3; c->u.w26.h[4] = h4;
}

/* h fully reduced mod 2^130 - 5, as four 32-bit words (low first). */
static void poly_reduce(poly1305_ctx_t *c, uint32_t w[4])
{
    uint32_t h0 = c->u.w26.h[0], h1 = c->u.w26.h[1], h2 = c->u.w26.h[2], h3 = c->u.w26.h[3], h4 = c->u.w26.h[4];
    uint32_t k;
    k = h1 >> 26; h1 &= M26; h2 += k;
    k = h2 >> 26; h2 &= M26; h3 += k;
    k = h3 >> 26; h3 &= M26; h4 += k;
    k = h4 >> 26; h4 &= M26; h0 += k * 5;
    k = h0 >> 26; h0 &= M26; h1 += k;
    /* g = h + 5 - 2^130; take g when it did not go negative. */
    uint32_t g0 = h0 + 5; k = g0 >> 26; g0 &= M26;
    uint32_t g1 = h1 + k; k = g1 >> 26; g1 &= M26;
    uint32_t g2 = h2 + k; k = g2 >> 26; g2 &= M26;
    uint32_t g3 = h3 + k; k = g3 >> 26; g3 &= M26;
    uint32_t g4 = h4 + k - (1u << 26);
    uint32_t mask = (g4 >> 31) - 1; /* all ones when g >= 0 */
    h0 = (h0 & ~mask) | (g0 & mask);
    h1 = (h1 & ~mask) | (g1 & mask);
    h2 = (h2 & ~mask) | (g2 & mask);
    h3 = (h3 & ~mask) | (g3 & mask);
    h4 = (h4 & ~mask) | (g4 & mask);
    /* To 4 x 32 bits, then add the pad mod 2^128. */
    w[0] = h0 | h1 << 26;
    w[1] = h1 >> 6 | h2 << 20;
    w[2] = h2 >> 12 | h3 << 14;
    w[3] = h3 >> 18 | h4 << 8;
}
#endif

void poly1305_init(poly1305_ctx_t *c, const uint8_t key[POLY1305_KEY_LEN])
{
    poly_init(c, key);
    for (int i = 0; i < 4; i++)
        c->pad[i] = crypto_load32_le(key + 16 + 4 * i);
    c->buffered = 0;
}

void poly1305_update(poly1305_ctx_t *c, const uint8_t *m, size_t len)
{
    if (c->buffered) {
        size_t n = 16 - c->buffered;
        if (n > len)
            n = len;
        memcpy(c->buf + c->buffered, m, n);
        c->buffered += n;
        m += n;
        len -= n;
        if (c->buffered < 16)
            return;
        poly_block(c, c->buf, 1u << 24);
        c->buffered = 0;
    }
    for (; len >= 16; m += 16, len -= 16)
        poly_block(c, m, 1u << 24);
    if (len) {
        memcpy(c->buf, m, len);
        c->buffered = len;
    }
}

void poly1305_final(poly1305_ctx_t *c, uint8_t tag[POLY1305_TAG_LEN])
{
    if (c->buffered) {
        /* The last partial block gets its 1 byte here, not 2^128. */
        c->buf[c->buffered] = 1;
        for (size_t i = c->buffered + 1; i < 16; i++)
            c->buf[i] = 0;
        poly_block(c, c->buf, 0);
    }
    uint32_t w[4];
    poly_reduce(c, w);
    uint64_t f;
    f = (uint64_t)w[0] + c->pad[0]; crypto_store32_le(tag, (uint32_t)f);
    f = (uint64_t)w[1] + c->pad[1] + (f >> 32); crypto_store32_le(tag + 4, (uint32_t)f);
    f = (uint64_t)w[2] + c->pad[2] + (f >> 32); crypto_store32_le(tag + 8, (uint32_t)f);
    f = (uint64_t)w[3] + c->pad[3] + (f >> 32); crypto_store32_le(tag + 12, (uint32_t)f);
    crypto_wipe(w, sizeof w);
    crypto_wipe(c, sizeof *c);
}

void poly1305(const uint8_t key[POLY1305_KEY_LEN], const uint8_t *m,
              size_t len, uint8_t tag[POLY1305_TAG_LEN])
{
    poly1305_ctx_t c;
    poly1305_init(&c, key);
    poly1305_update(&c, m, len);
    poly1305_final(&c, tag);
}
