/* Pure parsers and builders of the IP stack: checksum, boot-argument
 * parsing, IPv4 header validation, ARP, DHCP and DNS wire formats. */
#include <string.h>

#include "net/arp.h"
#include "net/cksum.h"
#include "net/config.h"
#include "net/dhcp.h"
#include "net/dns.h"
#include "net/ip.h"
#include "net/wire.h"
#include "tests/unit/test.h"

TEST(cksum_rfc1071_example)
{
    /* RFC 1071 section 3: the sum of these words is 0xddf2. */
    const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK_EQ(net_cksum(b, sizeof b), (uint16_t)~0xddf2);
    uint8_t c[10];
    memcpy(c, b, 8);
    net_put16(c + 8, net_cksum(b, 8));
    CHECK_EQ(net_cksum(c, 10), 0);
    /* Odd length pads with a zero byte. */
    const uint8_t o[] = {0x12, 0x34, 0x56};
    CHECK_EQ(net_cksum(o, 3), (uint16_t)~(0x1234 + 0x5600));
}

TEST(parse_ip_and_cidr)
{
    uint32_t ip, mask;
    CHECK_EQ(net_parse_ip("10.0.2.15", 0, &ip), 0);
    CHECK_EQ(ip, NET_IP4(10, 0, 2, 15));
    CHECK_EQ(net_parse_ip("255.255.255.255", 0, &ip), 0);
    CHECK_EQ(net_parse_ip("256.1.1.1", 0, &ip), -1);
    CHECK_EQ(net_parse_ip("1.2.3", 0, &ip), -1);
    CHECK_EQ(net_parse_ip("1.2.3.4.5", 0, &ip), -1);
    CHECK_EQ(net_parse_ip("1.2.3.4x", 0, &ip), -1);
    CHECK_EQ(net_parse_ip("1..3.4", 0, &ip), -1);
    CHECK_EQ(net_parse_ip("0001.2.3.4", 0, &ip), -1);
    CHECK_EQ(net_parse_ip("", 0, &ip), -1);
    CHECK_EQ(net_parse_cidr("192.168.1.9/16", &ip, &mask), 0);
    CHECK_EQ(ip, NET_IP4(192, 168, 1, 9));
    CHECK_EQ(mask, NET_IP4(255, 255, 0, 0));
    CHECK_EQ(net_parse_cidr("192.168.1.9", &ip, &mask), 0);
    CHECK_EQ(mask, NET_IP4(255, 255, 255, 0));
    CHECK_EQ(net_parse_cidr("10.1.1.1/32", &ip, &mask), 0);
    CHECK_EQ(mask, 0xffffffffu);
    CHECK_EQ(net_parse_cidr("10.1.1.1/33", &ip, &mask), -1);
    CHECK_EQ(net_parse_cidr("10.1.1.1/", &ip, &mask), -1);
    CHECK_EQ(net_parse_cidr("10.1.1.1/2x", &ip, &mask), -1);
    uint32_t l[3];
    CHECK_EQ(net_parse_ip_list("1.1.1.1,8.8.4.4", l, 3), 2);
    CHECK_EQ(l[1], NET_IP4(8, 8, 4, 4));
    CHECK_EQ(net_parse_ip_list("1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4", l, 3), -1);
    CHECK_EQ(net_parse_ip_list("1.1.1.1,,2.2.2.2", l, 3), -1);
}

TEST(ip_header_validation)
{
    uint8_t p[40] = {0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 17};
    net_put32(p + 12, NET_IP4(10, 0, 0, 1));
    net_put32(p + 16, NET_IP4(10, 0, 0, 2));
    net_put16(p + 10, net_cksum(p, 20));
    net_ip_hdr_t h;
    CHECK_EQ(net_ip_parse(p, 28, &h), NET_IP_OK);
    CHECK_EQ(h.hlen, 20);
    CHECK_EQ(h.total, 28);
    CHECK_EQ(h.proto, 17);
    CHECK_EQ(net_ip_parse(p, 40, &h), NET_IP_OK); /* padding ignored */
    CHECK_EQ(net_ip_parse(p, 27, &h), NET_IP_LEN);
    CHECK_EQ(net_ip_parse(p, 19, &h), NET_IP_SHORT);
    p[0] = 0x46; /* IHL 6 with 20 bytes present but a bad checksum */
    CHECK_EQ(net_ip_parse(p, 20, &h), NET_IP_SHORT);
    CHECK_EQ(net_ip_parse(p, 28, &h), NET_IP_CKSUM);
    p[0] = 0x45;
    p[5] = 2;
    CHECK_EQ(net_ip_parse(p, 28, &h), NET_IP_CKSUM);
}

