/* mote: UDP sockets.
 *
 * The application's view of the network. A socket is bound to one local
 * port; requests on it send or receive one datagram each. Who serves them
 * depends on the platform and its configuration (see docs/network.md): the
 * mote IP stack over a frame device, or, hosted, the host's own sockets.
 * The API and its guarantees are the same either way.
 *
 * Receives are one-shot and re-armed by resubmitting. Any number may be
 * armed on one socket; datagrams fill them in arrival order. While none is
 * armed, up to NET_UDP_BACKLOG datagrams wait on the socket; more are dropped
 * and counted (net_udp_stats). A datagram longer than the receive buffer is
 * truncated to it and completes with KERR_TOO_BIG (`done` = bytes stored).
 * Sends complete once the datagram has left or been queued in the stack;
 * KERR_UNREACHABLE if the peer could not be resolved in time.
 */
#ifndef MOTE_NET_H
#define MOTE_NET_H

#include <stdint.h>
#include "mote/kwork.h"

#define NET_UDP_MAX_PAYLOAD 1472 /* one Ethernet frame, no fragments */
#define NET_UDP_BACKLOG 64

/* An IPv4 address and port, both in host byte order. */
typedef struct net_addr {
    uint32_t ip;    /* 127.0.0.1 is 0x7f000001 */
    uint16_t port;
} net_addr_t;

#define NET_IP4(a, b, c, d) \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

typedef struct net_udp_stats {
    uint64_t rx, tx, rx_dropped_backlog, rx_truncated;
} net_udp_stats_t;

typedef struct net_udp_sock {
    uint16_t port;          /* the bound local port, set by net_udp_open */
    uint8_t open;
    net_udp_stats_t stats;
    /* Backend-private: */
    intptr_t handle;
    void *priv;
    kwork_t *armed_head, *armed_tail; /* receives waiting for data */
} net_udp_sock_t;

typedef struct net_udp_req {
    kwork_t work;           /* KOP_UDP_SEND or KOP_UDP_RECV */
    net_udp_sock_t *sock;
    void *buf;
    uint32_t len;           /* send: payload length; receive: capacity */
    uint32_t done;          /* receive: bytes stored */
    net_addr_t peer;        /* send: destination; receive: source */
} net_udp_req_t;

/* Bind (s) to local (port), or to a free ephemeral port if (port) is 0.
 * KERR_BUSY if the port is taken, KERR_NO_DEVICE if no network is
 * configured. Tick context. */
kerr_t net_udp_open(net_udp_sock_t *s, uint16_t port);

/* Unbind (s). Requests still in flight on it complete with KERR_CANCELLED. */
void net_udp_close(net_udp_sock_t *s);

void net_udp_req_init(net_udp_req_t *r, kop_t op, net_udp_sock_t *s,
                      void *buf, uint32_t len, kwork_fn callback, void *ctx);

/* DNS: resolve a name to IPv4 addresses (KOP_DNS_RESOLVE). Results:
 * KERR_OK (count >= 1), KERR_NOT_FOUND (NXDOMAIN or no A record),
 * KERR_TIMEOUT (no server answered in time, or the deadline passed),
 * KERR_UNREACHABLE (no server configured), KERR_NOMEM (no socket free),
 * KERR_CANCELLED; ksubmit refuses a malformed name with KERR_INVALID. */
#define NET_DNS_MAX_ADDRS 4
typedef struct net_dns_req {
    kwork_t work;       /* KOP_DNS_RESOLVE */
    const char *name;   /* NUL-terminated; the caller's until completion */
    uint32_t addrs[NET_DNS_MAX_ADDRS]; /* A records, host byte order */
    uint32_t count;     /* addresses stored, valid on KERR_OK */
    uint32_t ttl;       /* seconds, valid on KERR_OK */
} net_dns_req_t;

void net_dns_req_init(net_dns_req_t *r, const char *name, kwork_fn callback,
                      void *ctx);

/* "a.b.c.d" of (ip) into (buf) (at least 16 bytes); returns (buf). */
char *net_ip_str(uint32_t ip, char *buf);

#endif
