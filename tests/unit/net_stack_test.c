/* The IP stack driven through the fake frame device: ARP, ICMP, UDP
 * delivery and sending, validation drops with their counters, resolution
 * retries and timeouts, the backlog policy, cancel, deadlines and close. */
#include "tests/unit/net_test_util.h"

#include "mote/ktime.h"

static int done_count;
static kerr_t last_result;

static void on_done(kwork_t *w)
{
    done_count++;
    last_result = w->result;
}

static void reset_done(void)
{
    done_count = 0;
    last_result = KERR__COUNT;
}

TEST(arp_request_gets_reply)
{
    net_boot_static();
    uint8_t f[64];
    static const uint8_t zero[6];
    fake_net_inject(f, mk_arp(f, NET_ARP_REQUEST, peer_mac, PEER_IP, zero,
                              US_IP));
    fake_settle();
    CHECK_EQ(fake_net_sent_count(), 1);
    uint32_t len;
    const uint8_t *r = last_sent(&len);
    CHECK(len >= 42);
    CHECK(memcmp(r, peer_mac, 6) == 0);
    CHECK(memcmp(r + 6, us_mac, 6) == 0);
    CHECK_EQ(net_get16(r + 12), NET_ETHERTYPE_ARP);
    net_arp_pkt_t a;
    CHECK_EQ(net_arp_parse(r + 14, len - 14, &a), 0);
    CHECK_EQ(a.op, NET_ARP_REPLY);
    CHECK(memcmp(a.sha, us_mac, 6) == 0);
    CHECK_EQ(a.spa, US_IP);
    CHECK(memcmp(a.tha, peer_mac, 6) == 0);
    CHECK_EQ(a.tpa, PEER_IP);
    CHECK_EQ(net_stats.arp_reply_tx, 1);
    uint8_t mac[6];
    CHECK_EQ(net_arp_lookup(PEER_IP, mac), 1); /* the asker is learned */
    CHECK(memcmp(mac, peer_mac, 6) == 0);
}

TEST(arp_request_for_someone_else_ignored)
{
    net_boot_static();
    uint8_t f[64], mac[6];
    static const uint8_t zero[6];
    fake_net_inject(f, mk_arp(f, NET_ARP_REQUEST, peer_mac, PEER_IP, zero,
                              NET_IP4(10, 0, 0, 99)));
    fake_settle();
    CHECK_EQ(fake_net_sent_count(), 0);
    CHECK_EQ(net_arp_lookup(PEER_IP, mac), 0);
    CHECK_EQ(net_stats.arp_rx, 1);
}

TEST(gratuitous_arp_when_up)
{
    net_boot("ip=10.0.0.2/24");
    CHECK_EQ(fake_net_sent_count(), 1);
    uint32_t len;
    const uint8_t *r = last_sent(&len);
    net_arp_pkt_t a;
    CHECK(memcmp(r, net_mac_broadcast, 6) == 0);
    CHECK_EQ(net_arp_parse(r + 14, len - 14, &a), 0);
    CHECK_EQ(a.op, NET_ARP_REQUEST);
    CHECK_EQ(a.spa, US_IP);
    CHECK_EQ(a.tpa, US_IP);
}

TEST(icmp_echo_reply)
{
    net_boot_static();
    learn_peers();
    uint8_t f[200];
    const char data[] = "abcdefghijklmnopqrstuvwxyz0123456789!";
    uint32_t n = mk_ping(f, 0x4242, 7, data, sizeof data);
    fake_net_inject(f, n);
    fake_settle();
    CHECK_EQ(fake_net_sent_count(), 1);
    uint32_t len;
    const uint8_t *r = last_sent(&len);
    CHECK(ip_frame_ok(r, len));
    CHECK(memcmp(r, peer_mac, 6) == 0);
    CHECK_EQ(net_get32(r + 26), US_IP);
    CHECK_EQ(net_get32(r + 30), PEER_IP);
    CHECK_EQ(r[23], 1);
    CHECK_EQ(r[34], 0); /* echo reply */
    CHECK_EQ(net_get16(r + 38), 0x4242);
    CHECK_EQ(net_get16(r + 40), 7);
    CHECK_EQ(len, n);
    CHECK(memcmp(r + 42, data, sizeof data) == 0);
    CHECK_EQ(net_stats.icmp_echo_tx, 1);
}

static int pongs;

static void on_pong(net_icmp_ping_t *p)
{
    (void)p;
    pongs++;
}

