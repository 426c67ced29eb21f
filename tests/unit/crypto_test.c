/* ChaCha20 against RFC 8439's vectors and against libsodium; the CSPRNG's
 * key erasure and reseeding. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto/chacha20.h"
#include "kernel/csprng.h"
#include "mote/krng.h"
#include "tests/unit/test.h"

static void unhex(const char *h, uint8_t *out)
{
    for (size_t i = 0; h[2 * i]; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* RFC 8439 appendix A.1, test vector #1: zero key, zero nonce, block 0. */
TEST(rfc8439_a1_vector1)
{
    uint8_t key[32] = {0}, nonce[12] = {0}, out[64], want[64];
    unhex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
          "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
          want);
    chacha20_block(key, 0, nonce, out);
    CHECK(memcmp(out, want, 64) == 0);
}

/* RFC 8439 section 2.3.2: key 00..1f, nonce 000000090000004a00000000,
 * counter 1. */
TEST(rfc8439_block_2_3_2)
{
    uint8_t key[32], nonce[12], out[64], want[16];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    unhex("000000090000004a00000000", nonce);
    unhex("10f1e7e4d13b5915500fdd1fa32071c4", want);
    chacha20_block(key, 1, nonce, out);
    CHECK(memcmp(out, want, 16) == 0);
}

/* Random keys, nonces, counters and lengths: identical to libsodium. */
TEST(matches_libsodium)
{
    CHECK(sodium_init() >= 0);
    static uint8_t in[4096], ours[4096], theirs[4096];
    for (int iter = 0; iter < 500; iter++) {
        uint8_t key[32], nonce[12];
        for (int i = 0; i < 32; i++)
            key[i] = (uint8_t)test_rand();
        for (int i = 0; i < 12; i++)
            nonce[i] = (uint8_t)test_rand();
        uint32_t ctr = (uint32_t)test_rand() % 1000;
        size_t len = (size_t)(test_rand() % sizeof in);
        for (size_t i = 0; i < len; i++)
            in[i] = (uint8_t)test_rand();
        chacha20_xor(key, ctr, nonce, in, ours, len);
        crypto_stream_chacha20_ietf_xor_ic(theirs, in, len, nonce, ctr, key);
        CHECK(memcmp(ours, theirs, len) == 0);
        if (test_failed)
            return;
    }
}

TEST(csprng_output_differs_and_reseeds)
{
    uint8_t a[100], b[100];
    CHECK(kcsprng_ready());
    kcsprng_fill(a, sizeof a);
    kcsprng_fill(b, sizeof b);
    CHECK(memcmp(a, b, sizeof a) != 0);
    /* Large requests cross many refills. */
    static uint8_t big[10000];
    kcsprng_fill(big, sizeof big);
    int zeros = 0;
    for (size_t i = 0; i < sizeof big; i++)
        zeros += big[i] == 0;
    CHECK(zeros < 100); /* ~39 expected; erased (zeroed) bytes would show */
    uint32_t before = kcsprng_reseeds();
    uint8_t seed[32] = {1};
    kcsprng_mix(seed, sizeof seed);
    CHECK_EQ(kcsprng_reseeds(), before + 1);
}

/* The same seed gives the same stream; a different one does not. */
TEST(csprng_deterministic_in_seed)
{
    uint8_t s1[32] = {7}, x[64], y[64], z[64];
    kcsprng_reset_for_test();
    kcsprng_mix(s1, sizeof s1);
    kcsprng_fill(x, sizeof x);
    kcsprng_reset_for_test();
    kcsprng_mix(s1, sizeof s1);
    kcsprng_fill(y, sizeof y);
    CHECK(memcmp(x, y, sizeof x) == 0);
    s1[31] = 1;
    kcsprng_reset_for_test();
    kcsprng_mix(s1, sizeof s1);
    kcsprng_fill(z, sizeof z);
    CHECK(memcmp(x, z, sizeof x) != 0);
}
