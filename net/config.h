/* net: interface configuration from boot arguments.
 *
 *   ip=a.b.c.d/prefix   static address (no DHCP); prefix defaults to 24
 *   gw=a.b.c.d          default gateway
 *   dns=a.b.c.d[,e.f.g.h[,...]]  resolvers, at most NET_DNS_SERVERS
 *   arp_ttl=SECONDS     lifetime of a resolved ARP entry (default 60)
 *   dhcp_wait=SECONDS   DHCP time before the static fallback (default 4)
 *
 * With no ip= the stack asks DHCP (net/dhcp.h). The parsers are pure
 * functions so the unit tests and the fuzzer can drive them.
 */
#ifndef NET_CONFIG_H
#define NET_CONFIG_H

#include <stdint.h>
#include "net/netif.h"

/* Parse "a.b.c.d" (exactly, up to (end) or NUL) into (ip). 0 or -1. */
int net_parse_ip(const char *s, const char *end, uint32_t *ip);

/* Parse "a.b.c.d/prefix" or "a.b.c.d" into (ip, mask). 0 or -1. */
int net_parse_cidr(const char *s, uint32_t *ip, uint32_t *mask);

/* Parse a comma-separated list into (ips) (at most (max)); the count, or
 * -1 if any entry is malformed. */
int net_parse_ip_list(const char *s, uint32_t *ips, unsigned max);

/* Mask of a prefix length 0..32. */
uint32_t net_prefix_mask(unsigned prefix);

/* Fill net_if from the boot arguments. Returns 1 if a static ip= was
 * given, 0 if DHCP should run, -1 if an argument was malformed (then
 * DHCP runs and the error is logged). */
int net_config_from_args(void);

#endif
