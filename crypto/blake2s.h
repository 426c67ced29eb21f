/* mote: BLAKE2s (RFC 7693), keyed and unkeyed, 1..32 bytes of output.
 * Only additions, rotations and XORs on 32-bit words: constant time and
 * cheap on 32-bit machines. */
#ifndef MOTE_CRYPTO_BLAKE2S_H
#define MOTE_CRYPTO_BLAKE2S_H

#include <stddef.h>
#include <stdint.h>

#define BLAKE2S_OUT_LEN 32
#define BLAKE2S_KEY_LEN 32
#define BLAKE2S_BLOCK_LEN 64

typedef struct blake2s_ctx {
    uint32_t h[8], t[2];
    uint8_t buf[BLAKE2S_BLOCK_LEN];
    size_t buffered, outlen;
} blake2s_ctx_t;

/* (outlen) 1..32, (keylen) 0..32 (key may be NULL when 0). */
void blake2s_init(blake2s_ctx_t *c, size_t outlen, const uint8_t *key,
                  size_t keylen);
void blake2s_update(blake2s_ctx_t *c, const uint8_t *in, size_t len);
/* Write outlen bytes and wipe (c). */
void blake2s_final(blake2s_ctx_t *c, uint8_t *out);

/* One shot. */
void blake2s(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen,
             const uint8_t *in, size_t len);

#endif
