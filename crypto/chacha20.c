/* ChaCha20 block function and stream XOR, RFC 8439 section 2. */
#include "crypto/chacha20.h"
#include "crypto/chacha_core.h"
#include "crypto/ct.h"

static void chacha_init(uint32_t st[16], const uint8_t key[CHACHA20_KEY_LEN],
                        uint32_t counter, const uint8_t nonce[CHACHA20_NONCE_LEN])
{
    st[0] = 0x61707865;
    st[1] = 0x3320646e;
    st[2] = 0x79622d32;
    st[3] = 0x6b206574;
    for (int i = 0; i < 8; i++)
        st[4 + i] = crypto_load32_le(key + 4 * i);
    st[12] = counter;
    for (int i = 0; i < 3; i++)
        st[13 + i] = crypto_load32_le(nonce + 4 * i);
}

/* One keystream block of state (st) as words into (ks); no wiping here:
 * the callers wipe once, not per block. */
static void chacha_words(const uint32_t st[16], uint32_t ks[16])
{
    for (int i = 0; i < 16; i++)
        ks[i] = st[i];
    chacha_rounds(ks);
    for (int i = 0; i < 16; i++)
        ks[i] += st[i];
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_LEN],
                    uint8_t out[CHACHA20_BLOCK_LEN])
{
    uint32_t st[16], ks[16];
    chacha_init(st, key, counter, nonce);
    chacha_words(st, ks);
    for (int i = 0; i < 16; i++)
        crypto_store32_le(out + 4 * i, ks[i]);
    crypto_wipe(st, sizeof st);
    crypto_wipe(ks, sizeof ks);
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_LEN], const uint8_t *in,
                  uint8_t *out, size_t len)
{
    uint32_t st[16], ks[16];
    chacha_init(st, key, counter, nonce);
    while (len >= CHACHA20_BLOCK_LEN) {
        chacha_words(st, ks);
        st[12]++;
        for (int i = 0; i < 16; i++)
            crypto_store32_le(out + 4 * i, crypto_load32_le(in + 4 * i) ^ ks[i]);
        in += CHACHA20_BLOCK_LEN;
        out += CHACHA20_BLOCK_LEN;
        len -= CHACHA20_BLOCK_LEN;
    }
    if (len) {
        uint8_t tail[CHACHA20_BLOCK_LEN];
        chacha_words(st, ks);
        for (int i = 0; i < 16; i++)
            crypto_store32_le(tail + 4 * i, ks[i]);
        for (size_t i = 0; i < len; i++)
            out[i] = in[i] ^ tail[i];
        crypto_wipe(tail, sizeof tail);
    }
    crypto_wipe(st, sizeof st);
    crypto_wipe(ks, sizeof ks);
}
