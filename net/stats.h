/* net: per-reason counters of the IP stack.
 *
 * One flat table of uint64_t counters, named by the NET_STATS list below so
 * that printing and tests never go out of sync with the struct. Counters
 * only grow. Every frame the stack receives ends up in exactly one of
 * `*_rx_ok`-style delivery counters or one drop counter, which is what the
 * unit tests check. Tick context only (the stack is single-threaded).
 */
#ifndef NET_STATS_H
#define NET_STATS_H

#include <stdint.h>

#define NET_STATS(X)                                                        \
    X(eth_rx)               /* frames received from the device */           \
    X(eth_tx)               /* frames handed to the device */               \
    X(eth_tx_error)         /* device reported a send error */              \
    X(eth_drop_short)       /* shorter than an Ethernet header */           \
    X(eth_drop_type)        /* ethertype we do not speak (IPv6, ...) */     \
    X(eth_drop_dst)         /* not our MAC, not broadcast */                \
    X(arp_rx)               /* valid ARP packets */                         \
    X(arp_drop_bad)         /* malformed ARP */                             \
    X(arp_req_tx)           /* requests sent, gratuitous ones included */   \
    X(arp_reply_tx)         /* replies sent */                              \
    X(arp_resolved)         /* cache entries completed */                   \
    X(arp_expired)          /* entries that aged out */                     \
    X(arp_timeout)          /* next hops that never answered */             \
    X(arp_queue_full)       /* packets dropped: resolution queue full */    \
    X(ip_rx)                /* IPv4 packets accepted */                     \
    X(ip_tx)                /* IPv4 packets sent */                         \
    X(ip_drop_short)        /* truncated header or payload */               \
    X(ip_drop_version)      /* not version 4, or IHL < 5 */                 \
    X(ip_drop_len)          /* total length lies about the frame */         \
    X(ip_drop_cksum)        /* header checksum wrong */                     \
    X(ip_drop_ttl)          /* TTL 0 (no sender may emit it) */             \
    X(ip_drop_src)          /* broadcast/multicast/loopback source */       \
    X(ip_drop_dst)          /* not addressed to us */                       \
    X(ip_drop_frag)         /* fragments: not reassembled, see docs */      \
    X(ip_drop_proto)        /* protocol other than ICMP, UDP, TCP */          \
    X(ip_drop_noroute)      /* send: off-link and no gateway */             \
    X(ip_drop_nobuf)        /* send: transmit pool empty */                 \
    X(icmp_rx)              /* ICMP messages accepted */                    \
    X(icmp_drop_bad)        /* short or bad checksum */                     \
    X(icmp_echo_tx)         /* echo replies sent */                         \
    X(icmp_echo_req_tx)     /* echo requests sent (net_icmp_ping_send) */   \
    X(icmp_echo_reply_rx)   /* echo replies matched to a waiting request */ \
    X(icmp_echo_reply_stray) /* echo replies nothing waited for */          \
    X(icmp_unreach_tx)      /* port unreachables sent */                    \
    X(icmp_unreach_limited) /* port unreachables suppressed by the limit */ \
    X(udp_rx)               /* datagrams delivered or queued on a socket */ \
    X(udp_tx)               /* datagrams sent */                            \
    X(udp_drop_short)       /* shorter than the UDP header */               \
    X(udp_drop_len)         /* UDP length lies about the IP payload */      \
    X(udp_drop_cksum)       /* checksum wrong */                            \
    X(udp_drop_noport)      /* no socket on that port */                    \
    X(udp_drop_backlog)     /* socket backlog or backlog pool full */       \
    X(udp_truncated)        /* delivered cut to the receive buffer */       \
    X(udp_unreachable)      /* sends failed with KERR_UNREACHABLE */        \
    X(dhcp_rx)              /* DHCP replies accepted */                     \
    X(dhcp_drop_bad)        /* DHCP replies ignored */                      \
    X(dhcp_tx)              /* DHCP messages sent */                        \
    X(dns_tx)               /* DNS queries sent (retries included) */       \
    X(dns_rx)               /* DNS responses matched to a query */          \
    X(dns_drop_bad)         /* DNS responses ignored */                     \
    X(dns_cache_hit)        /* answered from the cache */                   \
    X(tcp_rx)               /* TCP segments accepted for processing */      \
    X(tcp_tx)               /* TCP segments sent */                         \
    X(tcp_drop_dst)         /* to a broadcast address (TCP is unicast) */   \
    X(tcp_drop_malformed)   /* short, bad offset, options or flags */       \
    X(tcp_drop_cksum)       /* checksum wrong */                            \
    X(tcp_drop_noconn)      /* no connection or listener: RST sent */       \
    X(tcp_drop_paws)        /* old timestamp (RFC 7323 PAWS) */             \
    X(tcp_drop_ooo)         /* out-of-order data past NET_TCP_OOO ranges */ \
    X(tcp_tx_nobuf)         /* segment not sent: transmit pool empty */     \
    X(tcp_rst_tx)           /* RSTs sent without a connection */            \
    X(tcp_retransmit)       /* segments sent again (timeout or fast) */     \
    X(tcp_fast_retransmit)  /* fast retransmits (3 duplicate ACKs) */       \
    X(tcp_zero_window_probe) /* persist probes sent */                      \
    X(tcp_keepalive_tx)     /* keepalive probes sent */                     \
    X(tcp_challenge_limited) /* challenge ACKs held back by the limit */    \
    X(tcp_tw_recycled)      /* TIME-WAIT entries reused while live */

typedef struct net_stats {
#define NET_STATS_FIELD(name) uint64_t name;
    NET_STATS(NET_STATS_FIELD)
#undef NET_STATS_FIELD
} net_stats_t;

/* The live counters; the stack increments them directly. */
extern net_stats_t net_stats;

#define NET_COUNT(name) (net_stats.name++)

/* Copy the counters into (out). */
void net_stats_get(net_stats_t *out);

/* Print every non-zero counter at KLOG_INFO, one line each. */
void net_stats_print(void);

/* Name of the (i)th counter in declaration order, NULL past the end; with
 * (value) receiving it. For printing and for the test app's "stats" reply. */
const char *net_stats_field(unsigned i, uint64_t *value);

#endif
