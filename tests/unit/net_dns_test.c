/* The DNS resolver service on the fake frame device: answers, the cache,
 * NXDOMAIN, retries across servers, SERVFAIL, spoofed replies, cancel,
 * deadlines, queueing beyond the query slots, and waiting for DHCP. */
#include "tests/unit/net_test_util.h"

#include "mote/ktime.h"
#include "net/dns.h"

#define DNS1 NET_IP4(10, 0, 0, 53)
#define DNS2 NET_IP4(10, 0, 0, 54)
static const uint8_t dns1_mac[6] = {0x02, 0, 0, 0, 0, 0x53};
static const uint8_t dns2_mac[6] = {0x02, 0, 0, 0, 0, 0x54};

static int done_count;
static void on_done(kwork_t *w)
{
    (void)w;
    done_count++;
}

static void boot_dns(void)
{
    net_boot("ip=10.0.0.2/24 gw=10.0.0.1 dns=10.0.0.53,10.0.0.54");
    uint8_t f[64];
    static const uint8_t zero[6];
    fake_net_inject(f, mk_arp(f, NET_ARP_REQUEST, dns1_mac, DNS1, zero, US_IP));
    fake_net_inject(f, mk_arp(f, NET_ARP_REQUEST, dns2_mac, DNS2, zero, US_IP));
    fake_settle();
    fake_net_clear_sent();
    done_count = 0;
}

typedef struct query {
    uint32_t dst;
    uint16_t sport, id;
    int ok;
    char name[64]; /* the question, dotted */
} query_t;

/* The (k)th DNS query sent (in order), or ok = 0. */
static query_t query_sent(int k)
{
    query_t q = {0};
    for (int i = 0; i < fake_net_sent_count(); i++) {
        uint32_t len;
        const uint8_t *f = fake_net_sent(i, &len);
        if (net_get16(f + 12) != NET_ETHERTYPE_IP || f[23] != 17 ||
            net_get16(f + 36) != 53 || k-- != 0)
            continue;
        q.ok = ip_frame_ok(f, len);
        q.dst = net_get32(f + 30);
        q.sport = net_get16(f + 34);
        q.id = net_get16(f + 42);
        size_t o = 0;
        for (const uint8_t *l = f + 54; *l && o + *l + 1 < sizeof q.name;
             l += 1 + *l) {
            if (o)
                q.name[o++] = '.';
            memcpy(q.name + o, l + 1, *l);
            o += *l;
        }
        q.name[o] = 0;
    }
    return q;
}

static int queries(void)
{
    int c = 0;
    for (int i = 0; i < fake_net_sent_count(); i++) {
        uint32_t len;
        const uint8_t *f = fake_net_sent(i, &len);
        c += net_get16(f + 12) == NET_ETHERTYPE_IP && f[23] == 17 &&
             net_get16(f + 36) == 53;
    }
    return c;
}

/* Answer query (q) for (name) from server (src) with rcode (rc) and, if
 * (ip), one A record with TTL (ttl). */
static void answer_from(uint32_t src, const query_t *q, const char *name,
                        int rc, uint32_t ip, uint32_t ttl)
{
    uint8_t d[512], f[600];
    uint32_t n = net_dns_build_query(d, sizeof d, q->id, name);
    net_put16(d + 2, (uint16_t)(0x8180 | rc));
    if (ip) {
        const uint8_t rr[] = {0xc0, 12, 0, 1, 0, 1};
        net_put16(d + 6, 1);
        memcpy(d + n, rr, 6);
        net_put32(d + n + 6, ttl);
        net_put16(d + n + 10, 4);
        net_put32(d + n + 12, ip);
        n += 16;
    }
    const uint8_t *mac = src == DNS2 ? dns2_mac : dns1_mac;
    fake_net_inject(f, mk_udp_from(f, mac, src, 53, US_IP, q->sport, d,
                                   (uint16_t)n));
    fake_settle();
}

