/* HMAC-BLAKE2s and WireGuard's KDF (see hmac_blake2s.h). */
#include "crypto/hmac_blake2s.h"
#include "crypto/blake2s.h"
#include "crypto/ct.h"
#include "lib/kstring.h"

void hmac_blake2s(uint8_t out[32], const uint8_t *key, size_t keylen,
                  const uint8_t *in, size_t len)
{
    uint8_t pad[BLAKE2S_BLOCK_LEN], inner[32];
    blake2s_ctx_t c;
    memset(pad, 0, sizeof pad);
    memcpy(pad, key, keylen);
    for (int i = 0; i < BLAKE2S_BLOCK_LEN; i++)
        pad[i] ^= 0x36;
    blake2s_init(&c, 32, 0, 0);
    blake2s_update(&c, pad, sizeof pad);
    blake2s_update(&c, in, len);
    blake2s_final(&c, inner);
    for (int i = 0; i < BLAKE2S_BLOCK_LEN; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    blake2s_init(&c, 32, 0, 0);
    blake2s_update(&c, pad, sizeof pad);
    blake2s_update(&c, inner, sizeof inner);
    blake2s_final(&c, out);
    crypto_wipe(pad, sizeof pad);
    crypto_wipe(inner, sizeof inner);
}

void hkdf_blake2s(uint8_t o1[32], uint8_t o2[32], uint8_t o3[32],
                  const uint8_t key[32], const uint8_t *in, size_t len)
{
    uint8_t t0[32], t[33];
    hmac_blake2s(t0, key, 32, in, len);
    t[0] = 1;
    hmac_blake2s(t, t0, 32, t, 1);
    if (o1)
        memcpy(o1, t, 32);
    if (o2 || o3) {
        t[32] = 2;
        hmac_blake2s(t, t0, 32, t, 33);
        if (o2)
            memcpy(o2, t, 32);
    }
    if (o3) {
        t[32] = 3;
        hmac_blake2s(t, t0, 32, t, 33);
        memcpy(o3, t, 32);
    }
    crypto_wipe(t0, sizeof t0);
    crypto_wipe(t, sizeof t);
}
