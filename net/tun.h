/* net: the seam for one tunnel interface beside the Ethernet one.
 *
 * WireGuard (net/wg*.c) is a network interface of the stack with its own
 * address. The stack knows it only through this header:
 *
 *  - Source selection. net_ip_src_for(dst) is the tunnel's address when the
 *    tunnel routes (dst) (WireGuard: a peer's allowed-IPs, longest prefix),
 *    else the Ethernet interface's. UDP and ICMP pick their source with it.
 *  - Output routing by source. net_ip_output() hands every packet whose
 *    source is the tunnel address to the tunnel's output, which encrypts it
 *    and sends it as UDP from the Ethernet interface's own address. So the
 *    tunnel's outer packets can never loop back into the tunnel, even when
 *    a peer's allowed-IPs cover its own endpoint.
 *  - Input. The tunnel delivers decrypted IPv4 packets with net_tun_input();
 *    they take the normal IP input path, but only the tunnel address is
 *    "for us" then, and packets to the tunnel address arriving on Ethernet
 *    are dropped (ip_drop_dst).
 *  - Tunnel-only ports. A UDP port bound with net_tun_bind_port() takes
 *    datagrams only from the tunnel (the rest are dropped and counted in
 *    net_tun_stats.port_drops) and can send only into it (other sends fail
 *    with KERR_UNREACHABLE). kvd's tunnel-only mode and the sandbox's
 *    tunnel grants use it.
 */
#ifndef NET_TUN_H
#define NET_TUN_H

#include <stdbool.h>
#include <stdint.h>
#include "net/netif.h"

#define NET_TUN_PORTS 16

typedef struct net_tun {
    uint32_t ip, mask;       /* 0: no tunnel */
    /* Does the tunnel route (dst)? */
    bool (*routes)(uint32_t dst);
    /* Send the IPv4 packet in (b) (header at NET_ETH_HLEN, b->len bytes of
     * frame). Consumes (b): it is freed, its owner completed. */
    void (*output)(net_txbuf_t *b);
    bool rx_now;             /* the packet being handled came from it */
} net_tun_t;

typedef struct net_tun_stats {
    uint64_t rx, tx, port_drops, port_refused;
} net_tun_stats_t;

extern net_tun_t net_tun;
extern net_tun_stats_t net_tun_stats;

/* The source address for packets to (dst). */
uint32_t net_ip_src_for(uint32_t dst);

/* A decrypted IPv4 packet from the tunnel (implemented in ip.c). */
void net_tun_input(const uint8_t *p, uint32_t len);

/* Whether the IP stack serves UDP here, so that tunnel-only ports can be
 * enforced (hosted without a frame device, the host's sockets serve it). */
bool net_tun_available(void);

/* Restrict UDP (port) to the tunnel. KERR_NOMEM if the table is full. */
kerr_t net_tun_bind_port(uint16_t port);
bool net_tun_port_only(uint16_t port);

/* Forget the tunnel and its ports (start-up; a test's reboot). */
void net_tun_reset(void);

#endif
