/* mote: Poly1305 one-time authenticator (RFC 8439 section 2.5).
 *
 * Two representations of the accumulator: three 44/44/42-bit limbs with
 * 64x64->128 products where the compiler has 128-bit integers (64-bit
 * targets), five 26-bit limbs with 32x32->64 products elsewhere (or with
 * POLY1305_32 defined). Neither has a secret-dependent branch: the final
 * reduction selects with a mask. The key is one-time: never
 * authenticate two messages under the same key.
 */
#ifndef MOTE_CRYPTO_POLY1305_H
#define MOTE_CRYPTO_POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define POLY1305_KEY_LEN 32
#define POLY1305_TAG_LEN 16

typedef struct poly1305_ctx {
    union {
        struct { uint32_t r[5], h[5]; } w26;  /* 26-bit limbs */
        struct { uint64_t r[3], h[3]; } w44;  /* 44/44/42-bit limbs */
    } u;
    uint32_t pad[4];
    uint8_t buf[16];
    size_t buffered;
} poly1305_ctx_t;

void poly1305_init(poly1305_ctx_t *c, const uint8_t key[POLY1305_KEY_LEN]);
void poly1305_update(poly1305_ctx_t *c, const uint8_t *m, size_t len);
/* Write the tag and wipe (c). */
void poly1305_final(poly1305_ctx_t *c, uint8_t tag[POLY1305_TAG_LEN]);

/* One shot. */
void poly1305(const uint8_t key[POLY1305_KEY_LEN], const uint8_t *m,
              size_t len, uint8_t tag[POLY1305_TAG_LEN]);

#endif
