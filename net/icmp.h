/* net: ICMP (RFC 792): echo replies and port unreachables.
 *
 * Echo requests to our address get a reply carrying the same identifier,
 * sequence and data; those sent to a broadcast address are ignored (as
 * Linux does by default: no smurf amplifier). A UDP datagram for a port
 * with no socket gets a port unreachable, at most NET_ICMP_BURST at once
 * and NET_ICMP_RATE per second on average (a token bucket), and never in
 * answer to a broadcast. Other ICMP messages are counted and ignored.
 */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include <stdbool.h>
#include <stdint.h>
#include "mote/kerr.h"
#include "net/ip.h"

#define NET_ICMP_RATE 10
#define NET_ICMP_BURST 10

/* Handle the ICMP message in IP packet (p) with header (h). */
void net_icmp_input(const net_ip_hdr_t *h, const uint8_t *p, bool bcast);

/* Answer IP packet (p) (header (h)) with a port unreachable, if the rate
 * limit allows. */
void net_icmp_port_unreachable(const net_ip_hdr_t *h, const uint8_t *p);

typedef struct net_icmp_ping net_icmp_ping_t;
typedef void (*net_icmp_ping_fn)(net_icmp_ping_t *p);

struct net_icmp_ping {
    uint32_t dst;          /* in: the address to ping */
    uint16_t id, seq;      /* in: identifier and sequence number */
    const void *data;      /* in: payload, kept alive until the reply */
    uint32_t len;          /*     or the cancel (at most 1024 bytes) */
    net_icmp_ping_fn on_reply;
    void *ctx;
    uint64_t sent, rtt;    /* out: ktime_now() at send; reply - sent (ns) */
    net_icmp_ping_t *next; /* private: the waiting list */
};

/* Send an echo request for (p) and wait for its reply. KERR_INVALID (too
 * long, or p already waiting), KERR_NOMEM (no transmit buffer),
 * KERR_UNREACHABLE (no route, no address): then nothing waits. Success
 * means only that the request left; a tunnel with no peer for p->dst drops
 * it, and no reply ever comes. */
kerr_t net_icmp_ping_send(net_icmp_ping_t *p);

/* Stop waiting for (p)'s reply (no-op if it is not waiting). */
void net_icmp_ping_cancel(net_icmp_ping_t *p);

/* Refill the rate-limit bucket (tests). */
void net_icmp_reset(void);

#endif
