/* net: the interface, its frame device and the transmit pool.
 *
 * The stack runs on one Ethernet device (knet device 0). This file owns the
 * device side: a fixed set of receive requests that stay armed (each one is
 * re-armed from its own callback after the frame has been processed), and
 * a fixed pool of transmit buffers, each embedding the knet request that
 * carries it, so the packet path never allocates. A buffer goes back to the
 * pool when the device has finished with it; a UDP send that finds the
 * pool empty waits in udp.c until net_tx_free() frees one.
 *
 * Frame layout of a transmit buffer: Ethernet header at 0, IPv4 header at
 * NET_ETH_HLEN, transport header at NET_ETH_HLEN + NET_IP_HLEN. Layers write
 * from the inside out, the Ethernet header last (once ARP knows the MAC).
 */
#ifndef NET_NETIF_H
#define NET_NETIF_H

#include <stdbool.h>
#include <stdint.h>
#include "mote/knet.h"
#include "mote/net.h"

#define NET_ETH_HLEN 14
#define NET_IP_HLEN 20       /* we never send IP options */
#define NET_ETHERTYPE_IP 0x0800
#define NET_ETHERTYPE_ARP 0x0806
#define NET_IP_BROADCAST 0xffffffffu

#ifndef NET_TX_BUFS
#define NET_TX_BUFS 32       /* frames in flight to the device or on ARP */
#endif
#ifndef NET_RX_ARMED
#define NET_RX_ARMED 32      /* receives kept armed on the device: a TCP
                              * window's burst (22 frames) must fit here
                              * plus the driver's backlog, or frames drop */
#endif
#define NET_DNS_SERVERS 3

/* The interface's configuration; ip == 0 until static config or DHCP. */
typedef struct net_if {
    uint8_t mac[6];
    uint8_t running;         /* the stack serves the device */
    uint32_t ip, mask, gw;   /* host byte order */
    uint32_t dns[NET_DNS_SERVERS];
    unsigned ndns;
} net_if_t;

extern net_if_t net_if;

typedef struct net_txbuf {
    knet_req_t req;          /* KOP_NET_SEND, work.ctx = this buffer */
    struct net_txbuf *next;  /* free list or ARP queue */
    net_udp_req_t *owner;    /* UDP send to complete when this leaves */
    uint32_t nexthop;        /* waiting on ARP for this address */
    uint16_t len;            /* frame bytes */
    uint8_t frame[KNET_MAX_FRAME];
} net_txbuf_t;

extern const uint8_t net_mac_broadcast[6];

/* Forget all state (start-up; a test's reboot). */
void net_if_reset(void);

/* Start the device side: arm the receives. Returns the first error. */
kerr_t net_if_start(void);

/* A free transmit buffer, or NULL when all are in flight. */
net_txbuf_t *net_tx_alloc(void);

/* Return (b) to the pool, completing its owner with (err) if it still has
 * one, and let a waiting UDP send have it. */
void net_tx_free(net_txbuf_t *b, kerr_t err);

/* Write the Ethernet header for (dst_mac, type) and hand (b) to the device.
 * (b) is the device's until the send completes; its owner, if any, is
 * completed with KERR_OK now (the datagram has left the stack). */
void net_eth_output(net_txbuf_t *b, const uint8_t *dst_mac, uint16_t type);

/* Complete (b)'s owner with (err), if it has one, and forget it. */
void net_tx_owner_done(net_txbuf_t *b, kerr_t err);

/* Process one received frame (also the fuzz and unit-test entry point). */
void net_input(const uint8_t *frame, uint32_t len);

/* True when (ip) is on our subnet's broadcast or the limited broadcast. */
bool net_ip_is_broadcast(uint32_t ip);

#endif
