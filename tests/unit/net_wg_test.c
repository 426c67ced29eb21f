/* WireGuard pieces on the host: the wg(8) configuration parser, base64
 * keys, the replay window, and a complete Noise_IKpsk2 handshake between
 * two in-memory devices (the interop suite, tests/wg, checks the same
 * against wireguard-go). */
#include <stdio.h>
#include <string.h>

#include "crypto/x25519.h"
#include "net/wg.h"
#include "net/wg_conf.h"
#include "net/wg_replay.h"
#include "tests/unit/test.h"

/* Keys from `wg genkey` / `wg pubkey`. */
#define PRIV_A "UMAccFCpAjqIjmZOKM7fXbDN04GuB/qSTwWcCfvXAUc="
#define PUB_A "sjXYWIQ2YKvnV0QSB9Gc27n89CA9w505WLlz8W9jnS0="
#define PUB_B "4MPSdpEPdpofDr3pWIHsKJjGjJK9bRs772xP7lTnXEY="

static kerr_t parse(const char *text, wg_conf_t *c, char *why)
{
    return wg_conf_parse(text, strlen(text), c, why, 96);
}

TEST(base64_keys)
{
    uint8_t k[32], pub[32];
    char s[45];
    CHECK(wg_base64_key_decode(PRIV_A, 44, k) == 0);
    wg_base64_key_encode(k, s);
    CHECK(strcmp(s, PRIV_A) == 0);
    x25519_base(pub, k);
    wg_base64_key_encode(pub, s);
    CHECK(strcmp(s, PUB_A) == 0); /* what `wg pubkey` printed */
    CHECK(wg_base64_key_decode(PRIV_A, 43, k) == -1);
    CHECK(wg_base64_key_decode("UMAccFCpAjqIjmZOKM7fXbDN04GuB/qSTwWcCfvXAUd=", 44, k) == -1);
    CHECK(wg_base64_key_decode("UMAccFCpAjqIjmZOKM7fXbDN04GuB/qSTwWcCfvX!Uc=", 44, k) == -1);
    CHECK(wg_base64_key_decode("UMAccFCpAjqIjmZOKM7fXbDN04GuB/qSTwWcCfvXAUcA", 44, k) == -1);
}

TEST(conf_full)
{
    static wg_conf_t c;
    char why[96] = "";
    const char *text =
        "# mote\n[Interface]\nPrivateKey = " PRIV_A "\n"
        "ListenPort = 51000\r\nAddress = 10.7.0.2/24\nDNS = 1.1.1.1\n\n"
        "[Peer]\npublickey=" PUB_B "  # comment\n"
        "PresharedKey = " PRIV_A "\nEndpoint = 192.0.2.1:51820\n"
        "AllowedIPs = 10.7.0.0/24, 192.168.5.7/16,10.7.0.1\n"
        "PersistentKeepalive = 25\n";
    CHECK(parse(text, &c, why) == KERR_OK);
    if (why[0])
        printf("    %s\n", why);
    CHECK_EQ(c.listen_port, 51000);
    CHECK_EQ(c.ip, 0x0a070002);
    CHECK_EQ(c.mask, 0xffffff00);
    CHECK_EQ(c.npeers, 1);
    CHECK_EQ(c.peers[0].endpoint_ip, 0xc0000201);
    CHECK_EQ(c.peers[0].endpoint_port, 51820);
    CHECK_EQ(c.peers[0].keepalive, 25);
    CHECK_EQ(c.nallowed, 3);
    CHECK_EQ(c.allowed[1].ip, 0xc0a80000); /* host bits masked off */
    CHECK_EQ(c.allowed[1].prefix, 16);
    CHECK_EQ(c.allowed[2].prefix, 32);
    /* One line, as a boot argument. */
    const char *arg = "[Interface];PrivateKey=" PRIV_A ";Address=10.7.0.2/24;"
                      "[Peer];PublicKey=" PUB_B ";AllowedIPs=0.0.0.0/0";
    CHECK(parse(arg, &c, why) == KERR_OK);
    CHECK_EQ(c.listen_port, WG_DEFAULT_PORT);
    CHECK_EQ(c.allowed[0].prefix, 0);
}

