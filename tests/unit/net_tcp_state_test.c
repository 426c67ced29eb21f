/* TCP on the fake frame device: the state machine (passive and active
 * open, simultaneous open and close, half-close, TIME-WAIT), options,
 * data in both directions, delayed ACKs, out-of-order data with SACK, and
 * sequence numbers that wrap. Every segment the stack sends is parsed and
 * checked as a peer would. */
#include "tests/unit/tcp_test_util.h"

TEST(passive_open_handshake_and_options)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    io_t acc;
    net_tcp_req_init(&acc.r, KOP_TCP_ACCEPT, 0, 0, 0, io_cb, &acc);
    acc.r.listener = &l;
    acc.r.conn = &c;
    acc.done = 0;
    CHECK_EQ(ksubmit(&acc.r.work), KERR_OK);
    peer_t p = peer_new(40000, 80, 1000);
    peer_syn(&p, &LINUX_SYN);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
    CHECK_EQ(s.ack, 1001);
    CHECK(s.has_mss && s.mss == 1460);
    CHECK(s.has_ws && s.sack_ok && s.has_ts);
    CHECK_EQ(s.tsecr, p.tsval);
    CHECK_EQ(acc.done, 0);
    CHECK_EQ(tcp_stats.conns_open, 1);
    p.ack = s.seq + 1;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK_EQ(acc.done, 1);
    CHECK_EQ(acc.result, KERR_OK);
    CHECK(c.open);
    CHECK_EQ(acc.r.peer.ip, PEER_IP);
    CHECK_EQ(acc.r.peer.port, 40000);
    CHECK_EQ(c.local.port, 80);
    CHECK_EQ(tcp_stats.passive_opens, 1);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_ESTABLISHED);
    CHECK_EQ(tcb_of_conn(&c)->snd_ws, 7);
    CHECK_EQ(tcb_of_conn(&c)->mss, 1460 - 12);
}

TEST(syn_without_options_gets_defaults)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40001, 80, 5);
    accept_from(&l, &c, &p, 0);
    const tcp_tcb_t *t = tcb_of_conn(&c);
    CHECK_EQ(t->mss, TCP_MSS_DEFAULT);
    CHECK(!t->ws_ok && !t->ts_ok && !t->sack_ok);
}

TEST(closed_port_answers_rst)
{
    tcp_boot(0, 0);
    peer_t p = peer_new(40002, 81, 777);
    peer_syn(&p, 0);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_RST | TCP_ACK);
    CHECK_EQ(s.ack, 778);
    CHECK_EQ(tcp_stats.conns_refused, 1);
    CHECK_EQ(net_stats.tcp_drop_noconn, 1);
    /* A stray ACK: RST with its ack number as our sequence number. */
    fake_net_clear_sent();
    peer_send_at(&p, 5, 12345, TCP_ACK, 0, 0);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_RST);
    CHECK_EQ(s.seq, 12345);
    /* A RST is never answered. */
    fake_net_clear_sent();
    peer_send_at(&p, 5, 0, TCP_RST, 0, 0);
    CHECK_EQ(sent_tcp_count(), 0);
}

TEST(data_both_ways_and_delayed_ack)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40003, 80, 0x10000);
    accept_from(&l, &c, &p, &LINUX_SYN);
    char buf[100];
    io_t rx;
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    peer_send(&p, TCP_ACK | TCP_PSH, "hello", 5);
    CHECK_EQ(rx.done, 1);
    CHECK_EQ(rx.result, KERR_OK);
    CHECK_EQ(rx.r.done, 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    /* One segment: the ACK waits (delayed ACK), then goes by 40 ms. */
    CHECK_EQ(sent_tcp_count(), 0);
    fake_run(TCP_DELACK_MS * KTIME_MS + KTIME_MS);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.ack, p.seq);
    /* Two full segments: ACKed at once. */
    fake_net_clear_sent();
    static uint8_t big[1448];
    memset(big, 'x', sizeof big);
    peer_send(&p, TCP_ACK, big, sizeof big);
    peer_send(&p, TCP_ACK, big, sizeof big);
    CHECK_EQ(sent_tcp_count(), 1);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.ack, p.seq);
    /* Our send: one segment with the data, PSH set. */
    fake_net_clear_sent();
    io_t tx;
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "world", 5), KERR_OK);
    fake_settle();
    CHECK_EQ(tx.done, 1);
    CHECK_EQ(tx.result, KERR_OK);
    CHECK_EQ(tx.r.done, 5);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.len, 5);
    CHECK(memcmp(s.data, "world", 5) == 0);
    CHECK_EQ(s.seq, p.ack);
    CHECK(s.flags & TCP_PSH);
    p.ack += 5;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK_EQ(tcb_of_conn(&c)->snd_una, p.ack);
    CHECK_EQ(tcb_of_conn(&c)->rto_at, 0);
    /* Buffered data completes a later receive at once. */
    char b2[4000];
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, b2, sizeof b2), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.r.done, 2 * 1448);
}

