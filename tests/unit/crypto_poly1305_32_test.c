/* Poly1305's 26-bit limbs (what 32-bit kernels use), checked on the host
 * too: poly1305.c built with POLY1305_32 under other names, against
 * RFC 8439 and libsodium. */
#include <sodium.h>
#include <string.h>

#define POLY1305_32 1
#define poly1305_init poly1305_init_32
#define poly1305_update poly1305_update_32
#define poly1305_final poly1305_final_32
#define poly1305 poly1305_32
#include "crypto/poly1305.c"
#undef poly1305_init
#undef poly1305_update
#undef poly1305_final
#undef poly1305

#include "tests/unit/test.h"
#include "tests/unit/test_hex.h"

TEST(w26_rfc8439)
{
    uint8_t key[32], tag[16], want[16];
    const char *msg = "Cryptographic Forum Research Group";
    test_unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", key);
    test_unhex("a8061dc1305136c6c22b8baf0c0127a9", want);
    poly1305_32(key, (const uint8_t *)msg, strlen(msg), tag);
    CHECK(memcmp(tag, want, 16) == 0);
}

TEST(w26_matches_libsodium)
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
        poly1305_32(key, m, len, ours);
        crypto_onetimeauth_poly1305(theirs, m, len, key);
        CHECK(memcmp(ours, theirs, 16) == 0);
    }
}
