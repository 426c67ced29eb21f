/* net: TCP (RFC 9293) in the IP stack, as the rest of the stack sees it.
 *
 * The stack calls four things: net_tcp_input() for every IPv4 packet with
 * protocol 6, net_tcp_poll() from its one timer (net/timer.c), the service
 * (net_tcp_service, registered for KOP_CLASS_TCP next to UDP by
 * net/stack.c) and net_tcp_reset() at start-up. Everything else is private
 * to net/tcp_*.c (net/tcp_int.h); docs/tcp.md has the design.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <stdint.h>
#include "kernel/kservice.h"
#include "net/ip.h"

#define NET_IP_PROTO_TCP 6

/* Handle the TCP segment in IP packet (p) with header (h). */
void net_tcp_input(const net_ip_hdr_t *h, const uint8_t *p);

/* Timers due at (now) (retransmission, delayed ACK, persist, keepalive,
 * TIME-WAIT); returns the next deadline or UINT64_MAX. */
uint64_t net_tcp_poll(uint64_t now);

/* A transmit buffer was freed: output that found the pool empty may go. */
void net_tcp_tx_ready(void);

/* Forget every connection, listener and counter (start-up; a test's
 * reboot). */
void net_tcp_reset(void);

/* The kservice for KOP_CLASS_TCP. */
extern const kservice_t net_tcp_service;

#endif