/* Every refusal names its line and reason. */
TEST(conf_refused)
{
    static wg_conf_t c;
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"", "no [Interface]"},
        {"[Interface]\nPrivateKey=" PRIV_A "\n[Peer]\nPublicKey=" PUB_B, "line 4: [Interface] has no Address"},
        {"[Interface]\nPrivateKey=abc\n", "line 2: PrivateKey is not"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/24\n", "no [Peer]"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/33\n", "line 3: Address"},
        {"[Interface]\nListenPort=70000\n", "line 2: ListenPort"},
        {"[Interface]\nBogus=1\n", "line 2: unknown key in [Interface]"},
        {"[Peer]\n", "line 1: [Peer] before [Interface]"},
        {"PrivateKey=" PRIV_A, "line 1: key outside a section"},
        {"[Interface]\nnonsense\n", "line 2: expected Key = Value"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/24\n[Peer]\nAllowedIPs=10.0.0.0/24\n", "[Peer] without PublicKey"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/24\n[Peer]\nPublicKey=" PUB_A "\n", "our own PublicKey"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/24\n[Peer]\nPublicKey=" PUB_B "\n[Peer]\nPublicKey=" PUB_B "\n", "line 7: the same PublicKey"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/24\n[Peer]\nPublicKey=" PUB_B "\nEndpoint=vpn.example.com:51820\n", "line 6: Endpoint must be an IPv4"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/24\n[Peer]\nPublicKey=" PUB_B "\nEndpoint=1.2.3.4\n", "line 6: Endpoint must be a.b.c.d:port"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/24\n[Peer]\nPublicKey=" PUB_B "\nAllowedIPs=10.0.0.0/24,fd00::/64\n", "line 6: AllowedIPs entry"},
        {"[Interface]\nPrivateKey=" PRIV_A "\nAddress=10.0.0.1/24\n[Peer]\nPublicKey=" PUB_B "\nPersistentKeepalive=-1\n", "line 6: PersistentKeepalive"},
        {"[Interface]\n[Interface]\n", "line 2: [Interface] must come first"},
        {"[Wat]\n", "line 1: unknown section"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char why[96] = "";
        kerr_t e = parse(bad[i].text, &c, why);
        CHECK_EQ(e, KERR_INVALID);
        if (!strstr(why, bad[i].why)) {
            printf("    case %zu: got \"%s\", want \"%s\"\n", i, why, bad[i].why);
            test_failed = 1;
        }
        CHECK(strchr(why, '\n') == NULL);
    }
}

TEST(replay_window)
{
    static wg_replay_t r;
    wg_replay_reset(&r);
    CHECK(wg_replay_check(&r, 0));
    CHECK(!wg_replay_check(&r, 0));
    CHECK(wg_replay_check(&r, 2));
    CHECK(wg_replay_check(&r, 1)); /* reordered: still fine */
    CHECK(!wg_replay_check(&r, 1));
    /* Jump ahead; everything within the window stays checkable. */
    CHECK(wg_replay_check(&r, 10000));
    CHECK(wg_replay_check(&r, 10001 - WG_REPLAY_WINDOW));
    CHECK(!wg_replay_check(&r, 10001 - WG_REPLAY_WINDOW));
    CHECK(!wg_replay_check(&r, 10000 - WG_REPLAY_WINDOW)); /* too old */
    CHECK(wg_replay_check(&r, 9999));
    CHECK(WG_REPLAY_WINDOW >= 2048);
    CHECK(!wg_replay_check(&r, WG_REJECT_AFTER_MESSAGES));
    /* A model: random counters near the top; accept iff new and within the
     * window. */
    static uint8_t seen[1 << 16];
    memset(seen, 0, sizeof seen);
    wg_replay_reset(&r);
    uint64_t top = 0;
    for (int i = 0; i < 200000 && !test_failed; i++) {
        uint64_t c = top + (test_rand() % 300) - 250;
        if (c >= sizeof seen)
            continue;
        bool want = !seen[c] && (c + 1 >= top || top - c <= WG_REPLAY_WINDOW);
        if (c + 1 < top && top - c > WG_REPLAY_WINDOW)
            want = false;
        bool got = wg_replay_check(&r, c);
        CHECK_EQ(got, want);
        if (got) {
            seen[c] = 1;
            if (c + 1 > top)
                top = c + 1;
        }
        if (top > sizeof seen - 400)
            break;
    }
}

