/* TCP on the fake frame device, under trouble: retransmission timeouts
 * and backoff on the virtual clock, fast retransmit and NewReno recovery,
 * RFC 5961 blind RST/SYN/ACK injection, PAWS, a SYN flood against the
 * half-open queue (SYN cookies), an exhausted connection pool, keepalive,
 * and garbage segments. */
#include "tests/unit/tcp_test_util.h"

static void established(net_tcp_listener_t *l, net_tcp_conn_t *c, peer_t *p,
                        uint16_t port, const syn_opts_t *so)
{
    tcp_boot(l, 80);
    *p = peer_new(port, 80, 1000);
    accept_from(l, c, p, so);
}

TEST(rto_retransmits_with_backoff_then_gives_up)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41000, 0);
    io_t tx, rx;
    char buf[4];
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "data", 4), KERR_OK);
    fake_settle();
    CHECK_EQ(sent_tcp_count(), 1);
    uint64_t t0 = fake_now, at[20];
    int n = 0, seen = 1;
    while (rx.done == 0 && fake_now - t0 < 2000 * KTIME_S) {
        fake_run(10 * KTIME_MS);
        if (sent_tcp_count() > seen || fake_net_sent_count() == 0) {
            seen = sent_tcp_count();
            if (n < 20)
                at[n++] = fake_now - t0;
        }
        /* Keep the peer's MAC fresh so every retry leaves. */
        if ((fake_now - t0) % (30 * KTIME_S) < 10 * KTIME_MS)
            learn_peers(), seen = 0;
    }
    CHECK_EQ(rx.result, KERR_TIMEOUT);
    CHECK_EQ(tcp_stats.conns_timed_out, 1);
    CHECK(tcp_stats.retransmits >= TCP_RETRIES);
    /* First retry after the initial RTO (1 s), the second 2 s later. */
    CHECK(n >= 2);
    CHECK(at[0] >= KTIME_S && at[0] < KTIME_S + 50 * KTIME_MS);
    CHECK(at[1] >= 3 * KTIME_S && at[1] < 3 * KTIME_S + 50 * KTIME_MS);
    CHECK(c.priv == 0);
    /* Later requests get the same error. */
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "x", 1), KERR_OK);
    fake_settle();
    CHECK_EQ(tx.result, KERR_TIMEOUT);
}

TEST(rtt_sample_sets_rto_and_retransmit_goes_back)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41001, 0);
    io_t tx;
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "ping", 4), KERR_OK);
    fake_settle();
    fake_run(100 * KTIME_MS); /* an RTT of ~100 ms */
    p.ack += 4;
    peer_send(&p, TCP_ACK, 0, 0);
    const tcp_tcb_t *t = tcb_of_conn(&c);
    CHECK((t->srtt8 >> 3) >= 99 && (t->srtt8 >> 3) <= 101);
    /* RTO = SRTT + 4 RTTVAR = 100 + 4 * 50 = 300 ms. */
    CHECK(t->rto_ms >= 290 && t->rto_ms <= 310);
    fake_net_clear_sent();
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "pong", 4), KERR_OK);
    fake_settle();
    fake_run(250 * KTIME_MS);
    CHECK_EQ(sent_tcp_count(), 1);
    fake_run(100 * KTIME_MS);
    CHECK_EQ(sent_tcp_count(), 2);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.seq, p.ack);
    CHECK(memcmp(s.data, "pong", 4) == 0);
    CHECK_EQ(t->cwnd, t->mss); /* loss window (RFC 5681 3.1) */
}

