/* mote: Poly1305 one-time authenticator (RFC 8439 section 2.5).
 *
 * 26-bit limbs and 32x32->64 products, so it is as fast on 32-bit
 * machines as the arithmetic allows and has no secret-dependent branch:
 * the final reduction selects with a mask. The key is one-time: never
 * authenticate two messages under the same key.
 */
#ifndef MOTE_CRYPTO_POLY1305_H
#define MOTE_CRYPTO_POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define POLY1305_KEY_LEN 32
#define POLY1305_TAG_LEN 16

typedef struct poly1305_ctx {
    uint32_t r[5], h[5], pad[4];
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
