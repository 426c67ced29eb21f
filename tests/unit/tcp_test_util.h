/* Helpers for the tests/unit/net_tcp_*.c binaries: a scripted TCP peer at
 * PEER_IP that crafts segments for the stack on the fake frame device and
 * reads back the segments the stack sends (checksums verified). */
#ifndef TCP_TEST_UTIL_H
#define TCP_TEST_UTIL_H

#include "tests/unit/net_test_util.h"

#include "kernel/kqueue.h"
#include "mote/ktime.h"
#include "net/tcp.h"
#include "net/tcp/tcp_int.h"
#include "net/tcp/tcp_seg.h"

/* The peer's side of one connection. */
typedef struct peer {
    uint16_t port, us_port;
    uint32_t seq;   /* next sequence number the peer sends */
    uint32_t ack;   /* next one it expects from us */
    uint16_t wnd;
    bool ts;        /* put a timestamp option on every segment */
    uint32_t tsval;
} peer_t;

/* Options for a crafted SYN. */
typedef struct syn_opts {
    uint16_t mss;   /* 0: none */
    int ws;         /* -1: none */
    bool sack_ok, ts;
} syn_opts_t;

static const syn_opts_t LINUX_SYN = {1460, 7, true, true};

/* A TCP segment from (src:sport) to us:(dport); returns the frame length. */
__attribute__((unused)) static uint32_t mk_tcp_raw(
    uint8_t *f, uint32_t src, uint16_t sport, uint16_t dport, uint32_t seq,
    uint32_t ack, uint8_t flags, uint16_t wnd, const tcp_hdr_out_t *opt,
    const void *data, uint32_t len)
{
    put_eth(f, us_mac, peer_mac, NET_ETHERTYPE_IP);
    uint8_t *p = f + 34;
    tcp_hdr_out_t h = {.ws = -1};
    if (opt)
        h = *opt;
    h.sport = sport, h.dport = dport, h.seq = seq, h.ack = ack;
    h.flags = flags, h.wnd = wnd;
    uint32_t hl = net_tcp_build(p, &h);
    if (len)
        memcpy(p + hl, data, len);
    net_tcp_cksum_set(p, hl + len, src, US_IP);
    put_ip(f + 14, src, US_IP, 6, (uint16_t)(hl + len));
    return 34 + hl + len;
}

/* Send (flags, data) from peer (p) with its current seq/ack; advances
 * p->seq by what the segment occupies. */
__attribute__((unused)) static void peer_send(peer_t *p, uint8_t flags,
                                              const void *data, uint32_t len)
{
    static uint8_t f[2048];
    tcp_hdr_out_t o = {.ws = -1};
    if (p->ts) {
        o.ts = true;
        o.tsval = ++p->tsval;
        o.tsecr = 0;
    }
    uint32_t n = mk_tcp_raw(f, PEER_IP, p->port, p->us_port, p->seq, p->ack,
                            flags, p->wnd, &o, data, len);
    p->seq += len + !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
    fake_net_inject(f, n);
    fake_settle();
}

/* Same, but at an explicit (seq) and (ack), not moving the peer. */
__attribute__((unused)) static void peer_send_at(peer_t *p, uint32_t seq,
                                                 uint32_t ack, uint8_t flags,
                                                 const void *data,
                                                 uint32_t len)
{
    static uint8_t f[2048];
    tcp_hdr_out_t o = {.ws = -1};
    if (p->ts) {
        o.ts = true;
        o.tsval = ++p->tsval;
    }
    uint32_t n = mk_tcp_raw(f, PEER_IP, p->port, p->us_port, seq, ack, flags,
                            p->wnd, &o, data, len);
    fake_net_inject(f, n);
    fake_settle();
}

