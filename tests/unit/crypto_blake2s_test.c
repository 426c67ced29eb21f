/* BLAKE2s (RFC 7693), HMAC-BLAKE2s and WireGuard's KDF, against the RFC
 * vector and Python's hashlib.blake2s / hmac (libsodium has no BLAKE2s). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/blake2s.h"
#include "crypto/hmac_blake2s.h"
#include "tests/unit/test.h"
#include "tests/unit/test_hex.h"

/* RFC 7693 appendix B: BLAKE2s-256("abc"). */
TEST(rfc7693_abc)
{
    uint8_t out[32], want[32];
    test_unhex("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982", want);
    blake2s(out, 32, NULL, 0, (const uint8_t *)"abc", 3);
    CHECK(memcmp(out, want, 32) == 0);
}

/* WireGuard's first chaining key, Hash("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"),
 * as hard-coded in the Linux driver and wireguard-go. */
TEST(wireguard_construction_hash)
{
    const char *c = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
    uint8_t out[32], want[32];
    test_unhex("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36", want);
    blake2s(out, 32, NULL, 0, (const uint8_t *)c, strlen(c));
    CHECK(memcmp(out, want, 32) == 0);
}

/* Python draws the cases from the seed and prints inputs and digests:
 * "mode outlen key msg digest" per line, hex, '-' for empty. */
static const char *pyprog =
    "import hashlib,hmac,random,sys\n"
    "r=random.Random(int(sys.argv[1]))\n"
    "h=lambda b: b.hex() or '-'\n"
    "for i in range(3000):\n"
    " m=bytes(r.getrandbits(8) for _ in range(r.choice([0,1,63,64,65,127,128,129,r.randrange(600)])))\n"
    " if i%3==0:\n"
    "  k=bytes(r.getrandbits(8) for _ in range(r.randrange(33))); o=r.randrange(1,33)\n"
    "  print('b',o,h(k),h(m),hashlib.blake2s(m,key=k,digest_size=o).hexdigest())\n"
    " elif i%3==1:\n"
    "  k=bytes(r.getrandbits(8) for _ in range(r.randrange(65)))\n"
    "  print('h',32,h(k),h(m),hmac.new(k,m,hashlib.blake2s).hexdigest())\n"
    " else:\n"
    "  k=bytes(r.getrandbits(8) for _ in range(32))\n"
    "  t0=hmac.new(k,m,hashlib.blake2s).digest(); t1=hmac.new(t0,b'\\x01',hashlib.blake2s).digest()\n"
    "  t2=hmac.new(t0,t1+b'\\x02',hashlib.blake2s).digest(); t3=hmac.new(t0,t2+b'\\x03',hashlib.blake2s).digest()\n"
    "  print('k',96,h(k),h(m),(t1+t2+t3).hex())\n";

static size_t field(const char *s, uint8_t *out)
{
    return strcmp(s, "-") == 0 ? 0 : test_unhex(s, out);
}

TEST(matches_python_hashlib)
{
    FILE *f = fopen("/tmp/mote_blake2s_check.py", "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(pyprog, f);
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "python3 /tmp/mote_blake2s_check.py %llu",
             (unsigned long long)(test_seed() & 0xffffffff));
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    static char ks[200], ms[1300], ds[200];
    char mode[4];
    int outlen, cases = 0, counts[3] = {0};
    while (!test_failed &&
           fscanf(p, "%3s %d %199s %1299s %199s", mode, &outlen, ks, ms, ds) == 5) {
        uint8_t k[64], m[650], want[96], got[96];
        size_t kl = field(ks, k), ml = field(ms, m);
        test_unhex(ds, want);
        if (mode[0] == 'b') {
            blake2s(got, (size_t)outlen, k, kl, m, ml);
            counts[0]++;
        } else if (mode[0] == 'h') {
            hmac_blake2s(got, k, kl, m, ml);
            counts[1]++;
        } else {
            hkdf_blake2s(got, got + 32, got + 64, k, m, ml);
            counts[2]++;
        }
        CHECK(memcmp(got, want, (size_t)outlen) == 0);
        cases++;
    }
    pclose(p);
    CHECK_EQ(cases, 3000);
    CHECK(counts[0] && counts[1] && counts[2]);
}

/* Streaming in pieces gives the one-shot digest. */
TEST(streaming_equals_one_shot)
{
    static uint8_t m[1000];
    for (int iter = 0; iter < 300 && !test_failed; iter++) {
        size_t len = (size_t)(test_rand() % sizeof m);
        test_fill(m, len, test_rand);
        uint8_t a[32], b[32];
        blake2s(a, 32, NULL, 0, m, len);
        blake2s_ctx_t c;
        blake2s_init(&c, 32, NULL, 0);
        size_t off = 0;
        while (off < len) {
            size_t n = 1 + (size_t)(test_rand() % 130);
            if (n > len - off)
                n = len - off;
            blake2s_update(&c, m + off, n);
            off += n;
        }
        blake2s_final(&c, b);
        CHECK(memcmp(a, b, 32) == 0);
    }
}
