/* ChaCha20 block function and stream XOR, RFC 8439 section 2. */
#include "crypto/chacha20.h"
#include "crypto/chacha_core.h"
#include "crypto/ct.h"

void chacha20_block(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_LEN],
                    uint8_t out[CHACHA20_BLOCK_LEN])
{
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++)
        in[4 + i] = crypto_load32_le(key + 4 * i);
    in[12] = counter;
    for (int i = 0; i < 3; i++)
        in[13 + i] = crypto_load32_le(nonce + 4 * i);
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = in[i];
    chacha_rounds(x);
    for (int i = 0; i < 16; i++)
        crypto_store32_le(out + 4 * i, x[i] + in[i]);
    crypto_wipe(in, sizeof in);
    crypto_wipe(x, sizeof x);
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_LEN], const uint8_t *in,
                  uint8_t *out, size_t len)
{
    uint8_t ks[CHACHA20_BLOCK_LEN];
    while (len) {
        chacha20_block(key, counter++, nonce, ks);
        size_t n = len < sizeof ks ? len : sizeof ks;
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] ^ ks[i];
        in += n;
        out += n;
        len -= n;
    }
    crypto_wipe(ks, sizeof ks);
}
