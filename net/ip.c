/* net: IPv4 input and output (see ip.h). */
#include "net/ip.h"
#include "net/arp.h"
#include "net/cksum.h"
#include "net/icmp.h"
#include "net/stats.h"
#include "net/tun.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/wire.h"

static uint16_t ip_id;

net_ip_err_t net_ip_parse(const uint8_t *p, uint32_t len, net_ip_hdr_t *h)
{
    if (len < NET_IP_HLEN)
        return NET_IP_SHORT;
    if ((p[0] >> 4) != 4 || (p[0] & 15) < 5)
        return NET_IP_VERSION;
    h->hlen = (uint8_t)((p[0] & 15) * 4);
    if (h->hlen > len)
        return NET_IP_SHORT;
    if (net_cksum(p, h->hlen) != 0)
        return NET_IP_CKSUM;
    h->total = net_get16(p + 2);
    if (h->total < h->hlen || h->total > len)
        return NET_IP_LEN;
    h->id = net_get16(p + 4);
    h->frag = net_get16(p + 6);
    h->ttl = p[8];
    h->proto = p[9];
    h->src = net_get32(p + 12);
    h->dst = net_get32(p + 16);
    if (h->ttl == 0)
        return NET_IP_TTL0;
    /* MF set or a non-zero offset: part of a fragmented datagram. */
    if (h->frag & 0x3fff)
        return NET_IP_FRAG;
    return NET_IP_OK;
}

static void count_parse_error(net_ip_err_t e)
{
    switch (e) {
    case NET_IP_SHORT: NET_COUNT(ip_drop_short); break;
    case NET_IP_VERSION: NET_COUNT(ip_drop_version); break;
    case NET_IP_CKSUM: NET_COUNT(ip_drop_cksum); break;
    case NET_IP_LEN: NET_COUNT(ip_drop_len); break;
    case NET_IP_TTL0: NET_COUNT(ip_drop_ttl); break;
    case NET_IP_FRAG: NET_COUNT(ip_drop_frag); break;
    case NET_IP_OK: break;
    }
}

static bool ip_for_us(uint32_t dst)
{
    /* The tunnel's packets are for us only at its address, and its address
     * is reachable only through it (net/tun.h). */
    if (net_tun.rx_now)
        return dst == net_tun.ip;
    if (net_tun.ip && dst == net_tun.ip)
        return false;
    /* With no address yet (DHCP in progress) a server may unicast its
     * offer to the address it is about to give us: take everything. */
    return !net_if.ip || dst == net_if.ip || net_ip_is_broadcast(dst);
}

static bool ip_bad_src(uint32_t src)
{
    return (src >> 28) == 14 || (src >> 24) == 127 || src == NET_IP_BROADCAST ||
           (net_if.ip && net_ip_is_broadcast(src));
}

void net_ip_input(const uint8_t *p, uint32_t len, bool l2_bcast)
{
    net_ip_hdr_t h;
    net_ip_err_t e = net_ip_parse(p, len, &h);
    if (e != NET_IP_OK) {
        count_parse_error(e);
        return;
    }
    if (ip_bad_src(h.src)) {
        NET_COUNT(ip_drop_src);
        return;
    }
    if (!ip_for_us(h.dst)) {
        NET_COUNT(ip_drop_dst);
        return;
    }
    bool bcast = l2_bcast || net_ip_is_broadcast(h.dst);
    switch (h.proto) {
    case NET_IP_PROTO_ICMP:
        NET_COUNT(ip_rx);
        net_icmp_input(&h, p, bcast);
        break;
    case NET_IP_PROTO_UDP:
        NET_COUNT(ip_rx);
        net_udp_input(&h, p, bcast);
        break;
    case NET_IP_PROTO_TCP:
        if (!net_tcp_input(&h, p)) {
            NET_COUNT(ip_drop_proto);
            break;
        }
        NET_COUNT(ip_rx);
        break;
    default:
        NET_COUNT(ip_drop_proto);
    }
}

void net_tun_input(const uint8_t *p, uint32_t len)
{
    net_tun_stats.rx++;
    net_tun.rx_now = true;
    net_ip_input(p, len, false);
    net_tun.rx_now = false;
}

static uint32_t ip_nexthop(uint32_t dst)
{
    if (net_if.ip && (dst & net_if.mask) == (net_if.ip & net_if.mask))
        return dst;
    return net_if.gw;
}

kerr_t net_ip_output(net_txbuf_t *b, uint32_t src, uint32_t dst,
                     uint8_t proto, uint32_t payload_len)
{
    uint8_t *h = b->frame + NET_ETH_HLEN;
    uint16_t total = (uint16_t)(NET_IP_HLEN + payload_len);
    h[0] = 0x45;
    h[1] = 0;
    net_put16(h + 2, total);
    net_put16(h + 4, ip_id++);
    net_put16(h + 6, 0x4000); /* DF: we never fragment */
    h[8] = NET_IP_TTL;
    h[9] = proto;
    net_put16(h + 10, 0);
    net_put32(h + 12, src);
    net_put32(h + 16, dst);
    net_put16(h + 10, net_cksum(h, NET_IP_HLEN));
    b->len = (uint16_t)(NET_ETH_HLEN + total);
    if (net_tun.ip && src == net_tun.ip) { /* routed by source: tun.h */
        NET_COUNT(ip_tx);
        net_tun_stats.tx++;
        net_tun.output(b);
        return KERR_OK;
    }
    if (net_ip_is_broadcast(dst)) {
        NET_COUNT(ip_tx);
        net_eth_output(b, net_mac_broadcast, NET_ETHERTYPE_IP);
        return KERR_OK;
    }
    uint32_t hop = ip_nexthop(dst);
    if (!hop) {
        NET_COUNT(ip_drop_noroute);
        net_tx_free(b, KERR_UNREACHABLE);
        return KERR_UNREACHABLE;
    }
    NET_COUNT(ip_tx);
    net_arp_output(b, hop);
    return KERR_OK;
}