TEST(fast_retransmit_and_newreno_recovery)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    syn_opts_t so = {1000, -1, false, false};
    established(&l, &c, &p, 41002, &so);
    net_tcp_set_nodelay(&c, true);
    static uint8_t data[8000];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 13);
    io_t tx;
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, data, sizeof data), KERR_OK);
    fake_settle();
    CHECK_EQ(sent_tcp_count(), 8); /* IW = 10 MSS covers it all */
    uint32_t una = p.ack;
    /* Segment 1 is lost: segments 2..5 each bring a duplicate ACK. */
    fake_net_clear_sent();
    for (int i = 0; i < 3; i++)
        peer_send(&p, TCP_ACK, 0, 0);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s)); /* the third one retransmits at once */
    CHECK_EQ(s.seq, una);
    CHECK_EQ(s.len, 1000);
    CHECK(memcmp(s.data, data, 1000) == 0);
    CHECK_EQ(net_stats.tcp_fast_retransmit, 1);
    const tcp_tcb_t *t = tcb_of_conn(&c);
    CHECK(t->in_recovery);
    CHECK_EQ(t->ssthresh, 4000);
    CHECK_EQ(t->cwnd, 4000 + 3 * 1000);
    /* A partial ACK (segment 3 was lost too): it goes at once. */
    fake_net_clear_sent();
    p.ack = una + 2000;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK(sent_seg(0, &s));
    CHECK_EQ(s.seq, una + 2000);
    CHECK(t->in_recovery);
    /* The full ACK ends recovery with cwnd <= ssthresh. */
    p.ack = una + 8000;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK(!t->in_recovery);
    CHECK(t->cwnd <= 4000);
    CHECK_EQ(t->snd_una, una + 8000);
    CHECK_EQ(t->rto_at, 0);
}

TEST(rst_in_window_gets_challenge_ack_exact_rst_resets)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41003, &LINUX_SYN);
    io_t rx;
    char buf[4];
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    /* In the window but not exact: a challenge ACK, nothing else. */
    peer_send_at(&p, p.seq + 100, 0, TCP_RST, 0, 0);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_ACK);
    CHECK_EQ(s.ack, p.seq);
    CHECK_EQ(tcp_stats.challenge_acks, 1);
    CHECK(c.priv != 0);
    CHECK_EQ(rx.done, 0);
    /* Outside the window: dropped silently. */
    fake_net_clear_sent();
    peer_send_at(&p, p.seq + 0x40000000u, 0, TCP_RST, 0, 0);
    CHECK_EQ(sent_tcp_count(), 0);
    CHECK(c.priv != 0);
    /* Exactly rcv_nxt: the connection is reset. */
    peer_send_at(&p, p.seq, 0, TCP_RST, 0, 0);
    CHECK_EQ(rx.done, 1);
    CHECK_EQ(rx.result, KERR_RESET);
    CHECK_EQ(tcp_stats.conns_reset, 1);
    CHECK_EQ(tcp_stats.conns_open, 0);
}

TEST(syn_on_established_gets_challenge_ack)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41004, &LINUX_SYN);
    peer_t evil = p;
    evil.seq = 0x12345678;
    peer_syn(&evil, &LINUX_SYN);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_ACK);
    CHECK_EQ(s.ack, p.seq); /* the real peer's next sequence number */
    CHECK_EQ(tcp_stats.challenge_acks, 1);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_ESTABLISHED);
}

TEST(blind_data_with_bad_ack_is_dropped_with_challenge)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41005, &LINUX_SYN);
    io_t rx;
    char buf[16];
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    /* Right sequence number, but an ACK for data never sent. */
    peer_send_at(&p, p.seq, p.ack + 100000, TCP_ACK, "evil", 4);
    CHECK_EQ(rx.done, 0);
    CHECK_EQ(tcp_stats.challenge_acks, 1);
    /* Too old an ACK (before snd_una - max window): the same. */
    peer_send_at(&p, p.seq, p.ack - 0x20000000u, TCP_ACK, "evil", 4);
    CHECK_EQ(rx.done, 0);
    CHECK_EQ(tcp_stats.challenge_acks, 2);
    /* The real data still goes through. */
    peer_send(&p, TCP_ACK, "good", 4);
    CHECK_EQ(rx.done, 1);
    CHECK(memcmp(buf, "good", 4) == 0);
}

TEST(challenge_acks_are_rate_limited)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41006, 0);
    for (int i = 0; i < TCP_CHALLENGE_PER_S + 20; i++)
        peer_send_at(&p, p.seq + 1 + (uint32_t)i, 0, TCP_RST, 0, 0);
    CHECK_EQ(tcp_stats.challenge_acks, TCP_CHALLENGE_PER_S);
    CHECK_EQ(net_stats.tcp_challenge_limited, 20);
    CHECK(c.priv != 0);
}

