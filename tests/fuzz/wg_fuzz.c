/* libFuzzer target for WireGuard: the configuration parser, and every
 * message type into a configured interface on the fake platform.
 *
 * Input: byte 0 picks the mode.
 *   0  the bytes are a wg(8) configuration for wg_conf_parse
 *   1  messages [len_hi len_lo bytes...]... straight into wg_input, as if
 *      from the peer's endpoint: initiations, responses, cookie replies,
 *      data with unknown indices, garbage
 *   2  inner packets [ctr_lo len_hi len_lo bytes...]..., sealed by the
 *      harness with the receive key of a session it installed, so they
 *      pass authentication and exercise the replay window, the inner
 *      packet checks, allowed-IPs and the IP stack behind the tunnel
 * The interface is rebooted for every input so each run stands alone.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/chacha20poly1305.h"
#include "crypto/ct.h"
#include "mote/ktime.h"
#include "net/wg.h"
#include "net/wg_conf.h"
#include "tests/fuzz/fuzz_rand.h"
#include "tests/unit/fake_platform.h"


#define CONF "wg=[Interface];PrivateKey=UMAccFCpAjqIjmZOKM7fXbDN04GuB/qSTwWcCfvXAUc=;" \
             "ListenPort=51820;Address=10.77.0.2/24;[Peer];" \
             "PublicKey=4MPSdpEPdpofDr3pWIHsKJjGjJK9bRs772xP7lTnXEY=;" \
             "AllowedIPs=10.77.0.1/32,10.88.0.0/16;Endpoint=10.0.0.1:51821"

static const net_addr_t peer_ep = {0x0a000001, 51821};
static const uint8_t key[32] = {1, 2, 3, 4, 5, 6, 7, 8};

static void boot(void)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    fuzz_rand_reset();
    fake_boot("ip=10.0.0.2/24 wg_load=4 " CONF);
    fake_net_attach(mac);
    fake_start_layers();
    fake_run(KTIME_MS);
}

/* A session as if a handshake had finished: index 7 both ways. */
static void install_session(void)
{
    wg_peer_t *p = &wg_dev.peers[0];
    memset(&p->cur, 0, sizeof p->cur);
    memcpy(p->cur.recv, key, 32);
    memcpy(p->cur.send, key, 32);
    p->cur.local_index = p->cur.remote_index = 7;
    p->cur.born = ktime_now();
    p->cur.valid = true;
}

static void messages(const uint8_t *d, size_t n)
{
    while (n >= 2) {
        size_t len = ((size_t)d[0] << 8) | d[1];
        d += 2;
        n -= 2;
        if (len > n)
            len = n;
        static uint8_t buf[NET_UDP_MAX_PAYLOAD];
        if (len > sizeof buf)
            len = sizeof buf;
        memcpy(buf, d, len);
        wg_input(buf, (uint32_t)len, &peer_ep);
        fake_settle();
        d += len;
        n -= len;
    }
    fake_run(20 * KTIME_S); /* timers: retransmits, keepalives */
}

static void sealed(const uint8_t *d, size_t n)
{
    install_session();
    static uint8_t msg[NET_UDP_MAX_PAYLOAD];
    while (n >= 3) {
        uint64_t ctr = d[0];
        size_t len = ((size_t)d[1] << 8) | d[2];
        d += 3;
        n -= 3;
        if (len > n)
            len = n;
        if (len > WG_MAX_INNER)
            len = WG_MAX_INNER;
        memset(msg, 0, WG_DATA_HLEN);
        msg[0] = WG_MSG_DATA;
        crypto_store32_le(msg + 4, 7);
        crypto_store64_le(msg + 8, ctr);
        uint8_t nonce[12];
        chacha20poly1305_nonce64(ctr, nonce);
        chacha20poly1305_encrypt(key, nonce, 0, 0, d, len, msg + WG_DATA_HLEN,
                                 msg + WG_DATA_HLEN + len);
        wg_input(msg, (uint32_t)(WG_DATA_MIN + len), &peer_ep);
        fake_settle();
        d += len;
        n -= len;
    }
    fake_run(30 * KTIME_S);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: {
        static wg_conf_t c;
        char why[96];
        wg_conf_parse((const char *)data + 1, size - 1, &c, why, sizeof why);
        break;
    }
    case 1:
        boot();
        if (!wg_dev.up)
            __builtin_trap(); /* the harness itself is broken */
        messages(data + 1, size - 1);
        break;
    case 2:
        boot();
        sealed(data + 1, size - 1);
        break;
    }
    return 0;
}