TEST(active_open_connect_and_refused)
{
    tcp_boot(0, 0);
    net_tcp_conn_t c;
    io_t co;
    net_tcp_req_init(&co.r, KOP_TCP_CONNECT, &c, 0, 0, io_cb, &co);
    co.r.peer = (net_addr_t){PEER_IP, 9000};
    co.done = 0;
    CHECK_EQ(ksubmit(&co.r.work), KERR_OK);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_SYN);
    CHECK(s.has_mss && s.has_ws && s.sack_ok && s.has_ts);
    CHECK_EQ(s.dport, 9000);
    CHECK(s.sport >= TCP_EPHEMERAL_LO);
    peer_t p = peer_new(9000, s.sport, 50000);
    p.ack = s.seq + 1;
    tcp_hdr_out_t o = {.mss = 1400, .ws = 2, .sack_ok = true, .ts = true,
                       .tsval = 99, .tsecr = s.tsval};
    uint8_t f[200];
    fake_net_clear_sent();
    fake_net_inject(f, mk_tcp_raw(f, PEER_IP, 9000, p.us_port, p.seq, p.ack,
                                  TCP_SYN | TCP_ACK, 1000, &o, 0, 0));
    p.seq++;
    fake_settle();
    CHECK_EQ(co.done, 1);
    CHECK_EQ(co.result, KERR_OK);
    CHECK(c.open);
    CHECK_EQ(c.peer.port, 9000);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_ACK);
    CHECK_EQ(s.ack, p.seq);
    CHECK_EQ(s.tsecr, 99);
    const tcp_tcb_t *t = tcb_of_conn(&c);
    CHECK_EQ(t->mss, 1400 - 12);
    CHECK_EQ(t->snd_ws, 2);
    CHECK_EQ(t->snd_wnd, 1000); /* a SYN's window is never scaled */
    CHECK_EQ(tcp_stats.active_opens, 1);

    /* A second connect, answered by RST: KERR_REFUSED. */
    net_tcp_conn_t c2;
    net_tcp_req_init(&co.r, KOP_TCP_CONNECT, &c2, 0, 0, io_cb, &co);
    co.r.peer = (net_addr_t){PEER_IP, 9001};
    co.done = 0;
    CHECK_EQ(ksubmit(&co.r.work), KERR_OK);
    CHECK(sent_seg(-1, &s));
    fake_net_inject(f, mk_tcp_raw(f, PEER_IP, 9001, s.sport, 0, s.seq + 1,
                                  TCP_RST | TCP_ACK, 0, 0, 0, 0));
    fake_settle();
    CHECK_EQ(co.done, 1);
    CHECK_EQ(co.result, KERR_REFUSED);
    CHECK(!c2.open);
    CHECK_EQ(tcp_stats.conns_open, 1);
}