/* Two devices in memory: the global wg_dev initiates to (other). */
static wg_dev_t other;

static void setup_pair(const char *psk)
{
    static wg_conf_t c;
    memset(&wg_dev, 0, sizeof wg_dev);
    memset(&other, 0, sizeof other);
    uint8_t pa[32] = {1}, pb[32] = {2};
    test_rand();
    for (int i = 0; i < 32; i++) {
        pa[i] = (uint8_t)test_rand();
        pb[i] = (uint8_t)test_rand();
    }
    memcpy(wg_dev.priv, pa, 32);
    memcpy(other.priv, pb, 32);
    wg_noise_dev_init(&other);
    wg_noise_dev_init(&wg_dev);
    wg_dev.npeers = other.npeers = 1;
    memcpy(wg_dev.peers[0].pub, other.pub, 32);
    memcpy(other.peers[0].pub, wg_dev.pub, 32);
    if (psk) {
        memcpy(wg_dev.peers[0].psk, psk, 32);
        memcpy(other.peers[0].psk, psk, 32);
    }
    wg_noise_peer_init(&wg_dev, &wg_dev.peers[0]);
    wg_noise_peer_init(&other, &other.peers[0]);
    (void)c;
}

TEST(noise_handshake_in_memory)
{
    for (int round = 0; round < 2; round++) {
        setup_pair(round ? "0123456789abcdef0123456789abcdef" : NULL);
        uint8_t init[WG_INIT_LEN], resp[WG_RESP_LEN];
        wg_peer_t *pa = &wg_dev.peers[0];
        wg_noise_create_init(&wg_dev, pa, init, 5 * KTIME_S);
        wg_peer_t *pb = wg_noise_consume_init(&other, init, 5 * KTIME_S);
        CHECK(pb == &other.peers[0]);
        if (!pb)
            return;
        /* The same initiation again: an old timestamp, refused. */
        CHECK(wg_noise_consume_init(&other, init, 6 * KTIME_S) == NULL);
        wg_noise_create_resp(&other, pb, resp);
        CHECK(wg_noise_consume_resp(&wg_dev, resp) == pa);
        wg_keypair_t ka, kb;
        wg_noise_derive(pa, &ka, true, 1);
        wg_noise_derive(pb, &kb, false, 1);
        CHECK(memcmp(ka.send, kb.recv, 32) == 0);
        CHECK(memcmp(ka.recv, kb.send, 32) == 0);
        CHECK(memcmp(ka.send, ka.recv, 32) != 0);
        CHECK_EQ(ka.remote_index, kb.local_index);
        CHECK_EQ(kb.remote_index, ka.local_index);
    }
}

/* Any flipped byte of an initiation is refused. */
TEST(noise_tampered_refused)
{
    setup_pair(NULL);
    uint8_t init[WG_INIT_LEN];
    wg_noise_create_init(&wg_dev, &wg_dev.peers[0], init, 9 * KTIME_S);
    for (int i = 8; i < 116; i++) {
        init[i] ^= 0x20;
        CHECK(wg_noise_consume_init(&other, init, 9 * KTIME_S) == NULL);
        init[i] ^= 0x20;
    }
    CHECK(wg_noise_consume_init(&other, init, 9 * KTIME_S) != NULL);
    /* A response with the wrong psk fails. */
    uint8_t resp[WG_RESP_LEN];
    memset(other.peers[0].psk, 7, 32);
    wg_noise_create_resp(&other, &other.peers[0], resp);
    CHECK(wg_noise_consume_resp(&wg_dev, resp) == NULL);
}
