/* mote: the ChaCha20-Poly1305 AEAD (RFC 8439 section 2.8).
 *
 * Encryption writes (len) bytes of ciphertext and a 16-byte tag; the
 * ciphertext may overwrite the plaintext in place. Decryption checks the
 * tag in constant time before it writes anything: on a mismatch (out) is
 * untouched and the result is -1.
 */
#ifndef MOTE_CRYPTO_CHACHA20POLY1305_H
#define MOTE_CRYPTO_CHACHA20POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define AEAD_KEY_LEN 32
#define AEAD_NONCE_LEN 12
#define AEAD_TAG_LEN 16

void chacha20poly1305_encrypt(const uint8_t key[AEAD_KEY_LEN],
                              const uint8_t nonce[AEAD_NONCE_LEN],
                              const uint8_t *ad, size_t ad_len,
                              const uint8_t *in, size_t len, uint8_t *out,
                              uint8_t tag[AEAD_TAG_LEN]);

/* 0 and the plaintext in (out), or -1 if the tag is wrong. */
int chacha20poly1305_decrypt(const uint8_t key[AEAD_KEY_LEN],
                             const uint8_t nonce[AEAD_NONCE_LEN],
                             const uint8_t *ad, size_t ad_len,
                             const uint8_t *in, size_t len, uint8_t *out,
                             const uint8_t tag[AEAD_TAG_LEN]);

/* WireGuard's nonce: 32 zero bits then the 64-bit little-endian counter. */
void chacha20poly1305_nonce64(uint64_t counter, uint8_t nonce[AEAD_NONCE_LEN]);

#endif
