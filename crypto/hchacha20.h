/* mote: HChaCha20 (draft-irtf-cfrg-xchacha section 2.2): a 32-byte subkey
 * from a key and a 16-byte nonce, the first step of XChaCha20. */
#ifndef MOTE_CRYPTO_HCHACHA20_H
#define MOTE_CRYPTO_HCHACHA20_H

#include <stdint.h>

void hchacha20(const uint8_t key[32], const uint8_t nonce[16], uint8_t out[32]);

#endif
