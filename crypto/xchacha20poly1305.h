/* mote: XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): the RFC 8439 AEAD
 * with a 24-byte nonce, safe to pick at random. WireGuard seals its cookie
 * replies with it. Same contract as chacha20poly1305.h. */
#ifndef MOTE_CRYPTO_XCHACHA20POLY1305_H
#define MOTE_CRYPTO_XCHACHA20POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define XAEAD_NONCE_LEN 24

void xchacha20poly1305_encrypt(const uint8_t key[32],
                               const uint8_t nonce[XAEAD_NONCE_LEN],
                               const uint8_t *ad, size_t ad_len,
                               const uint8_t *in, size_t len, uint8_t *out,
                               uint8_t tag[16]);

int xchacha20poly1305_decrypt(const uint8_t key[32],
                              const uint8_t nonce[XAEAD_NONCE_LEN],
                              const uint8_t *ad, size_t ad_len,
                              const uint8_t *in, size_t len, uint8_t *out,
                              const uint8_t tag[16]);

#endif
