/* X25519 against RFC 7748's vectors and against libsodium. */
#include <sodium.h>
#include <string.h>

#include "crypto/x25519.h"
#include "tests/unit/test.h"
#include "tests/unit/test_hex.h"

static void check_vec(const char *k, const char *u, const char *want)
{
    uint8_t kb[32], ub[32], wb[32], out[32];
    test_unhex(k, kb);
    test_unhex(u, ub);
    test_unhex(want, wb);
    CHECK(x25519(out, kb, ub) == 0);
    CHECK(memcmp(out, wb, 32) == 0);
}

/* RFC 7748 section 5.2, the two single-shot vectors. */
TEST(rfc7748_vectors)
{
    check_vec("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
              "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
              "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    check_vec("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
              "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
              "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* RFC 7748 section 5.2: k = u = 9, then k, u = X25519(k, u), k, 1 and
 * 1000 times. */
TEST(rfc7748_iterations)
{
    uint8_t k[32] = {9}, u[32] = {9}, r[32], want1[32], want1000[32];
    test_unhex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", want1);
    test_unhex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", want1000);
    for (int i = 1; i <= 1000; i++) {
        x25519(r, k, u);
        memcpy(u, k, 32);
        memcpy(k, r, 32);
        if (i == 1)
            CHECK(memcmp(k, want1, 32) == 0);
    }
    CHECK(memcmp(k, want1000, 32) == 0);
}

/* RFC 7748 section 6.1: Alice and Bob. */
TEST(rfc7748_dh)
{
    uint8_t a[32], b[32], pa[32], pb[32], want[32], s1[32], s2[32], w[32];
    test_unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a);
    test_unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b);
    test_unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", want);
    x25519_base(pa, a);
    x25519_base(pb, b);
    test_unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", w);
    CHECK(memcmp(pa, w, 32) == 0);
    test_unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", w);
    CHECK(memcmp(pb, w, 32) == 0);
    CHECK(x25519(s1, a, pb) == 0);
    CHECK(x25519(s2, b, pa) == 0);
    CHECK(memcmp(s1, want, 32) == 0 && memcmp(s2, want, 32) == 0);
}

/* A small-order point gives all zeros, which callers must refuse. */
TEST(small_order_rejected)
{
    uint8_t k[32] = {1, 2, 3}, zero[32] = {0}, one[32] = {1}, out[32];
    CHECK(x25519(out, k, zero) == -1);
    CHECK(x25519(out, k, one) == -1);
}

/* Random scalars and points (including non-canonical u >= p and the top
 * bit set, which RFC 7748 says to ignore): identical to libsodium. */
TEST(matches_libsodium)
{
    CHECK(sodium_init() >= 0);
    for (int iter = 0; iter < 2000 && !test_failed; iter++) {
        uint8_t k[32], u[32], ours[32], theirs[32];
        test_fill(k, 32, test_rand);
        test_fill(u, 32, test_rand);
        if (iter % 50 == 1)
            memset(u, 0xff, 32); /* 2^256 - 1: reduced mod p */
        if (iter % 50 == 2) {
            memset(u, 0xff, 32); /* p itself and just above */
            u[0] = (uint8_t)(0xed + iter % 3);
            u[31] = 0x7f;
        }
        int r1 = x25519(ours, k, u);
        int r2 = crypto_scalarmult(theirs, k, u);
        CHECK_EQ(r1, r2);
        if (r2 == 0)
            CHECK(memcmp(ours, theirs, 32) == 0);
        x25519_base(ours, k);
        crypto_scalarmult_base(theirs, k);
        CHECK(memcmp(ours, theirs, 32) == 0);
    }
}
