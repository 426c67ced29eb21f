/* Helpers shared by the tests/unit/net_*.c binaries: boot the stack on the
 * fake frame device, build frames as a peer would, and pick apart what the
 * stack sent. Everything is static: each test binary includes it once. */
#ifndef NET_TEST_UTIL_H
#define NET_TEST_UTIL_H

#include <string.h>

#include "mote/net.h"
#include "net/arp.h"
#include "net/cksum.h"
#include "net/icmp.h"
#include "net/ip.h"
#include "net/netif.h"
#include "net/stats.h"
#include "net/udp.h"
#include "net/wire.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

#define US_IP NET_IP4(10, 0, 0, 2)
#define PEER_IP NET_IP4(10, 0, 0, 7)
#define GW_IP NET_IP4(10, 0, 0, 1)

static const uint8_t us_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x07};
static const uint8_t gw_mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01};

__attribute__((unused)) static void net_boot(const char *cmdline)
{
    fake_boot(cmdline);
    fake_net_attach(us_mac);
    fake_start_layers();
    fake_settle();
}

/* Static configuration: us 10.0.0.2/24, gateway .1; sent frames cleared. */
__attribute__((unused)) static void net_boot_static(void)
{
    net_boot("ip=10.0.0.2/24 gw=10.0.0.1 dns=10.0.0.53");
    fake_net_clear_sent();
}

static void put_eth(uint8_t *f, const uint8_t *dst, const uint8_t *src,
                    uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    net_put16(f + 12, type);
}

/* An ARP packet from (sha, spa) in frame (f); returns the frame length. */
__attribute__((unused)) static uint32_t mk_arp(uint8_t *f, uint16_t op,
                                               const uint8_t *sha,
                                               uint32_t spa,
                                               const uint8_t *tha,
                                               uint32_t tpa)
{
    net_arp_pkt_t a = {.op = op, .spa = spa, .tpa = tpa};
    memcpy(a.sha, sha, 6);
    memcpy(a.tha, tha, 6);
    put_eth(f, op == NET_ARP_REQUEST ? net_mac_broadcast : tha, sha,
            NET_ETHERTYPE_ARP);
    net_arp_build(f + 14, &a);
    return 14 + 28;
}

/* IPv4 header at (ip) for (plen) bytes of payload, checksummed. */
static void put_ip(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto,
                   uint16_t plen)
{
    memset(ip, 0, 20);
    ip[0] = 0x45;
    net_put16(ip + 2, (uint16_t)(20 + plen));
    net_put16(ip + 4, 0x1234);
    ip[8] = 64;
    ip[9] = proto;
    net_put32(ip + 12, src);
    net_put32(ip + 16, dst);
    net_put16(ip + 10, net_cksum(ip, 20));
}

/* A UDP datagram from the peer (MAC, IP, port) to us; returns the frame
 * length. The checksum is correct. */
__attribute__((unused)) static uint32_t mk_udp_from(uint8_t *f,
                                                    const uint8_t *smac,
                                                    uint32_t src,
                                                    uint16_t sport,
                                                    uint32_t dst,
                                                    uint16_t dport,
                                                    const void *data,
                                                    uint16_t len)
{
    put_eth(f, dst == NET_IP_BROADCAST ? net_mac_broadcast : us_mac, smac,
            NET_ETHERTYPE_IP);
    uint8_t *u = f + 34;
    net_put16(u, sport);
    net_put16(u + 2, dport);
    net_put16(u + 4, (uint16_t)(8 + len));
    net_put16(u + 6, 0);
    memcpy(u + 8, data, len);
    uint32_t s = net_cksum_pseudo(src, dst, 17, (uint16_t)(8 + len));
    uint16_t c = net_cksum_fold(net_cksum_add(s, u, 8u + len));
    net_put16(u + 6, c ? c : 0xffff);
    put_ip(f + 14, src, dst, 17, (uint16_t)(8 + len));
    return 34 + 8u + len;
}

__attribute__((unused)) static uint32_t mk_udp(uint8_t *f, uint16_t sport,
                                               uint16_t dport,
                                               const void *data,
                                               uint16_t len)
{
    return mk_udp_from(f, peer_mac, PEER_IP, sport, US_IP, dport, data, len);
}

/* An ICMP echo request from the peer; returns the frame length. */
__attribute__((unused)) static uint32_t mk_ping(uint8_t *f, uint16_t id,
                                                uint16_t seq,
                                                const void *data,
                                                uint16_t len)
{
    put_eth(f, us_mac, peer_mac, NET_ETHERTYPE_IP);
    uint8_t *m = f + 34;
    m[0] = 8;
    m[1] = 0;
    net_put16(m + 2, 0);
    net_put16(m + 4, id);
    net_put16(m + 6, seq);
    memcpy(m + 8, data, len);
    net_put16(m + 2, net_cksum(m, 8u + len));
    put_ip(f + 14, PEER_IP, US_IP, 1, (uint16_t)(8 + len));
    return 34 + 8u + len;
}

/* Teach the stack the peer's and gateway's MACs, as their ARP requests
 * would; the replies are cleared. */
__attribute__((unused)) static void learn_peers(void)
{
    uint8_t f[64];
    static const uint8_t zero[6];
    fake_net_inject(f, mk_arp(f, NET_ARP_REQUEST, peer_mac, PEER_IP, zero,
                              US_IP));
    fake_net_inject(f, mk_arp(f, NET_ARP_REQUEST, gw_mac, GW_IP, zero,
                              US_IP));
    fake_settle();
    fake_net_clear_sent();
}

/* The last frame sent, or NULL. */
__attribute__((unused)) static const uint8_t *last_sent(uint32_t *len)
{
    int n = fake_net_sent_count();
    return n ? fake_net_sent(n - 1, len) : NULL;
}

/* Frames sent of ethertype (type) (and, for IP, protocol (proto) unless
 * 0), counted. */
__attribute__((unused)) static int count_sent(uint16_t type, uint8_t proto)
{
    int c = 0;
    for (int i = 0; i < fake_net_sent_count(); i++) {
        uint32_t len;
        const uint8_t *f = fake_net_sent(i, &len);
        if (net_get16(f + 12) == type && (!proto || f[23] == proto))
            c++;
    }
    return c;
}

/* True if the IPv4 frame (f, len) has valid IP and transport checksums. */
__attribute__((unused)) static int ip_frame_ok(const uint8_t *f, uint32_t len)
{
    if (len < 34 || net_get16(f + 12) != NET_ETHERTYPE_IP)
        return 0;
    const uint8_t *ip = f + 14;
    uint16_t total = net_get16(ip + 2);
    if (net_cksum(ip, 20) != 0 || 14u + total > len)
        return 0;
    const uint8_t *p = ip + 20;
    uint16_t plen = (uint16_t)(total - 20);
    if (ip[9] == 1)
        return net_cksum(p, plen) == 0;
    if (ip[9] == 17) {
        uint32_t s = net_cksum_pseudo(net_get32(ip + 12), net_get32(ip + 16),
                                      17, plen);
        return net_cksum_fold(net_cksum_add(s, p, plen)) == 0;
    }
    return 1;
}

#endif
