/* net: UDP (RFC 768) and the KOP_CLASS_UDP service of the IP stack.
 *
 * Sockets are the caller's net_udp_sock_t; the stack keeps one slot per
 * open socket (NET_UDP_SOCKETS of them) holding its backlog. Policies, as
 * promised by include/mote/net.h:
 *
 *  - Armed receives are filled in arrival order; each takes one datagram.
 *  - With none armed, up to NET_UDP_BACKLOG datagrams wait on the socket,
 *    their payload copied into a pool shared by all sockets
 *    (NET_UDP_BACKLOG_POOL buffers). A datagram arriving to a full backlog
 *    or an empty pool is dropped and counted (sock stats rx_dropped_backlog
 *    and net_stats udp_drop_backlog).
 *  - A datagram longer than the receive buffer is cut to it and the
 *    receive completes with KERR_TOO_BIG, `done` = bytes stored.
 *  - A send is copied into a transmit buffer and completes KERR_OK when the
 *    frame goes to the device; while the next hop is being resolved it
 *    stays in flight and completes KERR_UNREACHABLE if resolution fails, or
 *    at once if we have no address or route. With the transmit pool empty
 *    it waits, in order, for a buffer. Deadlines and cancel work in every
 *    waiting state.
 *  - Closing a socket completes its in-flight requests with
 *    KERR_CANCELLED and frees its backlog.
 *  - Checksums are verified when present and always generated.
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/kservice.h"
#include "mote/net.h"
#include "net/ip.h"

#define NET_UDP_HLEN 8
#ifndef NET_UDP_SOCKETS
#define NET_UDP_SOCKETS 32
#endif
#ifndef NET_UDP_BACKLOG_POOL
#define NET_UDP_BACKLOG_POOL 96
#endif
#define NET_UDP_EPHEMERAL_LO 49152

/* Handle the UDP datagram in IP packet (p) with header (h). */
void net_udp_input(const net_ip_hdr_t *h, const uint8_t *p, bool bcast);

/* Send (len) bytes from (data) as one datagram from (sport) to (dst):
 * the stack's own sends (DHCP, which needs source 0.0.0.0). Fire and
 * forget: KERR_NOMEM if no transmit buffer, KERR_UNREACHABLE if no route. */
kerr_t net_udp_output(uint32_t src, uint16_t sport, const net_addr_t *dst,
                      const void *data, uint32_t len);

/* The kservice for KOP_CLASS_UDP. */
extern const kservice_t net_udp_service;

/* Open/close a socket directly (what the service's open/close do). */
kerr_t net_udp_sock_open(net_udp_sock_t *s, uint16_t port);
void net_udp_sock_close(net_udp_sock_t *s);

/* A send's datagram has left (KERR_OK) or failed: complete (r). */
void net_udp_send_done(net_udp_req_t *r, kerr_t err);

/* A transmit buffer was freed: sends waiting for one may go. */
void net_udp_tx_ready(void);

/* Serve waiting sends; returns the next deadline (always UINT64_MAX). */
uint64_t net_udp_poll(uint64_t now);

/* Forget all sockets and queues (start-up; a test's reboot). */
void net_udp_reset(void);

/* Datagrams waiting in (s)'s backlog. */
unsigned net_udp_backlog_len(const net_udp_sock_t *s);

#endif