static void answer(const query_t *q, const char *name, int rc, uint32_t ip,
                   uint32_t ttl)
{
    answer_from(q->dst, q, name, rc, ip, ttl);
}

TEST(resolves_and_caches)
{
    boot_dns();
    net_dns_req_t r;
    net_dns_req_init(&r, "host.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    query_t q = query_sent(0);
    CHECK(q.ok);
    CHECK_EQ(q.dst, DNS1);
    CHECK(q.sport >= NET_UDP_EPHEMERAL_LO);
    answer(&q, "host.test", 0, NET_IP4(10, 9, 8, 7), 300);
    CHECK_EQ(done_count, 1);
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK_EQ(r.count, 1);
    CHECK_EQ(r.addrs[0], NET_IP4(10, 9, 8, 7));
    CHECK_EQ(r.ttl, 300);
    /* Again, later: from the cache, no query, TTL counting down. */
    fake_run(100 * KTIME_S);
    net_dns_req_init(&r, "HOST.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(done_count, 2);
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK_EQ(r.addrs[0], NET_IP4(10, 9, 8, 7));
    CHECK_EQ(r.ttl, 200);
    CHECK_EQ(queries(), 1);
    CHECK_EQ(net_stats.dns_cache_hit, 1);
    /* After the TTL it asks again (the server's MAC has aged out of the
     * ARP cache by then too). */
    fake_run(201 * KTIME_S);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    uint8_t f[64];
    fake_net_inject(f, mk_arp(f, NET_ARP_REPLY, dns1_mac, DNS1, us_mac, US_IP));
    fake_settle();
    CHECK_EQ(queries(), 2);
}

TEST(nxdomain_is_not_found)
{
    boot_dns();
    net_dns_req_t r;
    net_dns_req_init(&r, "nope.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    query_t q = query_sent(0);
    answer(&q, "nope.test", 3, 0, 0);
    CHECK_EQ(done_count, 1);
    CHECK_EQ(r.work.result, KERR_NOT_FOUND);
}

TEST(retries_across_servers_then_times_out)
{
    boot_dns();
    net_dns_req_t r;
    net_dns_req_init(&r, "slow.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(queries(), 1);
    fake_run(KTIME_S + 1);
    CHECK_EQ(queries(), 2);
    CHECK_EQ(query_sent(1).dst, DNS2);
    CHECK_EQ(query_sent(1).id, query_sent(0).id);
    fake_run(KTIME_S);
    CHECK_EQ(queries(), 3);
    CHECK_EQ(query_sent(2).dst, DNS1);
    fake_run(2 * KTIME_S); /* second round: 2 s per try */
    CHECK_EQ(queries(), 4);
    CHECK_EQ(query_sent(3).dst, DNS2);
    CHECK_EQ(done_count, 0);
    fake_run(2 * KTIME_S);
    CHECK_EQ(done_count, 1);
    CHECK_EQ(r.work.result, KERR_TIMEOUT);
    CHECK_EQ(queries(), 4);
}

TEST(answer_to_a_retry_is_taken)
{
    boot_dns();
    net_dns_req_t r;
    net_dns_req_init(&r, "lossy.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_run(KTIME_S + 1);
    query_t q = query_sent(1);
    CHECK_EQ(q.dst, DNS2);
    answer(&q, "lossy.test", 0, NET_IP4(1, 2, 3, 4), 60);
    CHECK_EQ(done_count, 1);
    CHECK_EQ(r.work.result, KERR_OK);
}

TEST(servfail_moves_to_next_server)
{
    boot_dns();
    net_dns_req_t r;
    net_dns_req_init(&r, "sf.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    query_t q = query_sent(0);
    answer(&q, "sf.test", 2, 0, 0);
    CHECK_EQ(done_count, 0);
    CHECK_EQ(queries(), 2);
    q = query_sent(1);
    CHECK_EQ(q.dst, DNS2);
    answer(&q, "sf.test", 0, NET_IP4(5, 6, 7, 8), 60);
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK_EQ(r.addrs[0], NET_IP4(5, 6, 7, 8));
}

TEST(spoofed_answers_are_ignored)
{
    boot_dns();
    net_dns_req_t r;
    net_dns_req_init(&r, "sp.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    query_t q = query_sent(0), bad = q;
    answer_from(PEER_IP, &q, "sp.test", 0, NET_IP4(6, 6, 6, 6), 60);
    bad.id = (uint16_t)(q.id + 1);
    answer(&bad, "sp.test", 0, NET_IP4(6, 6, 6, 6), 60);
    answer(&q, "other.test", 0, NET_IP4(6, 6, 6, 6), 60);
    CHECK_EQ(done_count, 0);
    CHECK_EQ(net_stats.dns_drop_bad, 3);
    answer(&q, "sp.test", 0, NET_IP4(7, 7, 7, 7), 60);
    CHECK_EQ(r.addrs[0], NET_IP4(7, 7, 7, 7));
}

TEST(cancel_deadline_invalid_and_literal)
{
    boot_dns();
    net_dns_req_t r;
    net_dns_req_init(&r, "c.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(kcancel(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(r.work.result, KERR_CANCELLED);
    /* A late answer to the cancelled query changes nothing. */
    query_t q = query_sent(0);
    answer(&q, "c.test", 0, NET_IP4(1, 1, 1, 1), 60);
    CHECK_EQ(done_count, 1);
    r.work.deadline = ktime_now() + 500 * KTIME_MS;
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_run(KTIME_S);
    CHECK_EQ(done_count, 2);
    CHECK_EQ(r.work.result, KERR_TIMEOUT);
    net_dns_req_init(&r, "bad name", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_INVALID);
    net_dns_req_init(&r, "192.0.2.9", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK_EQ(r.addrs[0], NET_IP4(192, 0, 2, 9));
}

TEST(more_lookups_than_slots_wait_their_turn)
{
    boot_dns();
    enum { N = NET_DNS_QUERIES + 3 };
    static net_dns_req_t r[N];
    static char names[N][16];
    for (int i = 0; i < N; i++) {
        names[i][0] = (char)('a' + i);
        memcpy(names[i] + 1, ".test", 6);
        net_dns_req_init(&r[i], names[i], on_done, 0);
        CHECK_EQ(ksubmit(&r[i].work), KERR_OK);
    }
    fake_settle();
    CHECK_EQ(queries(), NET_DNS_QUERIES);
    for (int k = 0; k < N; k++) {
        query_t q = query_sent(k);
        CHECK(q.ok);
        answer(&q, names[k], 0, NET_IP4(10, 1, 1, k + 1), 60);
        CHECK_EQ(r[k].work.result, KERR_OK);
        CHECK_EQ(r[k].addrs[0], NET_IP4(10, 1, 1, k + 1));
    }
    CHECK_EQ(done_count, N);
}

TEST(no_server_is_unreachable)
{
    net_boot("ip=10.0.0.2/24");
    done_count = 0;
    net_dns_req_t r;
    net_dns_req_init(&r, "x.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(done_count, 1);
    CHECK_EQ(r.work.result, KERR_UNREACHABLE);
}

TEST(waits_for_an_address_then_resolves)
{
    net_boot("dhcp_wait=2");
    done_count = 0;
    net_dns_req_t r;
    net_dns_req_init(&r, "late.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_run(KTIME_S);
    CHECK_EQ(done_count, 0);
    CHECK_EQ(queries(), 0);
    fake_net_clear_sent();
    fake_run(1500 * KTIME_MS); /* static fallback: DNS 10.0.2.3 */
    CHECK_EQ(net_if.ip, NET_IP4(10, 0, 2, 15));
    /* The query now waits on ARP for the server. */
    int asked = 0;
    for (int i = 0; i < fake_net_sent_count(); i++) {
        uint32_t len;
        const uint8_t *f = fake_net_sent(i, &len);
        net_arp_pkt_t a;
        if (net_get16(f + 12) == NET_ETHERTYPE_ARP &&
            net_arp_parse(f + 14, len - 14, &a) == 0 &&
            a.tpa == NET_IP4(10, 0, 2, 3))
            asked = 1;
    }
    CHECK(asked);
    uint8_t f[64];
    fake_net_inject(f, mk_arp(f, NET_ARP_REPLY, dns1_mac, NET_IP4(10, 0, 2, 3),
                              us_mac, NET_IP4(10, 0, 2, 15)));
    fake_settle();
    query_t q = {0};
    for (int k = 0; k < 8; k++) {
        query_t t = query_sent(k);
        if (t.ok && t.dst == NET_IP4(10, 0, 2, 3))
            q = t;
    }
    CHECK(q.ok);
    uint8_t d[512], g[600];
    uint32_t n = net_dns_build_query(d, sizeof d, q.id, "late.test");
    net_put16(d + 2, 0x8180);
    net_put16(d + 6, 1);
    const uint8_t rr[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 10, 0, 2, 99};
    memcpy(d + n, rr, sizeof rr);
    fake_net_inject(g, mk_udp_from(g, dns1_mac, NET_IP4(10, 0, 2, 3), 53,
                                   NET_IP4(10, 0, 2, 15), q.sport, d,
                                   (uint16_t)(n + sizeof rr)));
    fake_settle();
    CHECK_EQ(done_count, 1);
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK_EQ(r.addrs[0], NET_IP4(10, 0, 2, 99));
}

TEST(port_unreachable_moves_to_next_server_at_once)
{
    boot_dns();
    net_dns_req_t r;
    net_dns_req_init(&r, "icmp.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(queries(), 1);
    /* DNS1 answers with an ICMP port unreachable quoting our query. */
    const uint8_t *sent = NULL;
    for (int i = 0; i < fake_net_sent_count(); i++) {
        uint32_t len;
        const uint8_t *f = fake_net_sent(i, &len);
        if (net_get16(f + 12) == NET_ETHERTYPE_IP && f[23] == 17)
            sent = f;
    }
    CHECK(sent != NULL);
    if (!sent)
        return;
    uint8_t f[128];
    memcpy(f, us_mac, 6);
    memcpy(f + 6, dns1_mac, 6);
    net_put16(f + 12, NET_ETHERTYPE_IP);
    uint8_t *m = f + 34;
    memset(m, 0, 8);
    m[0] = 3;
    m[1] = 3;
    memcpy(m + 8, sent + 14, 28);
    net_put16(m + 2, net_cksum(m, 36));
    uint8_t ip[20] = {0x45, 0, 0, 56, 0, 9, 0, 0, 64, 1};
    net_put32(ip + 12, DNS1);
    net_put32(ip + 16, US_IP);
    net_put16(ip + 10, net_cksum(ip, 20));
    memcpy(f + 14, ip, 20);
    fake_net_inject(f, 14 + 20 + 36);
    fake_run(10 * KTIME_MS); /* far less than the 1 s attempt timeout */
    CHECK_EQ(queries(), 2);
    CHECK_EQ(query_sent(1).dst, DNS2);
    /* The same ICMP from a host we did not ask changes nothing. */
    net_put32(f + 14 + 12, PEER_IP);
    net_put16(f + 24, 0);
    net_put16(f + 24, net_cksum(f + 14, 20));
    fake_net_inject(f, 14 + 20 + 36);
    fake_run(10 * KTIME_MS);
    CHECK_EQ(queries(), 2);
    CHECK_EQ(done_count, 0);
}

/* Random lookups, cancels, deadlines, answers (right and wrong) and time:
 * every lookup completes exactly once with a sensible result, and slots
 * are reused safely. */
enum { RND_N = 8 };
static struct {
    net_dns_req_t r;
    char name[16];
    int live, completions;
} rl[RND_N];
static int rl_bad, rl_ok, rl_notfound;

static void rl_done(kwork_t *w)
{
    for (int i = 0; i < RND_N; i++) {
        if (&rl[i].r.work != w)
            continue;
        rl[i].live = 0;
        rl[i].completions++;
    }
    kerr_t e = w->result;
    rl_ok += e == KERR_OK;
    rl_notfound += e == KERR_NOT_FOUND;
    if (e != KERR_OK && e != KERR_TIMEOUT && e != KERR_CANCELLED &&
        e != KERR_NOT_FOUND)
        rl_bad++;
}

TEST(random_lookups_complete_exactly_once)
{
    boot_dns();
    memset(rl, 0, sizeof rl);
    rl_bad = rl_ok = rl_notfound = 0;
    int submitted = 0, completed = 0;
    for (int step = 0; step < 1500; step++) {
        int i = (int)(test_rand() % RND_N);
        switch (test_rand() % 5) {
        case 0:
            if (rl[i].live)
                break;
            rl[i].name[0] = (char)('a' + test_rand() % 12);
            memcpy(rl[i].name + 1, ".rnd", 5);
            net_dns_req_init(&rl[i].r, rl[i].name, rl_done, 0);
            if (test_rand() & 1)
                rl[i].r.work.deadline = ktime_now() + test_rand() % (4 * KTIME_S);
            if (ksubmit(&rl[i].r.work) == KERR_OK) {
                rl[i].live = 1;
                submitted++;
            }
            break;
        case 1:
            if (rl[i].live && test_rand() % 4 == 0)
                kcancel(&rl[i].r.work);
            break;
        case 2: { /* answer one of the recent queries, maybe wrongly */
            int n = queries();
            if (!n)
                break;
            query_t q = query_sent(n - 1 - (int)(test_rand() % (n < 4 ? n : 4)));
            char name[8] = {(char)('a' + test_rand() % 12), '.', 'r', 'n', 'd', 0};
            answer(&q, (test_rand() % 4) ? q.name : name,
                   (test_rand() % 3 == 0) ? 3 : 0,
                   NET_IP4(10, 7, 0, 1), (uint32_t)(test_rand() % 3));
            break;
        }
        case 3:
            fake_run(test_rand() % (1200 * KTIME_MS));
            break;
        default:
            fake_settle();
        }
        if (fake_net_sent_count() > 200)
            fake_net_clear_sent();
    }
    fake_run(30 * KTIME_S);
    for (int i = 0; i < RND_N; i++) {
        CHECK_EQ(rl[i].live, 0);
        completed += rl[i].completions;
    }
    CHECK_EQ(completed, submitted);
    CHECK_EQ(rl_bad, 0);
    CHECK(submitted > 50);
    CHECK(rl_ok > 0);       /* the run exercised answers... */
    CHECK(rl_notfound > 0); /* ...and NXDOMAIN */
}

TEST(literal_needs_no_server)
{
    net_boot("ip=10.0.0.2/24");
    done_count = 0;
    net_dns_req_t r;
    net_dns_req_init(&r, "10.1.2.3", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK_EQ(r.count, 1);
    CHECK_EQ(r.addrs[0], NET_IP4(10, 1, 2, 3));
}

TEST(socket_table_full)
{
    boot_dns();
    static net_udp_sock_t s[NET_UDP_SOCKETS + 1];
    for (int i = 0; i < NET_UDP_SOCKETS; i++)
        CHECK_EQ(net_udp_open(&s[i], 0), KERR_OK);
    CHECK_EQ(net_udp_open(&s[NET_UDP_SOCKETS], 0), KERR_NOMEM);
    net_dns_req_t r;
    net_dns_req_init(&r, "full.test", on_done, 0);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(done_count, 1);
    CHECK_EQ(r.work.result, KERR_NOMEM);
    /* One socket closes: lookups work again. */
    net_udp_close(&s[3]);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(queries(), 1);
}