TEST(paws_drops_old_timestamps)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41007, &LINUX_SYN);
    io_t rx;
    char buf[16];
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    p.tsval += 1000;
    peer_send(&p, TCP_ACK, "new", 3);
    CHECK_EQ(rx.done, 1);
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    p.tsval -= 500; /* a segment from the past */
    peer_send(&p, TCP_ACK, "old", 3);
    CHECK_EQ(rx.done, 0);
    CHECK_EQ(net_stats.tcp_drop_paws, 1);
}

TEST(syn_flood_gets_cookies_and_legit_client_still_connects)
{
    net_tcp_listener_t l;
    tcp_boot(&l, 80);
    /* Many spoofed SYNs that never complete. */
    for (int i = 0; i < 300; i++) {
        peer_t f = peer_new((uint16_t)(20000 + i), 80, (uint32_t)i * 7919);
        peer_syn(&f, &LINUX_SYN);
    }
    CHECK_EQ(tcp_stats.conns_open, NET_TCP_SYN_BACKLOG);
    CHECK_EQ(tcp_stats.syn_cookies_sent, 300 - NET_TCP_SYN_BACKLOG);
    /* A real client now: its SYN-ACK carries a cookie, and its ACK
     * completes the handshake without state kept in between. */
    net_tcp_conn_t c;
    io_t acc;
    net_tcp_req_init(&acc.r, KOP_TCP_ACCEPT, 0, 0, 0, io_cb, &acc);
    acc.r.listener = &l;
    acc.r.conn = &c;
    acc.done = 0;
    CHECK_EQ(ksubmit(&acc.r.work), KERR_OK);
    peer_t p = peer_new(50000, 80, 4242);
    fake_net_clear_sent();
    peer_syn(&p, &LINUX_SYN);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
    CHECK(s.has_ts && s.has_ws && s.sack_ok);
    p.ack = s.seq + 1;
    /* The ACK echoes the SYN-ACK's timestamp, as Linux does. */
    uint8_t f[200];
    tcp_hdr_out_t o = {.ws = -1, .ts = true, .tsval = ++p.tsval,
                       .tsecr = s.tsval};
    fake_net_inject(f, mk_tcp_raw(f, PEER_IP, p.port, 80, p.seq, p.ack,
                                  TCP_ACK, 1000, &o, "hi", 2));
    p.seq += 2;
    fake_settle();
    CHECK_EQ(acc.done, 1);
    CHECK_EQ(acc.result, KERR_OK);
    CHECK_EQ(tcp_stats.syn_cookies_ok, 1);
    const tcp_tcb_t *t = tcb_of_conn(&c);
    CHECK(t->ts_ok && t->sack_ok && t->ws_ok);
    CHECK_EQ(t->snd_ws, 7);
    CHECK_EQ(t->snd_wnd, 1000u << 7);
    char buf[8];
    io_t rx;
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.r.done, 2);
    /* A forged third segment (wrong cookie) gets a RST, no connection. */
    fake_net_clear_sent();
    peer_t q = peer_new(50001, 80, 99);
    peer_send_at(&q, 100, 0xdeadbeef, TCP_ACK, 0, 0);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_RST);
    CHECK_EQ(tcp_stats.syn_cookies_ok, 1);
    /* The half-open ones time out and free their slots. */
    fake_run(200 * KTIME_S);
    CHECK_EQ(tcp_stats.conns_open, 1);
}

TEST(cookie_timestamp_never_ahead_of_the_connection_clock)
{
    /* The options ride in the SYN-ACK's low timestamp bits; rounding must
     * not put it after what the connection sends next, or the peer's PAWS
     * drops those segments (seen as ~1 s stalls under wrk). */
    net_tcp_listener_t l;
    tcp_boot(&l, 80);
    for (int i = 0; i < NET_TCP_SYN_BACKLOG; i++) {
        peer_t f = peer_new((uint16_t)(20000 + i), 80, (uint32_t)i * 7919);
        peer_syn(&f, &LINUX_SYN);
    }
    int ahead = 0;
    for (int i = 0; i < 64; i++) {
        uint16_t port = (uint16_t)(30000 + i);
        peer_t p = peer_new(port, 80, (uint32_t)i * 104729);
        fake_net_clear_sent();
        peer_syn(&p, &LINUX_SYN);
        tcp_seg_t s;
        CHECK(sent_seg(-1, &s));
        CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
        CHECK(s.has_ts);
        uint32_t now = (uint32_t)tcp_now_ms() + tcp_ts_offset(US_IP, 80, PEER_IP, port);
        ahead += SEQ_GT(s.tsval, now);
        CHECK_EQ(s.tsval & 31, 7u | 16u); /* Linux's wscale 7, SACK */
    }
    CHECK_EQ(ahead, 0);
    CHECK_EQ(tcp_stats.syn_cookies_sent, 64);
}

