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
#include "net/ip.h"

#define NET_ICMP_RATE 10
#define NET_ICMP_BURST 10

/* Handle the ICMP message in IP packet (p) with header (h). */
void net_icmp_input(const net_ip_hdr_t *h, const uint8_t *p, bool bcast);

/* Answer IP packet (p) (header (h)) with a port unreachable, if the rate
 * limit allows. */
void net_icmp_port_unreachable(const net_ip_hdr_t *h, const uint8_t *p);

/* Refill the rate-limit bucket (tests). */
void net_icmp_reset(void);

#endif