/* An echo reply from the peer with (id, seq, data). */
static uint32_t mk_pong(uint8_t *f, uint16_t id, uint16_t seq,
                        const void *data, uint16_t len)
{
    uint32_t n = mk_ping(f, id, seq, data, len);
    f[34] = 0;
    net_put16(f + 36, 0);
    net_put16(f + 36, net_cksum(f + 34, 8u + len));
    return n;
}

TEST(icmp_ping_client)
{
    net_boot_static();
    learn_peers();
    pongs = 0;
    static const char data[] = "mote ping";
    net_icmp_ping_t p = {.dst = PEER_IP, .id = 0x1234, .seq = 5,
                         .data = data, .len = sizeof data,
                         .on_reply = on_pong};
    CHECK_EQ(net_icmp_ping_send(&p), KERR_OK);
    CHECK_EQ(net_icmp_ping_send(&p), KERR_INVALID); /* already waiting */
    fake_settle();
    CHECK_EQ(fake_net_sent_count(), 1);
    uint32_t len;
    const uint8_t *r = last_sent(&len);
    CHECK(ip_frame_ok(r, len));
    CHECK_EQ(net_get32(r + 26), US_IP);
    CHECK_EQ(net_get32(r + 30), PEER_IP);
    CHECK_EQ(r[23], 1);
    CHECK_EQ(r[34], 8); /* echo request */
    CHECK_EQ(net_cksum(r + 34, len - 34), 0);
    CHECK_EQ(net_get16(r + 38), 0x1234);
    CHECK_EQ(net_get16(r + 40), 5);
    CHECK(memcmp(r + 42, data, sizeof data) == 0);
    CHECK_EQ(net_stats.icmp_echo_req_tx, 1);
    /* Wrong sequence, wrong data: not ours. */
    uint8_t f[200];
    fake_net_inject(f, mk_pong(f, 0x1234, 6, data, sizeof data));
    fake_net_inject(f, mk_pong(f, 0x1234, 5, "mote pinG", sizeof data));
    fake_settle();
    CHECK_EQ(pongs, 0);
    CHECK_EQ(net_stats.icmp_echo_reply_stray, 2);
    fake_net_inject(f, mk_pong(f, 0x1234, 5, data, sizeof data));
    fake_settle();
    CHECK_EQ(pongs, 1);
    CHECK_EQ(net_stats.icmp_echo_reply_rx, 1);
    /* Answered once: the same reply again is stray. */
    fake_net_inject(f, mk_pong(f, 0x1234, 5, data, sizeof data));
    fake_settle();
    CHECK_EQ(pongs, 1);
    /* Cancelled: a reply finds nothing waiting. */
    CHECK_EQ(net_icmp_ping_send(&p), KERR_OK);
    net_icmp_ping_cancel(&p);
    fake_net_inject(f, mk_pong(f, 0x1234, 5, data, sizeof data));
    fake_settle();
    CHECK_EQ(pongs, 1);
    CHECK_EQ(net_stats.icmp_echo_reply_stray, 4);
    net_icmp_ping_t big = {.dst = PEER_IP, .data = data, .len = 2000};
    CHECK_EQ(net_icmp_ping_send(&big), KERR_INVALID);
}

TEST(icmp_bad_checksum_dropped)
{
    net_boot_static();
    learn_peers();
    uint8_t f[200];
    uint32_t n = mk_ping(f, 1, 1, "xy", 2);
    f[36] ^= 0x55;
    fake_net_inject(f, n);
    fake_settle();
    CHECK_EQ(fake_net_sent_count(), 0);
    CHECK_EQ(net_stats.icmp_drop_bad, 1);
}

TEST(udp_to_open_port_is_delivered)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 8080), KERR_OK);
    char buf[64];
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_RECV, &s, buf, sizeof buf, on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    uint8_t f[200];
    fake_net_inject(f, mk_udp(f, 5555, 8080, "hello", 5));
    fake_settle();
    CHECK_EQ(done_count, 1);
    CHECK_EQ(last_result, KERR_OK);
    CHECK_EQ(r.done, 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(r.peer.ip, PEER_IP);
    CHECK_EQ(r.peer.port, 5555);
    CHECK_EQ(s.stats.rx, 1);
    CHECK_EQ(net_stats.udp_rx, 1);
    CHECK_EQ(fake_net_sent_count(), 0);
}

