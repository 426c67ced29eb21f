/* net: DNS stub resolver (RFC 1035), A records over UDP.
 *
 * Served as KOP_DNS_RESOLVE work items (class KOP_CLASS_DNS). A request
 * carries a host name and gets back up to NET_DNS_MAX_ADDRS IPv4 addresses.
 *
 *   KERR_OK          count >= 1 addresses, ttl = seconds they stay valid
 *   KERR_NOT_FOUND   NXDOMAIN, or the name exists but has no A record
 *   KERR_TIMEOUT     no server answered (or the request's own deadline)
 *   KERR_UNREACHABLE no DNS server is configured
 *   KERR_CANCELLED   kcancel()
 *   KERR_INVALID     (at submit) the name is not a valid host name
 *
 * A dotted-quad name resolves to itself without a query. Up to
 * NET_DNS_QUERIES lookups run at once, each from its own random source port
 * with a random query ID; more wait in order. Each lookup tries the
 * servers in turn, NET_DNS_ROUNDS rounds, with 1 s then 2 s per attempt; a
 * SERVFAIL or REFUSED moves on to the next server at once. Answers are
 * cached (NET_DNS_CACHE names) for their TTL, capped at one hour. CNAME
 * chains inside one response are followed. Responses are accepted only
 * from a configured server's port 53 with the right ID and question.
 * Truncated (TC) answers are treated like SERVFAIL: there is no TCP.
 */
#ifndef NET_DNS_H
#define NET_DNS_H

#include <stdint.h>
#include "mote/kwork.h"
#include "mote/net.h"

#define NET_DNS_NAME_MAX 253
#define NET_DNS_QUERIES 4
#define NET_DNS_ROUNDS 2
#define NET_DNS_CACHE 16
#define NET_DNS_PORT 53

/* --- Wire format (pure functions, for the resolver, tests and fuzzing) */

/* Build a query for (name), type A, recursion desired, into (p) of (cap)
 * bytes. Returns its length, or 0 if the name is invalid or too long. */
uint32_t net_dns_build_query(uint8_t *p, uint32_t cap, uint16_t id,
                             const char *name);

typedef struct net_dns_answer {
    uint8_t rcode;      /* 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, ... */
    uint8_t truncated;
    uint32_t addrs[NET_DNS_MAX_ADDRS];
    uint32_t count;
    uint32_t ttl;       /* smallest TTL of the records used */
} net_dns_answer_t;

/* Parse response (p, len) to query (id, name). 0 and (out) filled, or -1
 * if it is not a well-formed response to that question. */
int net_dns_parse(const uint8_t *p, uint32_t len, uint16_t id,
                  const char *name, net_dns_answer_t *out);

/* --- The resolver */

/* The kservice for KOP_CLASS_DNS. */
extern const struct kservice net_dns_service;

/* Timers due at (now); the next deadline or UINT64_MAX. */
uint64_t net_dns_poll(uint64_t now);

/* ICMP says (ip, port) refused a datagram from our UDP port (lport): if
 * that is a lookup's current server, move on to the next at once. */
void net_dns_port_unreachable(uint16_t lport, uint32_t ip, uint16_t port);

/* Forget all state (the stack's init). */
void net_dns_reset(void);

#endif
