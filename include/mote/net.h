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

#include <stdbool.h>
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

/* ---- TCP -------------------------------------------------------------
 *
 * Streams, with the same work-item model as UDP. Who serves them depends on
 * the platform (docs/network.md): the mote TCP over the IP stack, or,
 * hosted without tap=, the host's own sockets. The guarantees below hold
 * for both.
 *
 * A listener (net_tcp_listen) owns a local port and a bounded queue of
 * connections that completed the handshake but were not yet accepted.
 * KOP_TCP_ACCEPT hands one of them to the caller: the request's `conn`
 * points to an unopened net_tcp_conn_t that the service fills in (open,
 * local and peer set). Any number of accepts may be armed; connections go
 * to them in order. KOP_TCP_CONNECT opens `conn` to `peer` (active open).
 *
 * On a connection:
 *  - KOP_TCP_SEND copies (buf, len) into the connection's send buffer and
 *    completes KERR_OK, done == len, once every byte is in it (not when the
 *    peer has acknowledged them). Sends queue in submission order. A send
 *    that ends early (deadline, kcancel, KERR_RESET, KERR_TIMEOUT) reports
 *    in `done` how many leading bytes were taken: those are part of the
 *    stream and will be delivered (unless the connection dies), the rest
 *    never will. (buf) is the caller's again at the callback either way.
 *  - KOP_TCP_RECV completes as soon as at least one byte is available, with
 *    done = bytes stored (1..len). When the peer has closed its side and
 *    every byte has been read it completes KERR_CLOSED, done == 0. Any
 *    number may be armed; they are filled in order.
 *  - KOP_TCP_SHUTDOWN closes our sending side (FIN after all queued data)
 *    and completes once the peer has acknowledged the FIN. Later sends fail
 *    with KERR_CLOSED; receiving goes on (half-close).
 *  - Errors: KERR_REFUSED (connect answered by RST), KERR_RESET (the peer
 *    reset the connection), KERR_TIMEOUT (retransmissions or keepalive gave
 *    up, or the request's own deadline passed), KERR_UNREACHABLE (no route
 *    or address resolution failed), KERR_CLOSED (see above), KERR_NOMEM
 *    (no connection slot; see docs/network.md for the pool sizes). Once a
 *    connection has failed every later request on it completes with the
 *    same error.
 *
 * net_tcp_close() gives the connection back: requests still in flight on it
 * complete KERR_CANCELLED, and the caller's struct is free as soon as the
 * call returns. Queued data is still delivered and the stack finishes the
 * close politely (FIN, TIME-WAIT) on its own; if unread data was waiting,
 * the peer gets a RST instead (RFC 9293, 3.10.4). net_tcp_abort() sends a
 * RST at once and drops everything.
 */
#define NET_TCP_BACKLOG_MAX 128

typedef struct net_tcp_stats {
    uint64_t active_opens, passive_opens;  /* connections established */
    uint64_t conns_refused;                /* no listener: RST sent */
    uint64_t conns_dropped_pool;           /* SYN dropped or RST: no slot */
    uint64_t conns_dropped_backlog;        /* accept queue full */
    uint64_t conns_reset, conns_timed_out; /* by the peer / by our timers */
    uint64_t segs_rx, segs_tx, retransmits;
    uint64_t drop_checksum, drop_malformed, drop_no_conn, drop_out_of_window;
    uint64_t challenge_acks, syn_cookies_sent, syn_cookies_ok;
    uint32_t conns_open;                   /* right now, any state */
} net_tcp_stats_t;

typedef struct net_tcp_listener {
    uint16_t port;          /* the bound local port, set by net_tcp_listen */
    uint8_t open;
    /* Backend-private: */
    intptr_t handle;
    void *priv;
    kqueue_t accepts;       /* armed accepts */
} net_tcp_listener_t;

typedef struct net_tcp_conn {
    net_addr_t local, peer; /* set once the connection is established */
    uint8_t open;
    /* Backend-private: */
    intptr_t handle;
    void *priv;
    kqueue_t rx, tx;        /* armed receives, sends not yet taken */
    kwork_t *shutdown;      /* a pending KOP_TCP_SHUTDOWN */
} net_tcp_conn_t;

typedef struct net_tcp_req {
    kwork_t work;           /* KOP_TCP_* */
    net_tcp_listener_t *listener; /* accept: where from */
    net_tcp_conn_t *conn;   /* the connection (accept, connect: to fill) */
    void *buf;              /* send: data; receive: room */
    uint32_t len;           /* send: bytes; receive: capacity */
    uint32_t done;          /* bytes taken (send) or stored (receive) */
    net_addr_t peer;        /* connect: destination; accept: the client */
} net_tcp_req_t;

/* Listen on local (port) with room for (backlog) connections waiting to be
 * accepted (1..NET_TCP_BACKLOG_MAX). KERR_BUSY if the port is taken,
 * KERR_NOMEM if no listener slot is free, KERR_NO_DEVICE if no network is
 * configured. Tick context. */
kerr_t net_tcp_listen(net_tcp_listener_t *l, uint16_t port, unsigned backlog);

/* Stop listening: armed accepts complete KERR_CANCELLED, connections not
 * yet accepted are reset. */
void net_tcp_unlisten(net_tcp_listener_t *l);

/* Give (c) back (see above). */
void net_tcp_close(net_tcp_conn_t *c);

/* Reset (c) at once; in-flight requests complete KERR_CANCELLED. */
void net_tcp_abort(net_tcp_conn_t *c);

/* Nagle's algorithm is on by default; (on) = true sends small segments at
 * once (TCP_NODELAY). */
kerr_t net_tcp_set_nodelay(net_tcp_conn_t *c, bool on);

/* Keepalive probes after (idle_s) seconds of silence; 0 turns them off
 * (the default). */
kerr_t net_tcp_set_keepalive(net_tcp_conn_t *c, uint32_t idle_s);

/* The counters of whichever service serves TCP; zeros if none. */
void net_tcp_stats(net_tcp_stats_t *out);

void net_tcp_req_init(net_tcp_req_t *r, kop_t op, net_tcp_conn_t *c,
                      void *buf, uint32_t len, kwork_fn callback, void *ctx);

/* Control commands a TCP service's kservice ctl() takes (net/tcp_api.c). */
enum {
    NET_TCP_CTL_CLOSE = 1,     /* endpoint: net_tcp_conn_t */
    NET_TCP_CTL_ABORT,         /* endpoint: net_tcp_conn_t */
    NET_TCP_CTL_NODELAY,       /* arg: 0 or 1 */
    NET_TCP_CTL_KEEPALIVE,     /* arg: idle seconds */
    NET_TCP_CTL_STATS,         /* endpoint: net_tcp_stats_t to fill */
};

/* "a.b.c.d" of (ip) into (buf) (at least 16 bytes); returns (buf). */
char *net_ip_str(uint32_t ip, char *buf);

#endif
