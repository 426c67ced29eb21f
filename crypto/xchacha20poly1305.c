/* XChaCha20-Poly1305: HChaCha20 subkey from nonce[0..16], then the IETF
 * AEAD with nonce 0^4 || nonce[16..24]. */
#include "crypto/xchacha20poly1305.h"
#include "crypto/chacha20poly1305.h"
#include "crypto/ct.h"
#include "crypto/hchacha20.h"
#include "lib/kstring.h"

static void xsubkey(const uint8_t key[32], const uint8_t nonce[24],
                    uint8_t sub[32], uint8_t n12[12])
{
    hchacha20(key, nonce, sub);
    memset(n12, 0, 4);
    memcpy(n12 + 4, nonce + 16, 8);
}

void xchacha20poly1305_encrypt(const uint8_t key[32],
                               const uint8_t nonce[XAEAD_NONCE_LEN],
                               const uint8_t *ad, size_t ad_len,
                               const uint8_t *in, size_t len, uint8_t *out,
                               uint8_t tag[16])
{
    uint8_t sub[32], n12[12];
    xsubkey(key, nonce, sub, n12);
    chacha20poly1305_encrypt(sub, n12, ad, ad_len, in, len, out, tag);
    crypto_wipe(sub, sizeof sub);
}

int xchacha20poly1305_decrypt(const uint8_t key[32],
                              const uint8_t nonce[XAEAD_NONCE_LEN],
                              const uint8_t *ad, size_t ad_len,
                              const uint8_t *in, size_t len, uint8_t *out,
                              const uint8_t tag[16])
{
    uint8_t sub[32], n12[12];
    xsubkey(key, nonce, sub, n12);
    int r = chacha20poly1305_decrypt(sub, n12, ad, ad_len, in, len, out, tag);
    crypto_wipe(sub, sizeof sub);
    return r;
}
