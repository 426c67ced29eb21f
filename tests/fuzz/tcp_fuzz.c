/* libFuzzer target for TCP: crafted segments into a connection driven to
 * each state of RFC 9293 first (LISTEN, SYN-SENT, SYN-RECEIVED,
 * ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT, LAST-ACK, CLOSING, TIME-WAIT),
 * on the unit tests' fake platform, rebooted for every input.
 *
 * Input: byte 0 picks the state (mod 10) and, bit 7, whether the
 * handshake offers timestamps, SACK and window scale. Then segments:
 *   [flags][seq_off:2][ack_off:2][wnd:2][optlen][opts: optlen & 31]
 *   [datalen][data...]
 * seq and ack are offsets (signed 16-bit) from what the stack expects
 * and has sent, so mutations land in and around the window; checksums are
 * always right so every segment reaches the state machine. Between
 * segments the virtual clock moves by (flags & 0x40 ? 300 ms : 0), so
 * timers (retransmission, delayed ACK, persist, TIME-WAIT) fire too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mote/ktime.h"
#include "mote/net.h"
#include "net/cksum.h"
#include "net/netif.h"
#include "net/tcp/tcp_int.h"
#include "net/tcp/tcp_seg.h"
#include "net/wire.h"
#include "tests/fuzz/fuzz_rand.h"
#include "tests/unit/fake_platform.h"

#define US 0x0a000002u
#define PEER 0x0a000007u


static const uint8_t us_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x07};
static net_tcp_listener_t lst;
static net_tcp_conn_t conn;
static net_tcp_req_t acc, co, rx, tx, sh;
static uint8_t rxbuf[3000], txbuf[3000];
static uint32_t pseq, pack; /* the peer's next seq, and what it acks */
static uint16_t pport = 40000, uport = 80;
static bool opts;

static void ignore(kwork_t *w)
{
    (void)w;
}