TEST(arp_parse_rejects_other_hardware)
{
    net_arp_pkt_t a = {.op = NET_ARP_REQUEST, .spa = 1, .tpa = 2}, b;
    uint8_t p[28];
    net_arp_build(p, &a);
    CHECK_EQ(net_arp_parse(p, 28, &b), 0);
    CHECK_EQ(b.spa, 1);
    CHECK_EQ(net_arp_parse(p, 27, &b), -1);
    p[4] = 8;
    CHECK_EQ(net_arp_parse(p, 28, &b), -1);
    p[4] = 6;
    p[7] = 9; /* op 9 */
    CHECK_EQ(net_arp_parse(p, 28, &b), -1);
}

static const uint8_t mac[6] = {0x52, 0x54, 0, 1, 2, 3};

TEST(dhcp_build_discover_and_request)
{
    uint8_t p[NET_DHCP_MIN_LEN];
    uint32_t n = net_dhcp_build(p, NET_DHCP_DISCOVER, 0xdeadbeef, mac, 0, 0, 0);
    CHECK_EQ(n, NET_DHCP_MIN_LEN);
    CHECK_EQ(p[0], 1);
    CHECK_EQ(net_get32(p + 4), 0xdeadbeef);
    CHECK_EQ(net_get16(p + 10), 0x8000); /* broadcast flag */
    CHECK(memcmp(p + 28, mac, 6) == 0);
    CHECK_EQ(net_get32(p + 236), 0x63825363);
    CHECK_EQ(p[240], 53);
    CHECK_EQ(p[242], NET_DHCP_DISCOVER);
    n = net_dhcp_build(p, NET_DHCP_REQUEST, 7, mac, 0, NET_IP4(10, 0, 0, 9),
                       NET_IP4(10, 0, 0, 1));
    CHECK_EQ(p[243], 50);
    CHECK_EQ(net_get32(p + 245), NET_IP4(10, 0, 0, 9));
    CHECK_EQ(p[249], 54);
    CHECK_EQ(net_get32(p + 251), NET_IP4(10, 0, 0, 1));
    n = net_dhcp_build(p, NET_DHCP_REQUEST, 7, mac, NET_IP4(10, 0, 0, 9), 0, 0);
    CHECK_EQ(net_get16(p + 10), 0); /* renewing: unicast */
    CHECK_EQ(net_get32(p + 12), NET_IP4(10, 0, 0, 9));
    (void)n;
}

/* A server reply with the given options (already encoded). */
static uint32_t mk_reply(uint8_t *p, uint32_t xid, const uint8_t *opts,
                         uint32_t olen)
{
    memset(p, 0, 240);
    p[0] = 2;
    p[1] = 1;
    p[2] = 6;
    net_put32(p + 4, xid);
    net_put32(p + 16, NET_IP4(10, 0, 0, 50));
    memcpy(p + 28, mac, 6);
    net_put32(p + 236, 0x63825363);
    memcpy(p + 240, opts, olen);
    return 240 + olen;
}