TEST(udp_to_closed_port_gets_port_unreachable)
{
    net_boot_static();
    learn_peers();
    uint8_t f[200];
    uint32_t n = mk_udp(f, 5555, 9999, "knock", 5);
    fake_net_inject(f, n);
    fake_settle();
    CHECK_EQ(net_stats.udp_drop_noport, 1);
    CHECK_EQ(fake_net_sent_count(), 1);
    uint32_t len;
    const uint8_t *r = last_sent(&len);
    CHECK(ip_frame_ok(r, len));
    CHECK_EQ(r[23], 1);
    CHECK_EQ(r[34], 3); /* destination unreachable */
    CHECK_EQ(r[35], 3); /* port */
    /* It quotes the offending IP header and 8 bytes of UDP. */
    CHECK_EQ(len, 34 + 8 + 20 + 8);
    CHECK(memcmp(r + 42, f + 14, 28) == 0);
}

TEST(port_unreachable_is_rate_limited)
{
    net_boot_static();
    learn_peers();
    uint8_t f[200];
    uint32_t n = mk_udp(f, 5555, 9999, "x", 1);
    for (int i = 0; i < 30; i++)
        fake_net_inject(f, n);
    fake_settle();
    CHECK_EQ(net_stats.udp_drop_noport, 30);
    CHECK_EQ(net_stats.icmp_unreach_tx, NET_ICMP_BURST);
    CHECK_EQ(net_stats.icmp_unreach_limited, 30 - NET_ICMP_BURST);
    fake_run(KTIME_S / 2); /* half a second refills half the rate */
    for (int i = 0; i < 30; i++)
        fake_net_inject(f, n);
    fake_settle();
    CHECK_EQ(net_stats.icmp_unreach_tx, NET_ICMP_BURST + NET_ICMP_RATE / 2);
}

TEST(broadcast_to_closed_port_is_silent)
{
    net_boot_static();
    learn_peers();
    uint8_t f[200];
    fake_net_inject(f, mk_udp_from(f, peer_mac, PEER_IP, 1, NET_IP_BROADCAST,
                                   9999, "b", 1));
    fake_settle();
    CHECK_EQ(net_stats.udp_drop_noport, 1);
    CHECK_EQ(fake_net_sent_count(), 0);
}

/* Inject (f, n) and check that exactly counter (field) moved and nothing
 * was delivered or sent. */
#define EXPECT_DROP(f, n, field)                                           \
    do {                                                                   \
        net_stats_t before_ = net_stats;                                   \
        fake_net_inject(f, n);                                             \
        fake_settle();                                                     \
        CHECK_EQ(net_stats.field, before_.field + 1);                      \
        CHECK_EQ(net_stats.udp_rx, before_.udp_rx);                        \
        CHECK_EQ(fake_net_sent_count(), 0);                                \
    } while (0)

TEST(malformed_frames_dropped_and_counted)
{
    net_boot_static();
    learn_peers();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 8080), KERR_OK);
    uint8_t f[200], g[200];
    uint32_t n = mk_udp(f, 5555, 8080, "payload!", 8);

    EXPECT_DROP(f, 10, eth_drop_short);
    memcpy(g, f, n); g[0] = 0x02; /* another host's MAC */
    EXPECT_DROP(g, n, eth_drop_dst);
    memcpy(g, f, n); net_put16(g + 12, 0x86dd);
    EXPECT_DROP(g, n, eth_drop_type);
    EXPECT_DROP(f, 14 + 19, ip_drop_short);
    memcpy(g, f, n); g[14] = 0x65; /* version 6 */
    EXPECT_DROP(g, n, ip_drop_version);
    memcpy(g, f, n); g[14] = 0x44; /* IHL 4 */
    EXPECT_DROP(g, n, ip_drop_version);
    memcpy(g, f, n); g[14 + 10] ^= 1;
    EXPECT_DROP(g, n, ip_drop_cksum);
    /* Total length claims more than the frame holds. */
    memcpy(g, f, n); net_put16(g + 16, 200);
    net_put16(g + 24, 0); net_put16(g + 24, net_cksum(g + 14, 20));
    EXPECT_DROP(g, n, ip_drop_len);
    /* TTL 0. */
    memcpy(g, f, n); g[22] = 0;
    net_put16(g + 24, 0); net_put16(g + 24, net_cksum(g + 14, 20));
    EXPECT_DROP(g, n, ip_drop_ttl);
    /* A fragment (MF set). */
    memcpy(g, f, n); net_put16(g + 20, 0x2000);
    net_put16(g + 24, 0); net_put16(g + 24, net_cksum(g + 14, 20));
    EXPECT_DROP(g, n, ip_drop_frag);
    /* Another host's address. */
    memcpy(g, f, n); net_put32(g + 30, NET_IP4(10, 0, 0, 3));
    net_put16(g + 24, 0); net_put16(g + 24, net_cksum(g + 14, 20));
    EXPECT_DROP(g, n, ip_drop_dst);
    /* UDP length larger than the IP payload. */
    memcpy(g, f, n); net_put16(g + 38, 40);
    EXPECT_DROP(g, n, udp_drop_len);
    /* UDP checksum wrong. */
    memcpy(g, f, n); g[42] ^= 0xff;
    EXPECT_DROP(g, n, udp_drop_cksum);
    /* Ethernet padding after the IP packet is fine. */
    memcpy(g, f, n); memset(g + n, 0xee, 20);
    fake_net_inject(g, n + 20);
    fake_settle();
    CHECK_EQ(net_stats.udp_rx, 1);
    /* So is a zero UDP checksum (not computed by the sender). */
    memcpy(g, f, n); net_put16(g + 40, 0);
    fake_net_inject(g, n);
    fake_settle();
    CHECK_EQ(net_stats.udp_rx, 2);
}