TEST(connect_times_out_with_backoff)
{
    tcp_boot(0, 0);
    net_tcp_conn_t c;
    io_t co;
    net_tcp_req_init(&co.r, KOP_TCP_CONNECT, &c, 0, 0, io_cb, &co);
    co.r.peer = (net_addr_t){PEER_IP, 9000};
    co.done = 0;
    uint64_t t0 = fake_now;
    CHECK_EQ(ksubmit(&co.r.work), KERR_OK);
    uint64_t at[16];
    int n = 0, seen = sent_tcp_count();
    while (co.done == 0 && fake_now - t0 < 400 * KTIME_S) {
        fake_run(10 * KTIME_MS);
        if (sent_tcp_count() > seen) {
            seen = sent_tcp_count();
            if (n < 16)
                at[n++] = fake_now - t0;
        }
    }
    CHECK_EQ(co.result, KERR_TIMEOUT);
    /* The last retry may wait on ARP (the entry aged out by then). */
    CHECK(n >= TCP_SYN_RETRIES - 1);
    /* 1+2+...+32 s, then the last wait capped at TCP_RTO_MAX_MS. */
    CHECK(fake_now - t0 >= 123 * KTIME_S && fake_now - t0 < 124 * KTIME_S);
    /* RFC 6298 5.5: the timer doubles each time (1 s, 2 s, 4 s, ...). */
    for (int i = 0; i < n; i++) {
        uint64_t want = ((1ull << (i + 1)) - 1) * KTIME_S;
        CHECK(at[i] >= want && at[i] <= want + 50 * KTIME_MS);
    }
    CHECK_EQ(tcp_stats.conns_timed_out, 1);
    CHECK_EQ(tcp_stats.conns_open, 0);
}

TEST(simultaneous_open)
{
    tcp_boot(0, 0);
    net_tcp_conn_t c;
    io_t co;
    net_tcp_req_init(&co.r, KOP_TCP_CONNECT, &c, 0, 0, io_cb, &co);
    co.r.peer = (net_addr_t){PEER_IP, 9000};
    co.done = 0;
    CHECK_EQ(ksubmit(&co.r.work), KERR_OK);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    uint32_t our_isn = s.seq;
    peer_t p = peer_new(9000, s.sport, 7777);
    fake_net_clear_sent();
    peer_syn(&p, 0); /* the peer's SYN crosses ours */
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_SYN | TCP_ACK);
    CHECK_EQ(s.seq, our_isn);
    CHECK_EQ(s.ack, 7778);
    CHECK_EQ(co.done, 0);
    p.ack = our_isn + 1;
    peer_send(&p, TCP_ACK, 0, 0); /* its SYN-ACK's ACK part */
    CHECK_EQ(co.done, 1);
    CHECK_EQ(co.result, KERR_OK);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_ESTABLISHED);
}

TEST(half_close_by_peer_then_our_close)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40004, 80, 1);
    accept_from(&l, &c, &p, &LINUX_SYN);
    peer_send(&p, TCP_ACK | TCP_FIN, "bye", 3);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s)); /* a FIN is ACKed at once */
    CHECK_EQ(s.ack, p.seq);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_CLOSE_WAIT);
    char buf[10];
    io_t rx;
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.result, KERR_OK);
    CHECK_EQ(rx.r.done, 3);
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.result, KERR_CLOSED);
    CHECK_EQ(rx.r.done, 0);
    /* We can still send (half-close). */
    io_t tx;
    fake_net_clear_sent();
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "still", 5), KERR_OK);
    fake_settle();
    CHECK_EQ(tx.result, KERR_OK);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.len, 5);
    /* Shutdown: FIN after the data, completes when ACKed. */
    io_t sh;
    CHECK_EQ(io_submit(&sh, KOP_TCP_SHUTDOWN, &c, 0, 0), KERR_OK);
    fake_settle();
    CHECK(sent_seg(-1, &s));
    CHECK(s.flags & TCP_FIN);
    CHECK_EQ(s.seq, p.ack + 5);
    CHECK_EQ(sh.done, 0);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_LAST_ACK);
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "x", 1), KERR_OK);
    fake_settle();
    CHECK_EQ(tx.result, KERR_CLOSED);
    p.ack += 6;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK_EQ(sh.done, 1);
    CHECK_EQ(sh.result, KERR_OK);
    CHECK_EQ(tcp_stats.conns_open, 0); /* LAST-ACK -> CLOSED */
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.result, KERR_CLOSED);
    net_tcp_close(&c);
}

