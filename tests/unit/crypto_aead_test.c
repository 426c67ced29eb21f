/* Poly1305, ChaCha20-Poly1305, HChaCha20 and XChaCha20-Poly1305 against
 * RFC 8439's vectors and libsodium. */
#include <sodium.h>
#include <string.h>

#include "crypto/chacha20poly1305.h"
#include "crypto/ct.h"
#include "crypto/hchacha20.h"
#include "crypto/poly1305.h"
#include "crypto/xchacha20poly1305.h"
#include "tests/unit/test.h"
#include "tests/unit/test_hex.h"

/* RFC 8439 section 2.5.2. */
TEST(rfc8439_poly1305)
{
    uint8_t key[32], tag[16], want[16];
    const char *msg = "Cryptographic Forum Research Group";
    test_unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", key);
    test_unhex("a8061dc1305136c6c22b8baf0c0127a9", want);
    poly1305(key, (const uint8_t *)msg, strlen(msg), tag);
    CHECK(memcmp(tag, want, 16) == 0);
}

/* RFC 8439 section 2.8.2. */
TEST(rfc8439_aead)
{
    const char *pt = "Ladies and Gentlemen of the class of '99: If I could "
                     "offer you only one tip for the future, sunscreen would "
                     "be it.";
    size_t n = strlen(pt);
    uint8_t key[32], nonce[12], aad[12], ct[128], tag[16], want[16], back[128];
    uint8_t want_ct[16];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(0x80 + i);
    test_unhex("070000004041424344454647", nonce);
    test_unhex("50515253c0c1c2c3c4c5c6c7", aad);
    test_unhex("1ae10b594f09e26a7e902ecbd0600691", want);
    test_unhex("d31a8d34648e60db7b86afbc53ef7ec2", want_ct);
    chacha20poly1305_encrypt(key, nonce, aad, 12, (const uint8_t *)pt, n, ct, tag);
    CHECK(memcmp(tag, want, 16) == 0);
    CHECK(memcmp(ct, want_ct, 16) == 0);
    CHECK(chacha20poly1305_decrypt(key, nonce, aad, 12, ct, n, back, tag) == 0);
    CHECK(memcmp(back, pt, n) == 0);
    ct[n - 1] ^= 1;
    memset(back, 0x55, sizeof back);
    CHECK(chacha20poly1305_decrypt(key, nonce, aad, 12, ct, n, back, tag) == -1);
    CHECK(back[0] == 0x55); /* nothing written on failure */
}

/* draft-irtf-cfrg-xchacha section 2.2.1. */
TEST(hchacha20_vector)
{
    uint8_t key[32], nonce[16], out[32], want[32];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    test_unhex("000000090000004a0000000031415927", nonce);
    test_unhex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", want);
    hchacha20(key, nonce, out);
    CHECK(memcmp(out, want, 32) == 0);
}

/* Random keys, nonces, lengths, split points: identical to libsodium. */
TEST(poly1305_matches_libsodium)
{
    CHECK(sodium_init() >= 0);
    static uint8_t m[2000];
    for (int iter = 0; iter < 2000 && !test_failed; iter++) {
        uint8_t key[32], ours[16], theirs[16];
        test_fill(key, 32, test_rand);
        if (iter % 100 == 0)
            memset(key, 0xff, 32);
        size_t len = (size_t)(test_rand() % sizeof m);
        test_fill(m, len, test_rand);
        if (iter % 7 == 0)
            memset(m, 0xff, len);
        poly1305_ctx_t c;
        poly1305_init(&c, key);
        size_t split = len ? (size_t)(test_rand() % len) : 0;
        poly1305_update(&c, m, split);
        poly1305_update(&c, m + split, len - split);
        poly1305_final(&c, ours);
        crypto_onetimeauth_poly1305(theirs, m, len, key);
        CHECK(memcmp(ours, theirs, 16) == 0);
    }
}

TEST(aead_matches_libsodium)
{
    CHECK(sodium_init() >= 0);
    static uint8_t pt[3000], ct[3000], ct2[3000], back[3000];
    for (int iter = 0; iter < 2000 && !test_failed; iter++) {
        uint8_t key[32], nonce[24], ad[64], tag[16], tag2[16];
        test_fill(key, 32, test_rand);
        test_fill(nonce, 24, test_rand);
        size_t adl = (size_t)(test_rand() % sizeof ad);
        test_fill(ad, adl, test_rand);
        size_t len = (size_t)(test_rand() % sizeof pt);
        test_fill(pt, len, test_rand);
        unsigned long long tl;
        int x = iter & 1;
        if (!x) {
            chacha20poly1305_encrypt(key, nonce, ad, adl, pt, len, ct, tag);
            crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                ct2, tag2, &tl, pt, len, ad, adl, NULL, nonce, key);
        } else {
            xchacha20poly1305_encrypt(key, nonce, ad, adl, pt, len, ct, tag);
            crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
                ct2, tag2, &tl, pt, len, ad, adl, NULL, nonce, key);
        }
        CHECK(memcmp(ct, ct2, len) == 0 && memcmp(tag, tag2, 16) == 0);
        int r = x ? xchacha20poly1305_decrypt(key, nonce, ad, adl, ct, len, back, tag)
                  : chacha20poly1305_decrypt(key, nonce, ad, adl, ct, len, back, tag);
        CHECK(r == 0 && memcmp(back, pt, len) == 0);
        /* Any flipped bit in tag, ad or ciphertext is refused. */
        size_t where = (size_t)(test_rand() % (16 + adl + len));
        uint8_t bit = (uint8_t)(1u << (test_rand() % 8));
        uint8_t *p = where < 16 ? &tag[where] : where < 16 + adl ? &ad[where - 16]
                                                                 : &ct[where - 16 - adl];
        *p ^= bit;
        r = x ? xchacha20poly1305_decrypt(key, nonce, ad, adl, ct, len, back, tag)
              : chacha20poly1305_decrypt(key, nonce, ad, adl, ct, len, back, tag);
        CHECK(r == -1);
    }
}

TEST(hchacha20_matches_libsodium)
{
    CHECK(sodium_init() >= 0);
    for (int iter = 0; iter < 500 && !test_failed; iter++) {
        uint8_t key[32], nonce[16], ours[32], theirs[32];
        test_fill(key, 32, test_rand);
        test_fill(nonce, 16, test_rand);
        hchacha20(key, nonce, ours);
        crypto_core_hchacha20(theirs, nonce, key, NULL);
        CHECK(memcmp(ours, theirs, 32) == 0);
    }
}

TEST(ct_helpers)
{
    uint8_t a[40], b[40];
    test_fill(a, sizeof a, test_rand);
    memcpy(b, a, sizeof a);
    CHECK(crypto_ct_eq(a, b, sizeof a) == 1);
    for (size_t i = 0; i < sizeof a; i++) {
        b[i] ^= 0x80;
        CHECK(crypto_ct_eq(a, b, sizeof a) == 0);
        b[i] ^= 0x80;
    }
    crypto_wipe(a, sizeof a);
    CHECK(crypto_ct_is_zero(a, sizeof a) == 1);
    a[39] = 1;
    CHECK(crypto_ct_is_zero(a, sizeof a) == 0);
}
