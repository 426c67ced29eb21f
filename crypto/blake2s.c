/* BLAKE2s, RFC 7693. */
#include "crypto/blake2s.h"
#include "crypto/ct.h"
#include "lib/kstring.h"

static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static const uint8_t sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

#define ROTR(v, n) (((v) >> (n)) | ((v) << (32 - (n))))
#define G(a, b, c, d, x, y)                    \
    do {                                       \
        a = a + b + x; d = ROTR(d ^ a, 16);    \
        c = c + d;     b = ROTR(b ^ c, 12);    \
        a = a + b + y; d = ROTR(d ^ a, 8);     \
        c = c + d;     b = ROTR(b ^ c, 7);     \
    } while (0)

/* The sigma index depends only on the round, never on data. */
static void compress(blake2s_ctx_t *c, const uint8_t *block, uint32_t last)
{
    uint32_t m[16], v[16];
    for (int i = 0; i < 16; i++)
        m[i] = crypto_load32_le(block + 4 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = c->h[i];
        v[8 + i] = iv[i];
    }
    v[12] ^= c->t[0];
    v[13] ^= c->t[1];
    v[14] ^= last;
    for (int r = 0; r < 10; r++) {
        const uint8_t *s = sigma[r];
        G(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
        G(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
        G(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
        G(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
        G(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
        G(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
        G(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
        G(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++)
        c->h[i] ^= v[i] ^ v[8 + i];
    crypto_wipe(m, sizeof m);
    crypto_wipe(v, sizeof v);
}

static void add_count(blake2s_ctx_t *c, uint32_t n)
{
    c->t[0] += n;
    c->t[1] += c->t[0] < n;
}

void blake2s_init(blake2s_ctx_t *c, size_t outlen, const uint8_t *key,
                  size_t keylen)
{
    for (int i = 0; i < 8; i++)
        c->h[i] = iv[i];
    c->h[0] ^= 0x01010000u ^ (uint32_t)(keylen << 8) ^ (uint32_t)outlen;
    c->t[0] = c->t[1] = 0;
    c->buffered = 0;
    c->outlen = outlen;
    if (keylen) {
        memset(c->buf, 0, sizeof c->buf);
        memcpy(c->buf, key, keylen);
        c->buffered = BLAKE2S_BLOCK_LEN;
    }
}

void blake2s_update(blake2s_ctx_t *c, const uint8_t *in, size_t len)
{
    while (len) {
        /* Keep the last block buffered: it must be compressed with the
         * final flag, and we do not know yet whether more input follows. */
        if (c->buffered == BLAKE2S_BLOCK_LEN) {
            add_count(c, BLAKE2S_BLOCK_LEN);
            compress(c, c->buf, 0);
            c->buffered = 0;
        }
        size_t n = BLAKE2S_BLOCK_LEN - c->buffered;
        if (n > len)
            n = len;
        memcpy(c->buf + c->buffered, in, n);
        c->buffered += n;
        in += n;
        len -= n;
    }
}

void blake2s_final(blake2s_ctx_t *c, uint8_t *out)
{
    add_count(c, (uint32_t)c->buffered);
    memset(c->buf + c->buffered, 0, BLAKE2S_BLOCK_LEN - c->buffered);
    compress(c, c->buf, 0xffffffffu);
    uint8_t full[32];
    for (int i = 0; i < 8; i++)
        crypto_store32_le(full + 4 * i, c->h[i]);
    memcpy(out, full, c->outlen);
    crypto_wipe(full, sizeof full);
    crypto_wipe(c, sizeof *c);
}

void blake2s(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen,
             const uint8_t *in, size_t len)
{
    blake2s_ctx_t c;
    blake2s_init(&c, outlen, key, keylen);
    blake2s_update(&c, in, len);
    blake2s_final(&c, out);
}
