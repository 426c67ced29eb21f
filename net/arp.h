/* net: ARP (RFC 826) for IPv4 over Ethernet.
 *
 * A bounded cache of NET_ARP_CACHE entries. A resolved entry lives for
 * net_arp_ttl (boot argument arp_ttl=SECONDS, default 60 s) and is then
 * resolved again on next use; when the cache is full the least recently used
 * resolved entry is evicted. An address being resolved is asked for every
 * NET_ARP_RETRY_MS, NET_ARP_TRIES times; packets for it wait in one bounded
 * queue (NET_ARP_QUEUE packets over all addresses). When it never answers,
 * the waiting packets are dropped and their UDP sends complete with
 * KERR_UNREACHABLE. Tick context only.
 */
#ifndef NET_ARP_H
#define NET_ARP_H

#include <stdint.h>
#include "net/netif.h"

#define NET_ARP_CACHE 16
#define NET_ARP_QUEUE 16
#define NET_ARP_TRIES 3
#define NET_ARP_RETRY_MS 1000
#define NET_ARP_LEN 28
#define NET_ARP_REQUEST 1
#define NET_ARP_REPLY 2

extern uint64_t net_arp_ttl; /* ns */

typedef struct net_arp_pkt {
    uint16_t op;
    uint8_t sha[6], tha[6];
    uint32_t spa, tpa;
} net_arp_pkt_t;

/* Parse an ARP packet for Ethernet/IPv4. 0 on success, -1 if malformed. */
int net_arp_parse(const uint8_t *p, uint32_t len, net_arp_pkt_t *out);

/* Write the 28-byte packet (a) at (p). */
void net_arp_build(uint8_t *p, const net_arp_pkt_t *a);

/* Handle a received ARP packet (frame payload). */
void net_arp_input(const uint8_t *p, uint32_t len);

/* Send (b), an IPv4 frame without its Ethernet header yet, to (nexthop):
 * now if the MAC is known, else after resolution. Consumes (b). */
void net_arp_output(net_txbuf_t *b, uint32_t nexthop);

/* Announce our address (gratuitous ARP request). */
void net_arp_announce(void);

/* Retries and timeouts due at (now); returns the next deadline or
 * UINT64_MAX. */
uint64_t net_arp_poll(uint64_t now);

/* Drop the queued packet owned by (r) without completing it (the kernel
 * does, for cancel and deadline). True if (r) was queued here. */
bool net_arp_forget(net_udp_req_t *r);

/* Drop every queued packet of socket (s), completing its sends with
 * KERR_CANCELLED. */
void net_arp_close_sock(net_udp_sock_t *s);

/* Look up (ip) without side effects: 1 and its MAC if resolved. */
int net_arp_lookup(uint32_t ip, uint8_t mac[6]);

/* Forget everything, queued packets included, without completing them:
 * start-up only (a test's reboot). */
void net_arp_reset(void);

#endif
