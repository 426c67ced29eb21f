/* mote: the ChaCha permutation (RFC 8439 section 2.3), shared by ChaCha20
 * and HChaCha20. Internal to crypto/. */
#ifndef MOTE_CRYPTO_CHACHA_CORE_H
#define MOTE_CRYPTO_CHACHA_CORE_H

#include <stdint.h>

#define CHACHA_ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define CHACHA_QR(a, b, c, d)                          \
    do {                                               \
        a += b; d ^= a; d = CHACHA_ROTL(d, 16);        \
        c += d; b ^= c; b = CHACHA_ROTL(b, 12);        \
        a += b; d ^= a; d = CHACHA_ROTL(d, 8);         \
        c += d; b ^= c; b = CHACHA_ROTL(b, 7);         \
    } while (0)

/* The 20 rounds (10 double rounds) on (x), without the final addition. */
static inline void chacha_rounds(uint32_t x[16])
{
    for (int i = 0; i < 10; i++) {
        CHACHA_QR(x[0], x[4], x[8], x[12]);
        CHACHA_QR(x[1], x[5], x[9], x[13]);
        CHACHA_QR(x[2], x[6], x[10], x[14]);
        CHACHA_QR(x[3], x[7], x[11], x[15]);
        CHACHA_QR(x[0], x[5], x[10], x[15]);
        CHACHA_QR(x[1], x[6], x[11], x[12]);
        CHACHA_QR(x[2], x[7], x[8], x[13]);
        CHACHA_QR(x[3], x[4], x[9], x[14]);
    }
}

#endif
