/* mote: HMAC-BLAKE2s (RFC 2104 over BLAKE2s-256, 64-byte blocks) and the
 * HKDF WireGuard builds from it (whitepaper section 5.4, "KDF_n"):
 *
 *   T0 = HMAC(key, input)
 *   T1 = HMAC(T0, 0x1)   T2 = HMAC(T0, T1 || 0x2)   T3 = HMAC(T0, T2 || 0x3)
 */
#ifndef MOTE_CRYPTO_HMAC_BLAKE2S_H
#define MOTE_CRYPTO_HMAC_BLAKE2S_H

#include <stddef.h>
#include <stdint.h>

/* (keylen) at most 64. */
void hmac_blake2s(uint8_t out[32], const uint8_t *key, size_t keylen,
                  const uint8_t *in, size_t len);

/* KDF_n for n = 1..3: T1 into (o1), T2 into (o2) and T3 into (o3) when
 * they are not NULL. (key) is 32 bytes. */
void hkdf_blake2s(uint8_t o1[32], uint8_t o2[32], uint8_t o3[32],
                  const uint8_t key[32], const uint8_t *in, size_t len);

#endif
