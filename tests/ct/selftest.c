/* The crypto and WireGuard handshake known-answer tests as a kernel app
 * (APP=cryptoself, tests/ct/selftest_run.py boots it on every platform
 * under QEMU): RFC 7748, RFC 8439, draft-irtf-cfrg-xchacha, RFC 7693 and
 * WireGuard's construction hash, then a complete Noise_IKpsk2 handshake
 * between two in-memory interfaces and one sealed data packet. Prints
 * "selftest: PASS/FAIL name" lines, then "selftest: N passed, N failed",
 * and shuts down with 0 or 1. */
#include "crypto/blake2s.h"
#include "crypto/chacha20poly1305.h"
#include "crypto/ct.h"
#include "crypto/hchacha20.h"
#include "crypto/hmac_blake2s.h"
#include "crypto/x25519.h"
#include "crypto/xchacha20poly1305.h"
#include "lib/kstring.h"
#include "mote/mote.h"
#include "net/wg.h"

static int passed, failed;

static void result(const char *name, int ok)
{
    printk(KLOG_INFO, "selftest: %s %s", ok ? "PASS" : "FAIL", name);
    if (ok)
        passed++;
    else
        failed++;
}

static int hexval(char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

static void unhex(const char *h, uint8_t *out)
{
    for (size_t i = 0; h[2 * i]; i++)
        out[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
}

static int same_hex(const uint8_t *got, const char *want)
{
    uint8_t w[64];
    size_t n = strlen(want) / 2;
    unhex(want, w);
    return memcmp(got, w, n) == 0;
}

static void x25519_tests(void)
{
    uint8_t k[32], u[32], out[32];
    unhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", k);
    unhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", u);
    x25519(out, k, u);
    result("x25519_rfc7748",
           same_hex(out, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
    uint8_t kk[32] = {9}, uu[32] = {9};
    x25519(out, kk, uu);
    result("x25519_rfc7748_iter1",
           same_hex(out, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"));
}

static void aead_tests(void)
{
    static const char pt[] = "Ladies and Gentlemen of the class of '99: If I could "
                             "offer you only one tip for the future, sunscreen would "
                             "be it.";
    uint8_t key[32], nonce[12], aad[12], ct[128], tag[16], back[128];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(0x80 + i);
    unhex("070000004041424344454647", nonce);
    unhex("50515253c0c1c2c3c4c5c6c7", aad);
    chacha20poly1305_encrypt(key, nonce, aad, 12, (const uint8_t *)pt, sizeof pt - 1,
                             ct, tag);
    result("aead_rfc8439", same_hex(tag, "1ae10b594f09e26a7e902ecbd0600691") &&
                               same_hex(ct, "d31a8d34648e60db7b86afbc53ef7ec2"));
    ct[3] ^= 1;
    result("aead_tamper_refused", chacha20poly1305_decrypt(key, nonce, aad, 12, ct,
                                                           sizeof pt - 1, back, tag) == -1);
    uint8_t k2[32], n16[16], sub[32];
    for (int i = 0; i < 32; i++)
        k2[i] = (uint8_t)i;
    unhex("000000090000004a0000000031415927", n16);
    hchacha20(k2, n16, sub);
    result("hchacha20",
           same_hex(sub, "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"));
    uint8_t n24[24] = {1, 2, 3};
    xchacha20poly1305_encrypt(k2, n24, 0, 0, (const uint8_t *)pt, 40, ct, tag);
    result("xchacha20poly1305_roundtrip",
           xchacha20poly1305_decrypt(k2, n24, 0, 0, ct, 40, back, tag) == 0 &&
               memcmp(back, pt, 40) == 0);
}

static void blake2s_tests(void)
{
    static const char c[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
    uint8_t out[32];
    blake2s(out, 32, 0, 0, (const uint8_t *)"abc", 3);
    result("blake2s_rfc7693",
           same_hex(out, "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"));
    blake2s(out, 32, 0, 0, (const uint8_t *)c, sizeof c - 1);
    result("blake2s_wireguard_construction",
           same_hex(out, "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36"));
}

static wg_dev_t other;

/* wg_dev (this kernel's, unused otherwise) initiates to (other). */
static void handshake_test(void)
{
    kcsprng_fill(wg_dev.priv, 32);
    kcsprng_fill(other.priv, 32);
    wg_noise_dev_init(&other);
    wg_noise_dev_init(&wg_dev);
    wg_dev.npeers = other.npeers = 1;
    memcpy(wg_dev.peers[0].pub, other.pub, 32);
    memcpy(other.peers[0].pub, wg_dev.pub, 32);
    wg_noise_peer_init(&wg_dev, &wg_dev.peers[0]);
    wg_noise_peer_init(&other, &other.peers[0]);
    uint8_t init[WG_INIT_LEN], resp[WG_RESP_LEN];
    wg_noise_create_init(&wg_dev, &wg_dev.peers[0], init, KTIME_S);
    wg_peer_t *pb = wg_noise_consume_init(&other, init, KTIME_S);
    int ok = pb != 0;
    if (ok) {
        wg_noise_create_resp(&other, pb, resp);
        ok = wg_noise_consume_resp(&wg_dev, resp) == &wg_dev.peers[0];
    }
    static wg_keypair_t a, b;
    if (ok) {
        wg_noise_derive(&wg_dev.peers[0], &a, true, 1);
        wg_noise_derive(pb, &b, false, 1);
        ok = crypto_ct_eq(a.send, b.recv, 32) && crypto_ct_eq(a.recv, b.send, 32);
    }
    result("wg_handshake", ok);
    uint8_t nonce[12], ct[64], tag[16], back[64];
    chacha20poly1305_nonce64(0, nonce);
    chacha20poly1305_encrypt(a.send, nonce, 0, 0, (const uint8_t *)"inner packet", 12,
                             ct, tag);
    result("wg_transport", ok && chacha20poly1305_decrypt(b.recv, nonce, 0, 0, ct, 12,
                                                          back, tag) == 0 &&
                               memcmp(back, "inner packet", 12) == 0);
    crypto_wipe(&wg_dev, sizeof wg_dev);
    crypto_wipe(&other, sizeof other);
}

void app_main(void)
{
    x25519_tests();
    aead_tests();
    blake2s_tests();
    handshake_test();
    printk(KLOG_INFO, "selftest: %d passed, %d failed", passed, failed);
    kshutdown(failed ? 1 : 0);
}