__attribute__((unused)) static void peer_syn(peer_t *p, const syn_opts_t *so)
{
    static uint8_t f[2048];
    tcp_hdr_out_t o = {.ws = -1};
    if (so) {
        o.mss = so->mss;
        o.ws = (int8_t)so->ws;
        o.sack_ok = so->sack_ok;
        o.ts = so->ts;
        o.tsval = ++p->tsval;
        p->ts = so->ts;
    }
    uint32_t n = mk_tcp_raw(f, PEER_IP, p->port, p->us_port, p->seq, 0,
                            TCP_SYN, p->wnd, &o, 0, 0);
    p->seq++;
    fake_net_inject(f, n);
    fake_settle();
}

/* The (i)th TCP segment sent since the last clear (negative: from the
 * end), parsed; false if there is none or it is malformed. */
__attribute__((unused)) static bool sent_seg(int i, tcp_seg_t *s)
{
    int idx[256], n = 0;
    for (int k = 0; k < fake_net_sent_count(); k++) {
        uint32_t len;
        const uint8_t *f = fake_net_sent(k, &len);
        if (len >= 54 && net_get16(f + 12) == NET_ETHERTYPE_IP && f[23] == 6)
            idx[n++] = k;
    }
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return false;
    uint32_t len;
    const uint8_t *f = fake_net_sent(idx[i], &len);
    uint16_t total = net_get16(f + 16);
    const uint8_t *p = f + 34;
    uint32_t tl = total - 20u;
    if (!net_tcp_cksum_ok(p, tl, US_IP, net_get32(f + 30)))
        return false;
    return net_tcp_parse(p, tl, s) == TCP_PARSE_OK;
}

__attribute__((unused)) static int sent_tcp_count(void)
{
    return count_sent(NET_ETHERTYPE_IP, 6);
}

/* Everything the test's requests need. */
typedef struct io {
    net_tcp_req_t r;
    int done;
    kerr_t result;
} io_t;

__attribute__((unused)) static void io_cb(kwork_t *w)
{
    io_t *io = w->ctx;
    io->done++;
    io->result = w->result;
}

__attribute__((unused)) static kerr_t io_submit(io_t *io, kop_t op,
                                                net_tcp_conn_t *c, void *buf,
                                                uint32_t len)
{
    net_tcp_req_init(&io->r, op, c, buf, len, io_cb, io);
    io->done = 0;
    io->result = KERR__COUNT;
    return ksubmit(&io->r.work);
}

/* Listen on (port), accept one connection from peer (p) after a full
 * handshake with SYN options (so); the stack's ISN lands in p->ack. */
__attribute__((unused)) static void accept_from(net_tcp_listener_t *l,
                                                net_tcp_conn_t *c, peer_t *p,
                                                const syn_opts_t *so)
{
    io_t acc;
    net_tcp_req_init(&acc.r, KOP_TCP_ACCEPT, 0, 0, 0, io_cb, &acc);
    acc.r.listener = l;
    acc.r.conn = c;
    acc.done = 0;
    CHECK_EQ(ksubmit(&acc.r.work), KERR_OK);
    fake_net_clear_sent();
    peer_syn(p, so);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
    CHECK_EQ(s.ack, p->seq);
    p->ack = s.seq + 1;
    peer_send(p, TCP_ACK, 0, 0);
    fake_settle();
    CHECK_EQ(acc.done, 1);
    CHECK_EQ(acc.result, KERR_OK);
    fake_net_clear_sent();
}

/* A booted stack with the peer learned and a listener on (port). */
__attribute__((unused)) static void tcp_boot(net_tcp_listener_t *l,
                                             uint16_t port)
{
    net_boot_static();
    learn_peers();
    if (l)
        CHECK_EQ(net_tcp_listen(l, port, 8), KERR_OK);
}

__attribute__((unused)) static peer_t peer_new(uint16_t port, uint16_t us,
                                               uint32_t isn)
{
    return (peer_t){.port = port, .us_port = us, .seq = isn, .wnd = 65535};
}

__attribute__((unused)) static const tcp_tcb_t *tcb_of_conn(
    const net_tcp_conn_t *c)
{
    return c->priv;
}

#endif