TEST(pool_exhaustion_refuses_cleanly)
{
    net_tcp_listener_t l;
    tcp_boot(&l, 80);
    net_tcp_unlisten(&l);
    CHECK_EQ(net_tcp_listen(&l, 80, NET_TCP_BACKLOG_MAX), KERR_OK);
    /* Fill the pool with established connections nobody accepts. */
    for (int i = 0; i < NET_TCP_CONNS; i++) {
        peer_t p = peer_new((uint16_t)(30000 + i), 80, 1000);
        fake_net_clear_sent();
        peer_syn(&p, 0);
        tcp_seg_t s;
        CHECK(sent_seg(-1, &s));
        p.ack = s.seq + 1;
        peer_send(&p, TCP_ACK, 0, 0);
    }
    CHECK_EQ(tcp_stats.conns_open, NET_TCP_CONNS);
    /* One more client: a cookie, then on its ACK a RST and a count. */
    peer_t p = peer_new(31000, 80, 5);
    fake_net_clear_sent();
    peer_syn(&p, 0);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
    p.ack = s.seq + 1;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_RST);
    CHECK_EQ(tcp_stats.conns_dropped_pool, 1);
    CHECK_EQ(tcp_stats.conns_open, NET_TCP_CONNS);
    /* An active open: KERR_NOMEM. */
    net_tcp_conn_t c;
    io_t co;
    net_tcp_req_init(&co.r, KOP_TCP_CONNECT, &c, 0, 0, io_cb, &co);
    co.r.peer = (net_addr_t){PEER_IP, 9000};
    co.done = 0;
    CHECK_EQ(ksubmit(&co.r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(co.result, KERR_NOMEM);
    /* The established ones are intact: accept one and talk to it. */
    net_tcp_conn_t a;
    io_t acc;
    net_tcp_req_init(&acc.r, KOP_TCP_ACCEPT, 0, 0, 0, io_cb, &acc);
    acc.r.listener = &l;
    acc.r.conn = &a;
    acc.done = 0;
    CHECK_EQ(ksubmit(&acc.r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(acc.result, KERR_OK);
    CHECK_EQ(a.peer.port, 30000);
    /* Unlisten resets the rest and frees the pool. */
    net_tcp_unlisten(&l);
    fake_settle();
    CHECK_EQ(tcp_stats.conns_open, 1);
}

TEST(accept_backlog_full_drops_syn)
{
    net_tcp_listener_t l;
    net_boot_static();
    learn_peers();
    CHECK_EQ(net_tcp_listen(&l, 80, 2), KERR_OK);
    for (int i = 0; i < 2; i++) {
        peer_t p = peer_new((uint16_t)(32000 + i), 80, 1000);
        fake_net_clear_sent();
        peer_syn(&p, 0);
        tcp_seg_t s;
        CHECK(sent_seg(-1, &s));
        p.ack = s.seq + 1;
        peer_send(&p, TCP_ACK, 0, 0);
    }
    fake_net_clear_sent();
    peer_t p = peer_new(32005, 80, 1000);
    peer_syn(&p, 0);
    CHECK_EQ(sent_tcp_count(), 0);
    CHECK_EQ(tcp_stats.conns_dropped_backlog, 1);
}

TEST(keepalive_probes_then_times_out)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41008, 0);
    CHECK_EQ(net_tcp_set_keepalive(&c, 10), KERR_OK);
    io_t rx;
    char buf[4];
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_run(10 * KTIME_S + KTIME_MS);
    CHECK_EQ(net_stats.tcp_keepalive_tx, 1);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.seq, p.ack - 1);
    /* Answered: the connection lives on, the count starts again. */
    peer_send(&p, TCP_ACK, 0, 0);
    fake_run(5 * KTIME_S);
    CHECK_EQ(net_stats.tcp_keepalive_tx, 1);
    /* Unanswered: TCP_KA_PROBES probes, then KERR_TIMEOUT. */
    uint64_t t0 = fake_now;
    while (!rx.done && fake_now - t0 < 2000 * KTIME_S) {
        fake_run(10 * KTIME_S);
        learn_peers();
    }
    CHECK_EQ(rx.result, KERR_TIMEOUT);
    CHECK_EQ(net_stats.tcp_keepalive_tx, 1 + TCP_KA_PROBES);
}

