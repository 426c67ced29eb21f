/* net: TCP (RFC 9293) in the IP stack, as the rest of the stack sees it.
 *
 * TCP is its own layer, net/tcp/ (APP_LAYERS := net net/tcp), so a kernel
 * that serves only UDP does not carry it. The stack calls the functions
 * below: net_tcp_input() for every IPv4 packet with protocol 6,
 * net_tcp_poll() from its one timer (net/timer.c), net_tcp_register() where
 * it takes the UDP service (net/stack.c) and net_tcp_reset() at start-up.
 * net/tcp_none.c defines them weakly for kernels without the layer (TCP
 * segments are then dropped as an unknown protocol); net/tcp/ defines them
 * for real. Everything else is private to net/tcp/ (tcp_int.h);
 * docs/tcp.md has the design.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <stdbool.h>
#include <stdint.h>
#include "net/ip.h"

#define NET_IP_PROTO_TCP 6

/* Handle the TCP segment in IP packet (p) with header (h). False if this
 * kernel has no TCP (the packet is then the caller's to count). */
bool net_tcp_input(const net_ip_hdr_t *h, const uint8_t *p);

/* Timers due at (now) (retransmission, delayed ACK, persist, keepalive,
 * TIME-WAIT); returns the next deadline or UINT64_MAX. */
uint64_t net_tcp_poll(uint64_t now);

/* A transmit buffer was freed: output that found the pool empty may go. */
void net_tcp_tx_ready(void);

/* Forget every connection, listener and counter (start-up; a test's
 * reboot). */
void net_tcp_reset(void);

/* Serve KOP_CLASS_TCP with the stack's TCP (if linked). */
void net_tcp_register(void);

#endif
