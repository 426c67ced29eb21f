/* net: IPv4 (RFC 791) input validation and output routing.
 *
 * Input checks, in order, each with its own drop counter: header present,
 * version 4 and IHL >= 5, header checksum, total length within the frame
 * (Ethernet padding past it is ignored), TTL non-zero, a unicast source,
 * a destination that is ours (or broadcast, or anything while we have no
 * address yet, which DHCP needs), and no fragmentation: fragments are
 * dropped and counted (docs/network.md says why). Options are skipped.
 * Protocols: ICMP, UDP and TCP (net/tcp.h).
 *
 * Output: we send 20-byte headers with TTL 64, DF set, a fresh ID per
 * packet. Routing is one subnet plus a default gateway.
 */
#ifndef NET_IP_H
#define NET_IP_H

#include <stdbool.h>
#include <stdint.h>
#include "mote/kerr.h"
#include "net/netif.h"

#define NET_IP_PROTO_ICMP 1
#define NET_IP_PROTO_UDP 17
#define NET_IP_TTL 64

typedef struct net_ip_hdr {
    uint8_t hlen;      /* header bytes, options included */
    uint8_t ttl, proto;
    uint16_t total;    /* header + payload, validated against the frame */
    uint16_t id, frag; /* flags and offset as on the wire */
    uint32_t src, dst;
} net_ip_hdr_t;

/* Why net_ip_parse rejected a packet (each maps to one counter). */
typedef enum net_ip_err {
    NET_IP_OK = 0,
    NET_IP_SHORT,
    NET_IP_VERSION,
    NET_IP_CKSUM,
    NET_IP_LEN,
    NET_IP_TTL0,
    NET_IP_FRAG,
} net_ip_err_t;

/* Validate the header of (p, len) into (h): pure, no counters. */
net_ip_err_t net_ip_parse(const uint8_t *p, uint32_t len, net_ip_hdr_t *h);

/* Handle one IPv4 packet from a frame; (l2_bcast) if it came to the
 * Ethernet broadcast address. */
void net_ip_input(const uint8_t *p, uint32_t len, bool l2_bcast);

/* Write an IPv4 header in front of the (payload_len) bytes already at
 * b->frame + NET_ETH_HLEN + NET_IP_HLEN, route it and send it. Consumes (b);
 * KERR_UNREACHABLE (and (b) freed with that result) if there is no route. */
kerr_t net_ip_output(net_txbuf_t *b, uint32_t src, uint32_t dst,
                     uint8_t proto, uint32_t payload_len);

/* Where the transport header goes in a transmit buffer. */
static inline uint8_t *net_ip_payload(net_txbuf_t *b)
{
    return b->frame + NET_ETH_HLEN + NET_IP_HLEN;
}

#endif
