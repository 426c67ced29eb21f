/* ChaCha20-Poly1305 AEAD, RFC 8439 section 2.8. */
#include "crypto/chacha20poly1305.h"
#include "crypto/chacha20.h"
#include "crypto/ct.h"
#include "crypto/poly1305.h"

static const uint8_t zeros[16];

/* The tag over (ad, ct) with the one-time key from block 0. */
static void aead_tag(const uint8_t key[32], const uint8_t nonce[12],
                     const uint8_t *ad, size_t ad_len, const uint8_t *ct,
                     size_t len, uint8_t tag[16])
{
    uint8_t block[64], lens[16];
    chacha20_block(key, 0, nonce, block);
    poly1305_ctx_t p;
    poly1305_init(&p, block);
    crypto_wipe(block, sizeof block);
    poly1305_update(&p, ad, ad_len);
    poly1305_update(&p, zeros, (16 - ad_len % 16) % 16);
    poly1305_update(&p, ct, len);
    poly1305_update(&p, zeros, (16 - len % 16) % 16);
    crypto_store64_le(lens, (uint64_t)ad_len);
    crypto_store64_le(lens + 8, (uint64_t)len);
    poly1305_update(&p, lens, 16);
    poly1305_final(&p, tag);
}

void chacha20poly1305_encrypt(const uint8_t key[AEAD_KEY_LEN],
                              const uint8_t nonce[AEAD_NONCE_LEN],
                              const uint8_t *ad, size_t ad_len,
                              const uint8_t *in, size_t len, uint8_t *out,
                              uint8_t tag[AEAD_TAG_LEN])
{
    chacha20_xor(key, 1, nonce, in, out, len);
    aead_tag(key, nonce, ad, ad_len, out, len, tag);
}

int chacha20poly1305_decrypt(const uint8_t key[AEAD_KEY_LEN],
                             const uint8_t nonce[AEAD_NONCE_LEN],
                             const uint8_t *ad, size_t ad_len,
                             const uint8_t *in, size_t len, uint8_t *out,
                             const uint8_t tag[AEAD_TAG_LEN])
{
    uint8_t want[16];
    aead_tag(key, nonce, ad, ad_len, in, len, want);
    int ok = crypto_ct_eq(want, tag, 16);
    crypto_wipe(want, sizeof want);
    if (!ok)
        return -1;
    chacha20_xor(key, 1, nonce, in, out, len);
    return 0;
}

void chacha20poly1305_nonce64(uint64_t counter, uint8_t nonce[AEAD_NONCE_LEN])
{
    crypto_store32_le(nonce, 0);
    crypto_store64_le(nonce + 4, counter);
}