TEST(active_close_time_wait_bounded)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40005, 80, 100);
    accept_from(&l, &c, &p, &LINUX_SYN);
    io_t sh;
    CHECK_EQ(io_submit(&sh, KOP_TCP_SHUTDOWN, &c, 0, 0), KERR_OK);
    fake_settle();
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_FIN | TCP_ACK);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_FIN_WAIT_1);
    p.ack++;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK_EQ(sh.result, KERR_OK);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_FIN_WAIT_2);
    /* The peer still sends; then its FIN: TIME-WAIT. */
    char buf[8];
    io_t rx;
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    peer_send(&p, TCP_ACK | TCP_PSH, "tail", 4);
    CHECK_EQ(rx.r.done, 4);
    fake_net_clear_sent();
    peer_send(&p, TCP_ACK | TCP_FIN, 0, 0);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.ack, p.seq);
    CHECK_EQ(tcp_stats.conns_open, 0); /* the block is free ... */
    CHECK(tcp_tw_find(US_IP, 80, PEER_IP, 40005) != 0); /* ... TIME-WAIT */
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.result, KERR_CLOSED);
    /* A retransmitted FIN is ACKed again. */
    fake_net_clear_sent();
    peer_send_at(&p, p.seq - 1, p.ack, TCP_ACK | TCP_FIN, 0, 0);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_ACK);
    CHECK_EQ(s.ack, p.seq);
    /* 2 MSL later it is gone. */
    fake_run(TCP_TIMEWAIT_MS * KTIME_MS + KTIME_S);
    CHECK(tcp_tw_find(US_IP, 80, PEER_IP, 40005) == 0);
    net_tcp_close(&c);
}

TEST(simultaneous_close)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40006, 80, 100);
    accept_from(&l, &c, &p, 0);
    io_t sh;
    CHECK_EQ(io_submit(&sh, KOP_TCP_SHUTDOWN, &c, 0, 0), KERR_OK);
    fake_settle();
    /* The peer's FIN crosses ours: it does not ack our FIN. */
    peer_send(&p, TCP_ACK | TCP_FIN, 0, 0);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_CLOSING);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.ack, p.seq);
    p.ack++;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK_EQ(sh.result, KERR_OK);
    CHECK(tcp_tw_find(US_IP, 80, PEER_IP, 40006) != 0);
    CHECK_EQ(tcp_stats.conns_open, 0);
    net_tcp_close(&c);
}

TEST(close_after_peer_fin_is_polite_close_with_unread_is_rst)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40007, 80, 100);
    accept_from(&l, &c, &p, 0);
    peer_send(&p, TCP_ACK, "unread", 6);
    fake_net_clear_sent();
    net_tcp_close(&c);
    fake_settle();
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK(s.flags & TCP_RST);
    CHECK_EQ(tcp_stats.conns_open, 0);
    /* Without unread data: a FIN, and the stack finishes on its own. */
    peer_t q = peer_new(40008, 80, 500);
    accept_from(&l, &c, &q, 0);
    net_tcp_close(&c);
    fake_settle();
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.flags, TCP_FIN | TCP_ACK);
    q.ack++;
    peer_send(&q, TCP_ACK | TCP_FIN, 0, 0);
    CHECK(tcp_tw_find(US_IP, 80, PEER_IP, 40008) != 0);
    CHECK_EQ(tcp_stats.conns_open, 0);
}

TEST(out_of_order_data_is_sacked_and_reassembled)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40009, 80, 1000);
    accept_from(&l, &c, &p, &LINUX_SYN);
    uint32_t base = p.seq;
    peer_send_at(&p, base + 4, p.ack, TCP_ACK, "EFGH", 4);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s)); /* duplicate ACK at once, with a SACK block */
    CHECK_EQ(s.ack, base);
    CHECK_EQ(s.nsack, 1);
    CHECK_EQ(s.sack[0].left, base + 4);
    CHECK_EQ(s.sack[0].right, base + 8);
    peer_send_at(&p, base + 12, p.ack, TCP_ACK, "MNOP", 4);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.nsack, 2);
    CHECK_EQ(s.sack[0].left, base + 12); /* the newest first */
    peer_send_at(&p, base, p.ack, TCP_ACK, "ABCD", 4);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.ack, base + 8);
    CHECK_EQ(s.nsack, 1);
    peer_send_at(&p, base + 6, p.ack, TCP_ACK, "GHIJKL", 6); /* overlaps */
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.ack, base + 16);
    CHECK_EQ(s.nsack, 0);
    char buf[32];
    io_t rx;
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.r.done, 16);
    CHECK(memcmp(buf, "ABCDEFGHIJKLMNOP", 16) == 0);
}

