/* mote: X25519 Diffie-Hellman (RFC 7748 section 5).
 *
 * Field elements are ten signed limbs of alternately 26 and 25 bits
 * (radix 2^25.5) multiplied as 32x32->64 products, so 32-bit machines need
 * no 128-bit arithmetic. The Montgomery ladder swaps with masks: no branch
 * and no memory index depends on the scalar or the point.
 */
#ifndef MOTE_CRYPTO_X25519_H
#define MOTE_CRYPTO_X25519_H

#include <stdint.h>

#define X25519_LEN 32

/* out = scalar * point (the scalar is clamped here). Returns 0, or -1 if
 * the result is all zeros (a small-order point: callers must reject it). */
int x25519(uint8_t out[X25519_LEN], const uint8_t scalar[X25519_LEN],
           const uint8_t point[X25519_LEN]);

/* out = scalar * 9: the public key of private key (scalar). */
void x25519_base(uint8_t out[X25519_LEN], const uint8_t scalar[X25519_LEN]);

/* Clamp 32 random bytes into a private key, as `wg genkey` does. */
void x25519_clamp(uint8_t key[X25519_LEN]);

#endif