TEST(send_resolves_then_goes)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 4000), KERR_OK);
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_SEND, &s, "ping", 4, on_done, 0);
    r.peer = (net_addr_t){PEER_IP, 7000};
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(done_count, 0); /* waiting for ARP */
    CHECK_EQ(fake_net_sent_count(), 1);
    uint32_t len;
    const uint8_t *q = last_sent(&len);
    net_arp_pkt_t a;
    CHECK_EQ(net_arp_parse(q + 14, len - 14, &a), 0);
    CHECK_EQ(a.op, NET_ARP_REQUEST);
    CHECK_EQ(a.tpa, PEER_IP);
    uint8_t f[64];
    fake_net_inject(f, mk_arp(f, NET_ARP_REPLY, peer_mac, PEER_IP, us_mac,
                              US_IP));
    fake_settle();
    CHECK_EQ(done_count, 1);
    CHECK_EQ(last_result, KERR_OK);
    CHECK_EQ(fake_net_sent_count(), 2);
    const uint8_t *u = last_sent(&len);
    CHECK(ip_frame_ok(u, len));
    CHECK(memcmp(u, peer_mac, 6) == 0);
    CHECK_EQ(net_get16(u + 34), 4000);
    CHECK_EQ(net_get16(u + 36), 7000);
    CHECK_EQ(net_get16(u + 38), 12);
    CHECK(memcmp(u + 42, "ping", 4) == 0);
    CHECK_EQ(s.stats.tx, 1);
}

TEST(send_to_unresolvable_peer_is_unreachable)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 4000), KERR_OK);
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_SEND, &s, "ping", 4, on_done, 0);
    r.peer = (net_addr_t){PEER_IP, 7000};
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), 1);
    /* (fake_run stops just before events due at its very end) */
    fake_run(NET_ARP_RETRY_MS * KTIME_MS + 1);
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), 2);
    CHECK_EQ(done_count, 0);
    fake_run(NET_ARP_RETRY_MS * KTIME_MS);
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), NET_ARP_TRIES);
    CHECK_EQ(done_count, 0);
    fake_run(NET_ARP_RETRY_MS * KTIME_MS);
    CHECK_EQ(done_count, 1);
    CHECK_EQ(last_result, KERR_UNREACHABLE);
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), NET_ARP_TRIES);
    CHECK_EQ(count_sent(NET_ETHERTYPE_IP, 0), 0);
    CHECK_EQ(net_stats.arp_timeout, 1);
    CHECK_EQ(net_stats.udp_unreachable, 1);
}

TEST(off_link_goes_through_gateway)
{
    net_boot_static();
    learn_peers();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 0), KERR_OK);
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_SEND, &s, "far", 3, on_done, 0);
    r.peer = (net_addr_t){NET_IP4(192, 0, 2, 1), 53};
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(last_result, KERR_OK);
    uint32_t len;
    const uint8_t *u = last_sent(&len);
    CHECK(memcmp(u, gw_mac, 6) == 0);
    CHECK_EQ(net_get32(u + 30), NET_IP4(192, 0, 2, 1));
    CHECK(ip_frame_ok(u, len));
}

TEST(no_gateway_is_unreachable_at_once)
{
    net_boot("ip=10.0.0.2/24");
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 0), KERR_OK);
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_SEND, &s, "far", 3, on_done, 0);
    r.peer = (net_addr_t){NET_IP4(192, 0, 2, 1), 53};
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(done_count, 1);
    CHECK_EQ(last_result, KERR_UNREACHABLE);
    CHECK_EQ(net_stats.ip_drop_noroute, 1);
}