TEST(dhcp_parse_offer)
{
    const uint8_t opts[] = {
        53, 1, 2, 0, 0, /* pads are skipped */
        1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1,
        6, 8, 10, 0, 0, 53, 10, 0, 0, 54, 51, 4, 0, 0, 0x0e, 0x10,
        54, 4, 10, 0, 0, 1, 58, 4, 0, 0, 0, 100, 255};
    uint8_t p[400];
    net_dhcp_msg_t m;
    uint32_t n = mk_reply(p, 42, opts, sizeof opts);
    CHECK_EQ(net_dhcp_parse(p, n, &m), 0);
    CHECK_EQ(m.op, 2);
    CHECK_EQ(m.type, NET_DHCP_OFFER);
    CHECK_EQ(m.xid, 42);
    CHECK_EQ(m.yiaddr, NET_IP4(10, 0, 0, 50));
    CHECK_EQ(m.mask, NET_IP4(255, 255, 255, 0));
    CHECK_EQ(m.router, NET_IP4(10, 0, 0, 1));
    CHECK_EQ(m.ndns, 2);
    CHECK_EQ(m.dns[1], NET_IP4(10, 0, 0, 54));
    CHECK_EQ(m.lease, 3600);
    CHECK_EQ(m.server_id, NET_IP4(10, 0, 0, 1));
    CHECK_EQ(m.t1, 100);
    /* An option running past the end is malformed. */
    const uint8_t bad[] = {53, 1, 2, 6, 200, 1, 2};
    n = mk_reply(p, 42, bad, sizeof bad);
    CHECK_EQ(net_dhcp_parse(p, n, &m), -1);
    /* No message type: not DHCP. */
    const uint8_t none[] = {1, 4, 255, 255, 255, 0, 255};
    n = mk_reply(p, 42, none, sizeof none);
    CHECK_EQ(net_dhcp_parse(p, n, &m), -1);
    /* Bad cookie. */
    n = mk_reply(p, 42, opts, sizeof opts);
    p[236] = 0;
    CHECK_EQ(net_dhcp_parse(p, n, &m), -1);
    CHECK_EQ(net_dhcp_parse(p, 100, &m), -1);
}

