/* HChaCha20: the ChaCha rounds over (constants, key, nonce), keeping words
 * 0..3 and 12..15 with no feed-forward. */
#include "crypto/hchacha20.h"
#include "crypto/chacha_core.h"
#include "crypto/ct.h"

void hchacha20(const uint8_t key[32], const uint8_t nonce[16], uint8_t out[32])
{
    uint32_t x[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++)
        x[4 + i] = crypto_load32_le(key + 4 * i);
    for (int i = 0; i < 4; i++)
        x[12 + i] = crypto_load32_le(nonce + 4 * i);
    chacha_rounds(x);
    for (int i = 0; i < 4; i++) {
        crypto_store32_le(out + 4 * i, x[i]);
        crypto_store32_le(out + 16 + 4 * i, x[12 + i]);
    }
    crypto_wipe(x, sizeof x);
}