TEST(backlog_holds_64_then_drops)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 8080), KERR_OK);
    uint8_t f[200];
    for (int i = 0; i < NET_UDP_BACKLOG + 6; i++) {
        uint8_t d = (uint8_t)i;
        fake_net_inject(f, mk_udp(f, 5555, 8080, &d, 1));
        fake_settle();
    }
    CHECK_EQ(net_udp_backlog_len(&s), NET_UDP_BACKLOG);
    CHECK_EQ(s.stats.rx, NET_UDP_BACKLOG);
    CHECK_EQ(s.stats.rx_dropped_backlog, 6);
    CHECK_EQ(net_stats.udp_drop_backlog, 6);
    /* Receives now drain it in arrival order, completing at once. */
    for (int i = 0; i < NET_UDP_BACKLOG; i++) {
        uint8_t d = 0xff;
        net_udp_req_t r;
        reset_done();
        net_udp_req_init(&r, KOP_UDP_RECV, &s, &d, 1, on_done, 0);
        CHECK_EQ(ksubmit(&r.work), KERR_OK);
        fake_settle();
        CHECK_EQ(done_count, 1);
        CHECK_EQ(d, i);
    }
    CHECK_EQ(net_udp_backlog_len(&s), 0);
}

TEST(long_datagram_truncated_too_big)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 8080), KERR_OK);
    char buf[4];
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_RECV, &s, buf, sizeof buf, on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    uint8_t f[200];
    fake_net_inject(f, mk_udp(f, 5555, 8080, "0123456789", 10));
    fake_settle();
    CHECK_EQ(last_result, KERR_TOO_BIG);
    CHECK_EQ(r.done, 4);
    CHECK(memcmp(buf, "0123", 4) == 0);
    CHECK_EQ(s.stats.rx_truncated, 1);
}

TEST(receives_fill_in_arrival_order)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 8080), KERR_OK);
    char b1[8], b2[8];
    net_udp_req_t r1, r2;
    net_udp_req_init(&r1, KOP_UDP_RECV, &s, b1, 8, on_done, 0);
    net_udp_req_init(&r2, KOP_UDP_RECV, &s, b2, 8, on_done, 0);
    CHECK_EQ(ksubmit(&r1.work), KERR_OK);
    CHECK_EQ(ksubmit(&r2.work), KERR_OK);
    uint8_t f[200];
    fake_net_inject(f, mk_udp(f, 1, 8080, "one", 3));
    fake_net_inject(f, mk_udp(f, 2, 8080, "two", 3));
    fake_settle();
    CHECK(memcmp(b1, "one", 3) == 0);
    CHECK(memcmp(b2, "two", 3) == 0);
    CHECK_EQ(r2.peer.port, 2);
}

TEST(receive_deadline_and_cancel)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 8080), KERR_OK);
    char buf[8];
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_RECV, &s, buf, 8, on_done, 0);
    r.work.deadline = ktime_now() + 50 * KTIME_MS;
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_run(100 * KTIME_MS);
    CHECK_EQ(done_count, 1);
    CHECK_EQ(last_result, KERR_TIMEOUT);
    r.work.deadline = 0;
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    CHECK_EQ(kcancel(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(done_count, 2);
    CHECK_EQ(last_result, KERR_CANCELLED);
    /* Neither left a receive armed: the next datagram is backlogged. */
    uint8_t f[200];
    fake_net_inject(f, mk_udp(f, 1, 8080, "z", 1));
    fake_settle();
    CHECK_EQ(net_udp_backlog_len(&s), 1);
}

TEST(send_waiting_on_arp_cancel_and_deadline)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 0), KERR_OK);
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_SEND, &s, "x", 1, on_done, 0);
    r.peer = (net_addr_t){PEER_IP, 9};
    r.work.deadline = ktime_now() + 300 * KTIME_MS;
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_run(500 * KTIME_MS);
    CHECK_EQ(done_count, 1);
    CHECK_EQ(last_result, KERR_TIMEOUT);
    r.work.deadline = 0;
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    CHECK_EQ(kcancel(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(done_count, 2);
    CHECK_EQ(last_result, KERR_CANCELLED);
    /* The peer answering later sends nothing stale. */
    uint8_t f[64];
    fake_net_inject(f, mk_arp(f, NET_ARP_REPLY, peer_mac, PEER_IP, us_mac,
                              US_IP));
    fake_settle();
    CHECK_EQ(count_sent(NET_ETHERTYPE_IP, 0), 0);
    CHECK_EQ(done_count, 2);
}

TEST(close_cancels_everything_in_flight)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 8080), KERR_OK);
    char b[8];
    net_udp_req_t r1, r2, snd;
    reset_done();
    net_udp_req_init(&r1, KOP_UDP_RECV, &s, b, 8, on_done, 0);
    net_udp_req_init(&r2, KOP_UDP_RECV, &s, b, 8, on_done, 0);
    net_udp_req_init(&snd, KOP_UDP_SEND, &s, "x", 1, on_done, 0);
    snd.peer = (net_addr_t){PEER_IP, 9};
    CHECK_EQ(ksubmit(&r1.work), KERR_OK);
    CHECK_EQ(ksubmit(&r2.work), KERR_OK);
    CHECK_EQ(ksubmit(&snd.work), KERR_OK);
    net_udp_close(&s);
    fake_settle();
    CHECK_EQ(done_count, 3);
    CHECK_EQ(r1.work.result, KERR_CANCELLED);
    CHECK_EQ(r2.work.result, KERR_CANCELLED);
    CHECK_EQ(snd.work.result, KERR_CANCELLED);
    /* The port is free again, and closed: datagrams get unreachable. */
    uint8_t f[200];
    fake_net_inject(f, mk_udp(f, 1, 8080, "z", 1));
    fake_settle();
    CHECK_EQ(net_stats.udp_drop_noport, 1);
    net_udp_sock_t s2;
    CHECK_EQ(net_udp_open(&s2, 8080), KERR_OK);
}