TEST(dns_query_encoding)
{
    uint8_t p[512];
    uint32_t n = net_dns_build_query(p, sizeof p, 0xabcd, "www.Example.com.");
    const uint8_t want[] = {0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                            3, 'w', 'w', 'w', 7, 'E', 'x', 'a', 'm', 'p',
                            'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
    CHECK_EQ(n, sizeof want);
    CHECK(memcmp(p, want, sizeof want) == 0);
    CHECK_EQ(net_dns_build_query(p, sizeof p, 1, ""), 0);
    CHECK_EQ(net_dns_build_query(p, sizeof p, 1, "."), 0);
    CHECK_EQ(net_dns_build_query(p, sizeof p, 1, "a..b"), 0);
    CHECK_EQ(net_dns_build_query(p, sizeof p, 1, ".a"), 0);
    CHECK_EQ(net_dns_build_query(p, sizeof p, 1, "a b"), 0);
    CHECK_EQ(net_dns_build_query(p, 20, 1, "example.com"), 0);
    char label[70];
    memset(label, 'x', 64);
    label[64] = 0;
    CHECK_EQ(net_dns_build_query(p, sizeof p, 1, label), 0);
    label[63] = 0;
    CHECK(net_dns_build_query(p, sizeof p, 1, label) > 0);
    char longname[300];
    for (int i = 0; i < 127; i++) {
        longname[2 * i] = 'a';
        longname[2 * i + 1] = '.';
    }
    longname[254] = 0; /* 254 characters with the trailing dot: 253 */
    CHECK(net_dns_build_query(p, sizeof p, 1, longname) > 0);
    longname[254] = 'a';
    longname[255] = 0;
    CHECK_EQ(net_dns_build_query(p, sizeof p, 1, longname), 0);
}

/* A response to query (id, name): header with (flags) and (an) answers,
 * the question, then (rrs) appended raw. */
static uint32_t mk_resp(uint8_t *p, uint16_t id, uint16_t flags,
                        const char *name, uint16_t an, const uint8_t *rrs,
                        uint32_t rlen)
{
    uint32_t n = net_dns_build_query(p, 512, id, name);
    net_put16(p + 2, flags);
    net_put16(p + 6, an);
    if (rlen)
        memcpy(p + n, rrs, rlen);
    return n + rlen;
}

TEST(dns_parse_answers)
{
    /* Two A records for the question name via a pointer to offset 12. */
    const uint8_t rrs[] = {
        0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 100, 0, 4, 10, 9, 0, 1,
        0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 50, 0, 4, 10, 9, 0, 2};
    uint8_t p[512];
    net_dns_answer_t a;
    uint32_t n = mk_resp(p, 7, 0x8180, "host.test", 2, rrs, sizeof rrs);
    CHECK_EQ(net_dns_parse(p, n, 7, "HOST.test.", &a), 0);
    CHECK_EQ(a.rcode, 0);
    CHECK_EQ(a.count, 2);
    CHECK_EQ(a.addrs[0], NET_IP4(10, 9, 0, 1));
    CHECK_EQ(a.addrs[1], NET_IP4(10, 9, 0, 2));
    CHECK_EQ(a.ttl, 50);
    CHECK_EQ(net_dns_parse(p, n, 8, "host.test", &a), -1);   /* id */
    CHECK_EQ(net_dns_parse(p, n, 7, "other.test", &a), -1);  /* question */
    CHECK_EQ(net_dns_parse(p, n - 1, 7, "host.test", &a), -1); /* cut */
    net_put16(p + 2, 0x0100); /* not a response */
    CHECK_EQ(net_dns_parse(p, n, 7, "host.test", &a), -1);
}

TEST(dns_parse_follows_cname_in_any_order)
{
    /* host.test CNAME real.test; the A record for real.test comes first,
     * plus an A record for an unrelated name that must be ignored. */
    const uint8_t rrs[] = {
        4, 'r', 'e', 'a', 'l', 0xc0, 17, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4,
        10, 1, 2, 3,
        0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 7,
        4, 'r', 'e', 'a', 'l', 0xc0, 17,
        5, 'o', 't', 'h', 'e', 'r', 0xc0, 17, 0, 1, 0, 1, 0, 0, 0, 60,
        0, 4, 6, 6, 6, 6};
    uint8_t p[512];
    net_dns_answer_t a;
    uint32_t n = mk_resp(p, 9, 0x8180, "host.test", 3, rrs, sizeof rrs);
    CHECK_EQ(net_dns_parse(p, n, 9, "host.test", &a), 0);
    CHECK_EQ(a.count, 1);
    CHECK_EQ(a.addrs[0], NET_IP4(10, 1, 2, 3));
    CHECK_EQ(a.ttl, 30);
}

TEST(dns_parse_nxdomain_and_malformed)
{
    uint8_t p[512];
    net_dns_answer_t a;
    uint32_t n = mk_resp(p, 3, 0x8183, "nope.test", 0, 0, 0);
    CHECK_EQ(net_dns_parse(p, n, 3, "nope.test", &a), 0);
    CHECK_EQ(a.rcode, 3);
    CHECK_EQ(a.count, 0);
    /* A compression loop. */
    const uint8_t loop[] = {0xc0, 29, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4};
    n = mk_resp(p, 3, 0x8180, "a.test", 1, loop, sizeof loop);
    /* offset 24 is where the record starts: point it at itself */
    p[24] = 0xc0;
    p[25] = 24;
    CHECK_EQ(net_dns_parse(p, n, 3, "a.test", &a), -1);
    /* rdlength past the end. */
    const uint8_t cut[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 9, 1, 2, 3, 4};
    n = mk_resp(p, 3, 0x8180, "a.test", 1, cut, sizeof cut);
    CHECK_EQ(net_dns_parse(p, n, 3, "a.test", &a), -1);
    /* An A record with the wrong length is skipped, not trusted. */
    const uint8_t odd[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3};
    n = mk_resp(p, 3, 0x8180, "a.test", 1, odd, sizeof odd);
    CHECK_EQ(net_dns_parse(p, n, 3, "a.test", &a), 0);
    CHECK_EQ(a.count, 0);
    /* Truncated flag reported. */
    n = mk_resp(p, 3, 0x8380, "a.test", 0, 0, 0);
    CHECK_EQ(net_dns_parse(p, n, 3, "a.test", &a), 0);
    CHECK_EQ(a.truncated, 1);
}
