/* The 32-bit field of X25519 (x25519_fe32.h), which 32-bit kernels use,
 * checked on the host too: the same x25519.c built with X25519_FIELD32
 * under other names, against libsodium and the RFC 7748 vectors. */
#include <sodium.h>
#include <string.h>

#define X25519_FIELD32 1
#define x25519 x25519_32
#define x25519_base x25519_base_32
#define x25519_clamp x25519_clamp_32
#include "crypto/x25519.c"
#undef x25519
#undef x25519_base
#undef x25519_clamp

#include "tests/unit/test.h"
#include "tests/unit/test_hex.h"

TEST(fe32_rfc7748_iterations)
{
    uint8_t k[32] = {9}, u[32] = {9}, r[32], want1000[32];
    test_unhex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", want1000);
    for (int i = 1; i <= 1000; i++) {
        x25519_32(r, k, u);
        memcpy(u, k, 32);
        memcpy(k, r, 32);
    }
    CHECK(memcmp(k, want1000, 32) == 0);
}

TEST(fe32_matches_libsodium)
{
    CHECK(sodium_init() >= 0);
    for (int iter = 0; iter < 1000 && !test_failed; iter++) {
        uint8_t k[32], u[32], ours[32], theirs[32];
        test_fill(k, 32, test_rand);
        test_fill(u, 32, test_rand);
        if (iter % 50 == 1)
            memset(u, 0xff, 32);
        int r1 = x25519_32(ours, k, u);
        int r2 = crypto_scalarmult(theirs, k, u);
        CHECK_EQ(r1, r2);
        if (r2 == 0)
            CHECK(memcmp(ours, theirs, 32) == 0);
        x25519_base_32(ours, k);
        crypto_scalarmult_base(theirs, k);
        CHECK(memcmp(ours, theirs, 32) == 0);
    }
}
