/* WireGuard's crypto on the host: mote's portable C (built as the kernel
 * builds it, -O2, no SIMD) beside libsodium in the same run.
 *
 *   crypto_bench   -> "name ours theirs unit" lines
 *
 * AEAD: ChaCha20-Poly1305 (IETF) sealing at 64 B, 1420 B (a full tunnel
 * packet) and 64 KiB, bytes/s. X25519: scalar multiplications/s. A
 * handshake: everything both sides compute for one (initiation created and
 * consumed, response created and consumed, both transport keypairs
 * derived: net/wg_noise.c itself); libsodium's column there is the time of
 * the same number of X25519 operations alone (a handshake's floor with
 * its DH), since libsodium has no WireGuard handshake. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/chacha20poly1305.h"
#include "crypto/x25519.h"
#include "net/wg.h"

wg_dev_t wg_dev;
static wg_dev_t other;

/* What net/wg_noise.c needs from the rest of the kernel. */
void kcsprng_fill(void *buf, size_t len)
{
    randombytes_buf(buf, len);
}

uint32_t wg_new_index(void)
{
    return randombytes_random();
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint8_t buf[65536 + 16], out[65536 + 16];

/* Seconds per call of (fn) (run for about 0.5 s). */
#define TIME(var, body)                                   \
    do {                                                  \
        long n_ = 0;                                      \
        double t0_ = now(), t_;                           \
        do {                                              \
            for (int k_ = 0; k_ < 16; k_++) { body; }     \
            n_ += 16;                                     \
        } while ((t_ = now() - t0_) < 0.5);               \
        var = t_ / (double)n_;                            \
    } while (0)

static void handshake(void)
{
    uint8_t init[WG_INIT_LEN], resp[WG_RESP_LEN];
    static wg_keypair_t a, b;
    wg_noise_create_init(&wg_dev, &wg_dev.peers[0], init, 1);
    wg_peer_t *pb = wg_noise_consume_init(&other, init, 1);
    other.peers[0].last_init_rx = 0;
    memset(other.peers[0].last_ts, 0, 12);
    if (!pb) {
        fprintf(stderr, "handshake failed\n");
        exit(1);
    }
    wg_noise_create_resp(&other, pb, resp);
    if (wg_noise_consume_resp(&wg_dev, resp) != &wg_dev.peers[0]) {
        fprintf(stderr, "response failed\n");
        exit(1);
    }
    wg_noise_derive(&wg_dev.peers[0], &a, true, 1);
    wg_noise_derive(pb, &b, false, 1);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    uint8_t key[32], nonce[12] = {0}, tag[16];
    randombytes_buf(key, sizeof key);
    randombytes_buf(buf, sizeof buf);
    static const size_t sizes[] = {64, 1420, 65536};
    for (int i = 0; i < 3; i++) {
        size_t n = sizes[i];
        double ours, theirs;
        unsigned long long tl;
        TIME(ours, chacha20poly1305_encrypt(key, nonce, 0, 0, buf, n, out, tag));
        TIME(theirs, crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                         out, tag, &tl, buf, n, 0, 0, 0, nonce, key));
        printf("aead_%zu %.0f %.0f bytes/s\n", n, (double)n / ours, (double)n / theirs);
    }
    uint8_t s[32], p[32] = {9}, o[32];
    randombytes_buf(s, 32);
    double xo, xt;
    TIME(xo, x25519(o, s, p); s[0] ^= o[1]);
    TIME(xt, if (crypto_scalarmult(o, s, p)) return 1; s[0] ^= o[1]);
    printf("x25519 %.0f %.0f ops/s\n", 1 / xo, 1 / xt);

    randombytes_buf(wg_dev.priv, 32);
    randombytes_buf(other.priv, 32);
    wg_noise_dev_init(&other);
    wg_noise_dev_init(&wg_dev);
    wg_dev.npeers = other.npeers = 1;
    memcpy(wg_dev.peers[0].pub, other.pub, 32);
    memcpy(other.peers[0].pub, wg_dev.pub, 32);
    wg_noise_peer_init(&wg_dev, &wg_dev.peers[0]);
    wg_noise_peer_init(&other, &other.peers[0]);
    double ho;
    TIME(ho, handshake());
    /* X25519 per handshake: initiator 1 base + 1 DH (create_init),
     * responder 2 (consume_init), responder 1 base + 2 (create_resp),
     * initiator 2 (consume_resp): 8 (the static-static DH is precomputed). */
    printf("handshake %.0f %.0f handshakes/s\n", 1 / ho, 1 / (8 * xt));
    printf("handshake_ms %.3f %.3f ms\n", ho * 1e3, 8 * xt * 1e3);
    return 0;
}