TEST(garbage_segments_are_dropped_and_counted)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41009, 0);
    uint8_t f[200];
    uint32_t n = mk_tcp_raw(f, PEER_IP, p.port, 80, p.seq, p.ack, TCP_ACK,
                            1000, 0, "abcd", 4);
    uint8_t g[200];
    memcpy(g, f, n);
    g[55] ^= 1; /* payload: checksum now wrong */
    net_stats_t b = net_stats;
    fake_net_inject(g, n);
    fake_settle();
    CHECK_EQ(net_stats.tcp_drop_cksum, b.tcp_drop_cksum + 1);
    /* Data offset past the segment. */
    memcpy(g, f, n);
    g[34 + 12] = 0xf0;
    net_tcp_cksum_set(g + 34, n - 34, PEER_IP, US_IP);
    fake_net_inject(g, n);
    fake_settle();
    CHECK_EQ(net_stats.tcp_drop_malformed, b.tcp_drop_malformed + 1);
    /* An option whose length runs past the header. */
    tcp_hdr_out_t o = {.ws = -1, .mss = 1000};
    n = mk_tcp_raw(g, PEER_IP, p.port, 80, p.seq, p.ack, TCP_ACK, 1000, &o,
                   0, 0);
    g[34 + 21] = 40;
    net_tcp_cksum_set(g + 34, n - 34, PEER_IP, US_IP);
    fake_net_inject(g, n);
    fake_settle();
    CHECK_EQ(net_stats.tcp_drop_malformed, b.tcp_drop_malformed + 2);
    /* SYN+FIN. */
    n = mk_tcp_raw(g, PEER_IP, p.port, 80, p.seq, p.ack, TCP_SYN | TCP_FIN,
                   1000, 0, 0, 0);
    fake_net_inject(g, n);
    fake_settle();
    CHECK_EQ(net_stats.tcp_drop_malformed, b.tcp_drop_malformed + 3);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_ESTABLISHED);
}

TEST(cancelled_send_reports_bytes_taken)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41010, 0);
    p.wnd = 0;
    peer_send(&p, TCP_ACK, 0, 0);
    static uint8_t big[NET_TCP_SNDBUF + 1000];
    io_t tx;
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, big, sizeof big), KERR_OK);
    fake_settle();
    CHECK_EQ(tx.done, 0); /* the ring is full, 1000 bytes wait */
    CHECK_EQ(kcancel(&tx.r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(tx.result, KERR_CANCELLED);
    CHECK_EQ(tx.r.done, NET_TCP_SNDBUF);
    /* Close: in-flight requests cancelled, the struct is free at once. */
    io_t rx;
    char buf[4];
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    net_tcp_close(&c);
    fake_settle();
    CHECK_EQ(rx.result, KERR_CANCELLED);
    CHECK(!c.open);
}

TEST(full_segments_with_sack_state_fit_the_frame)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    peer_t p;
    established(&l, &c, &p, 41011, &LINUX_SYN);
    net_tcp_set_nodelay(&c, true);
    /* Three holes: SACK state to report. */
    for (uint32_t i = 0; i < 3; i++)
        peer_send_at(&p, p.seq + 10 + 10 * i, p.ack, TCP_ACK, "z", 1);
    fake_net_clear_sent();
    static uint8_t big[6000];
    io_t tx;
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, big, sizeof big), KERR_OK);
    fake_settle();
    CHECK_EQ(net_stats.eth_tx_error, 0);
    tcp_seg_t s;
    CHECK(sent_seg(0, &s));
    CHECK_EQ(s.len, 1448);
    for (int i = 0; i < fake_net_sent_count(); i++) {
        uint32_t len;
        fake_net_sent(i, &len);
        CHECK(len <= KNET_MAX_FRAME);
    }
    /* The short last segment still reports the blocks. */
    CHECK(sent_seg(-1, &s));
    CHECK(s.len < 1448);
    CHECK_EQ(s.nsack, 3);
}