TEST(ports_busy_and_ephemeral)
{
    net_boot_static();
    net_udp_sock_t a, b, c, d;
    CHECK_EQ(net_udp_open(&a, 8080), KERR_OK);
    CHECK_EQ(net_udp_open(&b, 8080), KERR_BUSY);
    CHECK_EQ(net_udp_open(&c, 0), KERR_OK);
    CHECK_EQ(net_udp_open(&d, 0), KERR_OK);
    CHECK(c.port >= NET_UDP_EPHEMERAL_LO);
    CHECK(d.port >= NET_UDP_EPHEMERAL_LO);
    CHECK(c.port != d.port);
    /* Requests on a socket that is not open are refused. */
    net_udp_req_t r;
    char buf[4];
    net_udp_req_init(&r, KOP_UDP_RECV, &b, buf, 4, on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_INVALID);
    net_udp_req_init(&r, KOP_UDP_SEND, &a, buf, NET_UDP_MAX_PAYLOAD + 1,
                     on_done, 0);
    r.peer = (net_addr_t){PEER_IP, 9};
    CHECK_EQ(ksubmit(&r.work), KERR_TOO_BIG);
}

TEST(transmit_pool_exhaustion_waits_in_order)
{
    net_boot_static();
    learn_peers();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 0), KERR_OK);
    enum { N = NET_TX_BUFS + 8 };
    static net_udp_req_t r[N];
    static uint8_t payload[N];
    reset_done();
    for (int i = 0; i < N; i++) {
        payload[i] = (uint8_t)i;
        net_udp_req_init(&r[i], KOP_UDP_SEND, &s, &payload[i], 1, on_done, 0);
        r[i].peer = (net_addr_t){PEER_IP, 9};
        CHECK_EQ(ksubmit(&r[i].work), KERR_OK);
    }
    fake_run(10 * KTIME_MS);
    CHECK_EQ(done_count, N);
    CHECK_EQ(count_sent(NET_ETHERTYPE_IP, 17), N);
    for (int i = 0; i < N; i++) {
        uint32_t len;
        const uint8_t *u = fake_net_sent(i, &len);
        CHECK_EQ(u[42], i);
        CHECK_EQ(r[i].work.result, KERR_OK);
    }
}

TEST(arp_entries_expire_and_are_resolved_again)
{
    net_boot("ip=10.0.0.2/24 arp_ttl=2");
    learn_peers();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 0), KERR_OK);
    net_udp_req_t r;
    reset_done();
    net_udp_req_init(&r, KOP_UDP_SEND, &s, "a", 1, on_done, 0);
    r.peer = (net_addr_t){PEER_IP, 9};
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), 0); /* cached */
    fake_run(3 * KTIME_S);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(net_stats.arp_expired, 1);
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), 1); /* asks again */
    uint8_t f[64];
    fake_net_inject(f, mk_arp(f, NET_ARP_REPLY, peer_mac, PEER_IP, us_mac,
                              US_IP));
    fake_settle();
    CHECK_EQ(done_count, 2);
    CHECK_EQ(last_result, KERR_OK);
    CHECK_EQ(count_sent(NET_ETHERTYPE_IP, 17), 2);
}

