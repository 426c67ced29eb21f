/* mote: ChaCha20 (RFC 8439, the IETF variant: 96-bit nonce, 32-bit block
 * counter). Our own code, checked against the RFC's vectors and libsodium.
 * Constant time: no secret-dependent branches or table lookups. */
#ifndef MOTE_CHACHA20_H
#define MOTE_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_LEN 32
#define CHACHA20_NONCE_LEN 12
#define CHACHA20_BLOCK_LEN 64

/* One 64-byte keystream block for (key, counter, nonce) into (out). */
void chacha20_block(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_LEN],
                    uint8_t out[CHACHA20_BLOCK_LEN]);

/* XOR (len) bytes of (in) with the keystream starting at block (counter)
 * into (out); in and out may be the same buffer. */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_LEN], const uint8_t *in,
                  uint8_t *out, size_t len);

#endif
