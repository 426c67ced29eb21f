/* A constant-time check in the style of ctgrind: every secret input is
 * marked undefined for valgrind's memcheck, which then reports any branch
 * ("conditional jump depends on uninitialised value") or memory index
 * ("use of uninitialised value" in an address) computed from it. Outputs
 * are marked defined again before anything looks at them. Built with the
 * kernel's optimisation level, so what is checked is what the compiler
 * made of the code. Run: valgrind --error-exitcode=1 ct_check
 *
 * Not covered on purpose: the accept/reject decision of AEAD decryption
 * (public by design: the peer learns it anyway); the comparison itself is
 * crypto_ct_eq, which is checked here. `ct_check control` does one
 * secret-indexed load, which valgrind must flag (the check's own test). */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/blake2s.h"
#include "crypto/chacha20.h"
#include "crypto/chacha20poly1305.h"
#include "crypto/ct.h"
#include "crypto/hchacha20.h"
#include "crypto/hmac_blake2s.h"
#include "crypto/poly1305.h"
#include "crypto/x25519.h"
#include "crypto/xchacha20poly1305.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED(p, n)
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)

static uint8_t key[32], msg[1500], out[1600], tag[16], pt[32], nonce[24];

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 131 + i * 7);
}

/* The negative control: a lookup indexed by a secret, which valgrind must
 * report, or this check could not fail. */
static int control(void)
{
    static const uint8_t table[256] = {1};
    SECRET(key, 32);
    volatile uint8_t v = table[key[0]];
    (void)v;
    return 0;
}

int main(int argc, char **argv)
{
    int checks = 0;
    (void)argv;
    if (argc > 1)
        return control();
    fill(key, sizeof key, 1);
    fill(msg, sizeof msg, 2);
    fill(pt, sizeof pt, 3);
    fill(nonce, sizeof nonce, 4);
    pt[0] = 9;

    SECRET(key, 32);
    x25519(out, key, pt);                       /* scalar secret */
    x25519_base(out + 32, key);
    checks += 2;
    SECRET(key, 32);
    SECRET(msg, sizeof msg);
    chacha20poly1305_encrypt(key, nonce, msg, 13, msg, sizeof msg, out, tag);
    xchacha20poly1305_encrypt(key, nonce, msg, 13, msg, 100, out, tag);
    hchacha20(key, nonce, out);
    poly1305(key, msg, 1000, tag);
    checks += 4;
    blake2s(out, 32, key, 32, msg, 777);
    blake2s(out, 16, key, 7, msg, 64);
    hmac_blake2s(out, key, 32, msg, 100);
    hkdf_blake2s(out, out + 32, out + 64, key, msg, 32);
    checks += 4;
    int eq = crypto_ct_eq(msg, msg + 16, 16) + crypto_ct_is_zero(msg, 16);
    PUBLIC(&eq, sizeof eq);
    crypto_wipe(key, sizeof key);
    checks += 2;
    PUBLIC(out, sizeof out);
    PUBLIC(tag, sizeof tag);
    printf("PASS ct_check: %d functions on secret inputs, no secret-dependent "
           "branch or index (if valgrind reported no error above)\n", checks);
    return 0;
}