TEST(arp_cache_is_bounded_lru)
{
    net_boot_static();
    uint8_t f[64], mac[6];
    static const uint8_t zero[6];
    for (int i = 0; i < NET_ARP_CACHE + 4; i++) {
        uint8_t m[6] = {0x02, 0, 0, 0, 0, (uint8_t)(i + 1)};
        fake_net_inject(f, mk_arp(f, NET_ARP_REQUEST, m,
                                  NET_IP4(10, 0, 0, 100 + i), zero, US_IP));
        fake_settle();
        fake_run(KTIME_MS);
    }
    /* The four oldest made room; the newest are all there. */
    for (int i = 0; i < 4; i++)
        CHECK_EQ(net_arp_lookup(NET_IP4(10, 0, 0, 100 + i), mac), 0);
    for (int i = 4; i < NET_ARP_CACHE + 4; i++)
        CHECK_EQ(net_arp_lookup(NET_IP4(10, 0, 0, 100 + i), mac), 1);
}

TEST(resolution_queue_is_bounded)
{
    net_boot_static();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 0), KERR_OK);
    enum { N = NET_ARP_QUEUE + 3 };
    static net_udp_req_t r[N];
    reset_done();
    for (int i = 0; i < N; i++) {
        net_udp_req_init(&r[i], KOP_UDP_SEND, &s, "q", 1, on_done, 0);
        r[i].peer = (net_addr_t){PEER_IP, 9};
        CHECK_EQ(ksubmit(&r[i].work), KERR_OK);
    }
    fake_settle();
    CHECK_EQ(done_count, 3);
    CHECK_EQ(last_result, KERR_NOMEM);
    CHECK_EQ(net_stats.arp_queue_full, 3);
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), 1); /* one request, not 16 */
    fake_run(5 * KTIME_S);
    CHECK_EQ(done_count, N);
    CHECK_EQ(r[0].work.result, KERR_UNREACHABLE);
}

TEST(stats_api_names_and_prints)
{
    net_boot_static();
    uint64_t v = 99;
    CHECK(strcmp(net_stats_field(0, &v), "eth_rx") == 0);
    CHECK_EQ(v, 0);
    uint8_t f[64];
    fake_net_inject(f, 10);
    fake_settle();
    net_stats_t s;
    net_stats_get(&s);
    CHECK_EQ(s.eth_rx, 1);
    CHECK_EQ(s.eth_drop_short, 1);
    const char *name;
    int found = 0;
    for (unsigned i = 0; (name = net_stats_field(i, &v)) != 0; i++)
        if (strcmp(name, "eth_drop_short") == 0)
            found = v == 1;
    CHECK(found);
    net_stats_print();
    CHECK(strstr(fake_console(), "net: eth_drop_short 1") != NULL);
    CHECK(strstr(fake_console(), "net: udp_rx") == NULL); /* zero: quiet */
}

TEST(ip_options_and_subnet_broadcast)
{
    net_boot_static();
    learn_peers();
    net_udp_sock_t s;
    CHECK_EQ(net_udp_open(&s, 8080), KERR_OK);
    /* A header with one 4-byte option (NOPs): the payload moves by 4. */
    uint8_t f[200], g[200];
    uint32_t n = mk_udp(f, 5555, 8080, "opt", 3);
    memcpy(g, f, 34);
    memset(g + 34, 1, 4);
    memcpy(g + 38, f + 34, n - 34);
    g[14] = 0x46;
    net_put16(g + 16, (uint16_t)(net_get16(f + 16) + 4));
    net_put16(g + 24, 0);
    net_put16(g + 24, net_cksum(g + 14, 24));
    fake_net_inject(g, n + 4);
    fake_settle();
    CHECK_EQ(net_udp_backlog_len(&s), 1);
    /* To the subnet broadcast: delivered, and never answered by ICMP. */
    fake_net_inject(f, mk_udp_from(f, peer_mac, PEER_IP, 1,
                                   NET_IP4(10, 0, 0, 255), 8080, "b", 1));
    fake_settle();
    CHECK_EQ(net_udp_backlog_len(&s), 2);
    fake_net_inject(f, mk_udp_from(f, peer_mac, PEER_IP, 1,
                                   NET_IP4(10, 0, 0, 255), 9, "b", 1));
    fake_settle();
    CHECK_EQ(fake_net_sent_count(), 0);
    /* A broadcast ping is ignored (no smurf amplifier). */
    n = mk_ping(f, 1, 1, "x", 1);
    memcpy(f, net_mac_broadcast, 6);
    net_put32(f + 30, NET_IP4(10, 0, 0, 255));
    net_put16(f + 24, 0);
    net_put16(f + 24, net_cksum(f + 14, 20));
    fake_net_inject(f, n);
    fake_settle();
    CHECK_EQ(net_stats.icmp_rx, 1);
    CHECK_EQ(fake_net_sent_count(), 0);
    /* A source that is a broadcast address is dropped. */
    fake_net_inject(f, mk_udp_from(f, peer_mac, NET_IP4(10, 0, 0, 255), 1,
                                   US_IP, 8080, "s", 1));
    fake_settle();
    CHECK_EQ(net_stats.ip_drop_src, 1);
    CHECK_EQ(net_udp_backlog_len(&s), 2);
}