TEST(out_of_order_ranges_are_bounded)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40010, 80, 1000);
    accept_from(&l, &c, &p, &LINUX_SYN);
    for (int i = 0; i < NET_TCP_OOO + 2; i++)
        peer_send_at(&p, p.seq + 10 + 10u * (uint32_t)i, p.ack, TCP_ACK,
                     "x", 1);
    CHECK_EQ(tcb_of_conn(&c)->nooo, NET_TCP_OOO);
    CHECK_EQ(net_stats.tcp_drop_ooo, 2);
}

TEST(sequence_numbers_wrap)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40011, 80, 0xfffffff0u);
    accept_from(&l, &c, &p, &LINUX_SYN);
    static uint8_t data[64];
    for (int i = 0; i < 64; i++)
        data[i] = (uint8_t)i;
    /* 64 bytes from 0xfffffff1: the stream crosses 2^32. */
    peer_send_at(&p, p.seq + 32, p.ack, TCP_ACK, data + 32, 32);
    peer_send(&p, TCP_ACK, data, 32);
    p.seq += 32;
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.ack, (uint32_t)(0xfffffff1u + 64u));
    uint8_t buf[100];
    io_t rx;
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.r.done, 64);
    CHECK(memcmp(buf, data, 64) == 0);
    CHECK(SEQ_LT(0xfffffff0u, 5u) && SEQ_GT(5u, 0xfffffff0u));
}

TEST(window_scale_limits_what_we_send)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40012, 80, 1000);
    syn_opts_t so = {1000, 4, false, false};
    accept_from(&l, &c, &p, &so);
    net_tcp_set_nodelay(&c, true);
    p.wnd = 125; /* << 4 = 2000 bytes */
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK_EQ(tcb_of_conn(&c)->snd_wnd, 2000);
    static uint8_t big[5000];
    io_t tx;
    fake_net_clear_sent();
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, big, sizeof big), KERR_OK);
    fake_settle();
    uint32_t total = 0;
    tcp_seg_t s;
    for (int i = 0; sent_seg(i, &s); i++)
        total += s.len;
    CHECK_EQ(total, 2000);
}

TEST(zero_window_is_probed_then_opens)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40013, 80, 1000);
    accept_from(&l, &c, &p, 0);
    p.wnd = 0;
    peer_send(&p, TCP_ACK, 0, 0);
    io_t tx;
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "abc", 3), KERR_OK);
    fake_settle();
    CHECK_EQ(tx.result, KERR_OK); /* copied into the ring */
    CHECK_EQ(sent_tcp_count(), 0);
    fake_run(1100 * KTIME_MS);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s)); /* the persist probe */
    CHECK_EQ(s.len, 0);
    CHECK_EQ(s.seq, p.ack - 1);
    CHECK_EQ(net_stats.tcp_zero_window_probe, 1);
    fake_run(2100 * KTIME_MS); /* backed off: one more by now */
    CHECK_EQ(net_stats.tcp_zero_window_probe, 2);
    CHECK(tcb_of_conn(&c) != 0); /* probing never gives up */
    fake_net_clear_sent();
    p.wnd = 1000;
    peer_send(&p, TCP_ACK, 0, 0);
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.len, 3);
    CHECK(memcmp(s.data, "abc", 3) == 0);
}