static void inject(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
                   const tcp_hdr_out_t *o, const uint8_t *raw_opt,
                   uint32_t rawlen, const uint8_t *d, uint32_t n)
{
    static uint8_t f[KNET_MAX_FRAME];
    memcpy(f, us_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    net_put16(f + 12, 0x0800);
    uint8_t *p = f + 34;
    tcp_hdr_out_t h = {.ws = -1};
    if (o)
        h = *o;
    h.sport = pport, h.dport = uport, h.seq = seq, h.ack = ack;
    h.flags = flags, h.wnd = wnd;
    uint32_t hl = net_tcp_build(p, &h);
    if (rawlen && hl + rawlen <= 60) {
        memcpy(p + hl, raw_opt, rawlen);
        hl += (rawlen + 3) & ~3u;
        p[12] = (uint8_t)((hl / 4) << 4);
    }
    if (n > KNET_MAX_FRAME - 34 - hl)
        n = KNET_MAX_FRAME - 34 - hl;
    if (n)
        memcpy(p + hl, d, n);
    net_tcp_cksum_set(p, hl + n, PEER, US);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    net_put16(ip + 2, (uint16_t)(20 + hl + n));
    ip[8] = 64;
    ip[9] = 6;
    net_put32(ip + 12, PEER);
    net_put32(ip + 16, US);
    net_put16(ip + 10, net_cksum(ip, 20));
    fake_net_inject(f, 34 + hl + n);
    fake_settle();
}

static tcp_tcb_t *tcb(void)
{
    for (unsigned i = 0; i < NET_TCP_CONNS; i++)
        if (tcp_tcbs[i].state != TCP_CLOSED && tcp_tcbs[i].peer_port == pport)
            return &tcp_tcbs[i];
    return 0;
}

static void peer_ctl(uint8_t flags)
{
    tcp_hdr_out_t o = {.ws = -1, .ts = opts, .tsval = 100, .tsecr = 0};
    if (flags & TCP_SYN) {
        o.mss = 1460;
        if (opts)
            o.ws = 7, o.sack_ok = true;
    }
    inject(flags, pseq, pack, 65535, &o, 0, 0, 0, 0);
    pseq += !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
}

static void submit(net_tcp_req_t *r, kop_t op, void *buf, uint32_t len)
{
    net_tcp_req_init(r, op, &conn, buf, len, ignore, 0);
    ksubmit(&r->work);
}

/* Passive open to ESTABLISHED, the connection accepted. */
static void establish(void)
{
    peer_ctl(TCP_SYN);
    tcp_tcb_t *t = tcb();
    if (!t)
        return;
    pack = t->iss + 1;
    peer_ctl(TCP_ACK);
    submit(&rx, KOP_TCP_RECV, rxbuf, sizeof rxbuf);
    submit(&tx, KOP_TCP_SEND, txbuf, sizeof txbuf);
}

static void boot(uint8_t mode)
{
    fuzz_rand_reset();
    fake_boot("ip=10.0.0.2/24");
    fake_net_attach(us_mac);
    fake_start_layers();
    memset(&lst, 0, sizeof lst);
    memset(&conn, 0, sizeof conn);
    opts = mode & 0x80;
    pseq = 1000;
    pack = 0;
    pport = 40000;
    uport = 80;
    uint8_t arp[42];
    memset(arp, 0, sizeof arp);
    /* Learn the peer's MAC so every reply leaves at once. */
    memcpy(arp, us_mac, 6);
    memcpy(arp + 6, peer_mac, 6);
    net_put16(arp + 12, 0x0806);
    net_put16(arp + 14, 1), net_put16(arp + 16, 0x0800);
    arp[18] = 6, arp[19] = 4, net_put16(arp + 20, 1);
    memcpy(arp + 22, peer_mac, 6);
    net_put32(arp + 28, PEER);
    net_put32(arp + 38, US);
    fake_net_inject(arp, sizeof arp);
    fake_settle();
    net_tcp_listen(&lst, 80, 4);
    net_tcp_req_init(&acc, KOP_TCP_ACCEPT, 0, 0, 0, ignore, 0);
    acc.listener = &lst;
    acc.conn = &conn;
    ksubmit(&acc.work);
    switch (mode % 10) {
    case 0: /* LISTEN */
        break;
    case 1: { /* SYN-SENT: our connect; the peer is the server */
        net_tcp_req_init(&co, KOP_TCP_CONNECT, &conn, 0, 0, ignore, 0);
        co.peer = (net_addr_t){PEER, 9000};
        ksubmit(&co.work);
        fake_settle();
        tcp_tcb_t *t = 0;
        for (unsigned i = 0; i < NET_TCP_CONNS; i++)
            if (tcp_tcbs[i].state == TCP_SYN_SENT)
                t = &tcp_tcbs[i];
        if (t) {
            pport = 9000;
            uport = t->local_port;
            pack = t->iss + 1;
        }
        break;
    }
    case 2: /* SYN-RECEIVED */
        peer_ctl(TCP_SYN);
        if (tcb())
            pack = tcb()->iss + 1;
        break;
    default:
        establish();
        break;
    }
    uint8_t m = mode % 10;
    if (m == 4 || m == 5 || m == 8 || m == 9) { /* we close first */
        submit(&sh, KOP_TCP_SHUTDOWN, 0, 0);
        if (m == 5 || m == 9) {
            pack += sizeof txbuf + 1;
            peer_ctl(TCP_ACK);
        }
        if (m == 8 || m == 9)
            peer_ctl(TCP_FIN | TCP_ACK);
    }
    if (m == 6 || m == 7) { /* the peer closes first */
        peer_ctl(TCP_FIN | TCP_ACK);
        if (m == 7)
            submit(&sh, KOP_TCP_SHUTDOWN, 0, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 1)
        return 0;
    boot(d[0]);
    size_t i = 1;
    while (i + 9 <= n) {
        uint8_t flags = d[i];
        int16_t so = (int16_t)net_get16(d + i + 1);
        int16_t ao = (int16_t)net_get16(d + i + 3);
        uint16_t wnd = net_get16(d + i + 5);
        uint32_t ol = d[i + 7] & 31u;
        i += 8;
        if (i + ol + 1 > n)
            break;
        const uint8_t *opt = d + i;
        i += ol;
        uint32_t dl = d[i++];
        if (dl > n - i)
            dl = (uint32_t)(n - i);
        tcp_tcb_t *t = tcb();
        uint32_t base = t ? t->rcv_nxt : pseq;
        uint32_t abase = t ? t->snd_una : pack;
        inject(flags & 0x3f, base + (uint32_t)(int32_t)so,
               abase + (uint32_t)(int32_t)ao, wnd, 0, opt, ol, d + i, dl);
        i += dl;
        if (flags & 0x40)
            fake_run(300 * KTIME_MS);
    }
    fake_run(200 * KTIME_S); /* every timer to its end */
    net_tcp_close(&conn);
    net_tcp_unlisten(&lst);
    fake_run(100 * KTIME_S);
    return 0;
}