/* Random interleavings of receives, sends (to a resolvable and an
 * unresolvable peer), deadlines, cancels, incoming datagrams, closes and
 * time: every submission must complete exactly once, with a result that
 * fits its kind, and the backlog bound must hold throughout. */
enum { RND_REQS = 24, RND_SOCKS = 3 };
static struct rnd_req {
    net_udp_req_t r;
    int live, completions;
    uint8_t buf[32];
} rnd[RND_REQS];
static int rnd_bad_result;

static void rnd_done(kwork_t *w)
{
    struct rnd_req *q = w->ctx;
    q->live = 0;
    q->completions++;
    kerr_t e = w->result;
    int ok = e == KERR_OK || e == KERR_TIMEOUT || e == KERR_CANCELLED;
    if (w->op == KOP_UDP_RECV)
        ok = ok || e == KERR_TOO_BIG;
    else
        ok = ok || e == KERR_UNREACHABLE || e == KERR_NOMEM;
    if (!ok)
        rnd_bad_result++;
}

TEST(random_interleavings_complete_exactly_once)
{
    net_boot_static();
    learn_peers();
    static net_udp_sock_t socks[RND_SOCKS];
    for (int i = 0; i < RND_SOCKS; i++)
        CHECK_EQ(net_udp_open(&socks[i], (uint16_t)(1000 + i)), KERR_OK);
    memset(rnd, 0, sizeof rnd);
    rnd_bad_result = 0;
    int submitted = 0, completed = 0;
    for (int step = 0; step < 3000; step++) {
        struct rnd_req *q = &rnd[test_rand() % RND_REQS];
        net_udp_sock_t *s = &socks[test_rand() % RND_SOCKS];
        uint8_t f[200];
        switch (test_rand() % 8) {
        case 0: case 1: /* submit a receive or a send */
            if (q->live)
                break;
            net_udp_req_init(&q->r, (test_rand() & 1) ? KOP_UDP_RECV
                                                       : KOP_UDP_SEND,
                             s, q->buf, 1 + test_rand() % 32, rnd_done, q);
            q->r.peer = (net_addr_t){(test_rand() & 1) ? PEER_IP
                                                       : NET_IP4(10, 0, 0, 99),
                                     9};
            if (test_rand() & 1)
                q->r.work.deadline = ktime_now() + test_rand() % (3 * KTIME_S);
            if (ksubmit(&q->r.work) == KERR_OK) {
                q->live = 1;
                submitted++;
            }
            break;
        case 2:
            if (q->live)
                kcancel(&q->r.work);
            break;
        case 3: case 4: {
            uint16_t len = (uint16_t)(test_rand() % 40);
            fake_net_inject(f, mk_udp(f, 7, (uint16_t)(1000 + test_rand() % 4),
                                      "0123456789012345678901234567890123456789",
                                      len));
            break;
        }
        case 5:
            fake_run(test_rand() % (1500 * KTIME_MS));
            break;
        case 6:
            if (test_rand() % 8 == 0) {
                uint16_t port = s->port;
                net_udp_close(s);
                CHECK_EQ(net_udp_open(s, port), KERR_OK);
            }
            break;
        default:
            fake_settle();
        }
        CHECK(net_udp_backlog_len(s) <= NET_UDP_BACKLOG);
    }
    for (int i = 0; i < RND_SOCKS; i++)
        net_udp_close(&socks[i]);
    fake_run(10 * KTIME_S);
    for (int i = 0; i < RND_REQS; i++) {
        CHECK_EQ(rnd[i].live, 0);
        completed += rnd[i].completions;
    }
    CHECK_EQ(completed, submitted);
    CHECK_EQ(rnd_bad_result, 0);
    CHECK(submitted > 500);
}