TEST(our_window_closes_and_reopens)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40014, 80, 1000);
    accept_from(&l, &c, &p, 0);
    static uint8_t chunk[512];
    for (uint32_t i = 0; i < NET_TCP_RCVBUF / 512; i++)
        peer_send(&p, TCP_ACK, chunk, 512);
    fake_run(100 * KTIME_MS);
    tcp_seg_t s;
    CHECK(sent_seg(-1, &s));
    CHECK_EQ(s.wnd, 0);
    CHECK_EQ(s.ack, p.seq);
    /* More data past the closed window is dropped, not stored. */
    uint64_t oow = tcp_stats.drop_out_of_window;
    peer_send_at(&p, p.seq, p.ack, TCP_ACK, chunk, 512);
    CHECK_EQ(tcp_stats.drop_out_of_window, oow + 1);
    /* Reading opens it: a window update goes out. */
    fake_net_clear_sent();
    static uint8_t sink[NET_TCP_RCVBUF];
    io_t rx;
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, sink, sizeof sink), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.r.done, NET_TCP_RCVBUF);
    CHECK(sent_seg(-1, &s));
    CHECK(s.wnd > 0);
}

TEST(bare_ack_at_the_window_edge_is_processed)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40015, 80, 1000);
    accept_from(&l, &c, &p, 0);
    io_t tx;
    CHECK_EQ(io_submit(&tx, KOP_TCP_SEND, &c, "data", 4), KERR_OK);
    fake_settle();
    /* The peer filled our window (those segments are still on their way,
     * or lost) and acknowledges our data from its snd_nxt: the edge. */
    uint32_t edge = p.seq + NET_TCP_RCVBUF;
    p.ack += 4;
    peer_send_at(&p, edge, p.ack, TCP_ACK, 0, 0);
    CHECK_EQ(tcb_of_conn(&c)->snd_una, p.ack);
    CHECK_EQ(tcb_of_conn(&c)->rto_at, 0);
    /* One byte past the edge is still out of window. */
    uint64_t oow = tcp_stats.drop_out_of_window;
    peer_send_at(&p, edge + 1, p.ack, TCP_ACK, 0, 0);
    CHECK_EQ(tcp_stats.drop_out_of_window, oow + 1);
}

TEST(time_wait_keeps_unread_data_until_read)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40016, 80, 1000);
    accept_from(&l, &c, &p, 0);
    peer_send(&p, TCP_ACK | TCP_PSH, "abc", 3); /* nobody reads yet */
    io_t sh;
    CHECK_EQ(io_submit(&sh, KOP_TCP_SHUTDOWN, &c, 0, 0), KERR_OK);
    fake_settle();
    p.ack++;
    peer_send(&p, TCP_ACK | TCP_FIN, 0, 0);
    CHECK_EQ(sh.result, KERR_OK);
    /* TIME-WAIT, but the block stays: three bytes are unread. */
    CHECK_EQ(tcp_stats.conns_open, 1);
    CHECK_EQ(tcb_of_conn(&c)->state, TCP_TIME_WAIT);
    char buf[8];
    io_t rx;
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.result, KERR_OK);
    CHECK_EQ(rx.r.done, 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    /* Read: now a compact entry, and the end of the stream. */
    CHECK_EQ(tcp_stats.conns_open, 0);
    CHECK(tcp_tw_find(US_IP, 80, PEER_IP, 40016) != 0);
    CHECK_EQ(io_submit(&rx, KOP_TCP_RECV, &c, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(rx.result, KERR_CLOSED);
    net_tcp_close(&c);
}

TEST(orphan_in_fin_wait_2_is_dropped_after_a_minute)
{
    net_tcp_listener_t l;
    net_tcp_conn_t c;
    tcp_boot(&l, 80);
    peer_t p = peer_new(40017, 80, 1000);
    accept_from(&l, &c, &p, 0);
    net_tcp_close(&c);
    fake_settle();
    p.ack++;
    peer_send(&p, TCP_ACK, 0, 0); /* our FIN acked; the peer never closes */
    CHECK_EQ(tcp_stats.conns_open, 1);
    fake_run(TCP_FIN_TIMEOUT_MS * KTIME_MS - KTIME_S);
    CHECK_EQ(tcp_stats.conns_open, 1);
    fake_run(2 * KTIME_S);
    CHECK_EQ(tcp_stats.conns_open, 0);
}
