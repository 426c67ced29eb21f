/* net: TCP internals shared by net/tcp_*.c (not for other layers).
 *
 * Memory (all static, sized at compile time; docs/tcp.md has the sums):
 *   NET_TCP_CONNS control blocks, each embedding its send and receive
 *   rings (NET_TCP_SNDBUF, NET_TCP_RCVBUF bytes); NET_TCP_LISTENERS
 *   listener slots; NET_TCP_TIMEWAIT compact TIME-WAIT entries, so a
 *   closed connection gives its buffers back at once. Nothing is allocated
 *   on the packet path; a full pool refuses and counts.
 *
 * Sequence space of the send side: [snd_una, snd_max) is in flight,
 * snd_nxt is where the next new (or, after a timeout, retransmitted)
 * segment starts. The send ring holds the data from sb_seq on (sb_seq is
 * snd_una, or snd_una + 1 while our SYN is unacknowledged); a queued FIN
 * takes the sequence number right after the last byte of the ring.
 *
 * Receive side: the ring holds in-order bytes not yet read (rb_len from
 * rb_head) and, past them, out-of-order bytes written at their place
 * within the advertised window; ooo[] remembers which ranges (at most
 * NET_TCP_OOO ranges, the bound on out-of-order buffering) are present,
 * and those ranges are what we report as SACK blocks.
 */
#ifndef NET_TCP_INT_H
#define NET_TCP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "mote/net.h"
#include "net/netif.h"
#include "net/stats.h"
#include "net/tcp.h"
#include "net/tcp/tcp_seg.h"

#ifndef NET_TCP_CONNS
#define NET_TCP_CONNS 64         /* control blocks, every state but TIME-WAIT */
#endif
#ifndef NET_TCP_SNDBUF
#define NET_TCP_SNDBUF 32768     /* per connection; a power of two */
#endif
#ifndef NET_TCP_RCVBUF
#define NET_TCP_RCVBUF 32768     /* per connection; a power of two */
#endif
#ifndef NET_TCP_LISTENERS
#define NET_TCP_LISTENERS 8
#endif
#ifndef NET_TCP_TIMEWAIT
#define NET_TCP_TIMEWAIT 64      /* the oldest is recycled when full */
#endif
#ifndef NET_TCP_SYN_BACKLOG
#define NET_TCP_SYN_BACKLOG 16   /* half-open per listener, then cookies */
#endif
#define NET_TCP_OOO 4            /* out-of-order ranges kept per conn */
#define NET_TCP_SACK_SB 8        /* SACKed ranges the sender remembers */

#define TCP_MSS_DEFAULT 536      /* RFC 9293 3.7.1 when the peer says none */
#define TCP_MSS_MAX (1500 - 40)
/* TCP header, options and data that fit one frame of the interface. */
#define TCP_FRAME_MAX (KNET_MAX_FRAME - NET_ETH_HLEN - NET_IP_HLEN)
#define TCP_RTO_INIT_MS 1000     /* RFC 6298 2.1 */
#define TCP_RTO_MIN_MS 200       /* Linux's; RFC 6298's 1 s is a SHOULD */
#define TCP_RTO_MAX_MS 60000
#define TCP_RETRIES 12           /* data retransmissions before KERR_TIMEOUT */
#define TCP_SYN_RETRIES 6
#define TCP_SYNACK_RETRIES 5
#define TCP_DELACK_MS 40
#define TCP_TIMEWAIT_MS 60000    /* 2 MSL, MSL = 30 s */
#define TCP_FIN_TIMEOUT_MS 60000 /* an orphan's FIN-WAIT-2 */
#define TCP_KA_INTVL_S 75
#define TCP_KA_PROBES 9
#define TCP_CHALLENGE_PER_S 100  /* RFC 5961 7: challenge ACK rate */
#define TCP_EPHEMERAL_LO 49152

enum tcp_state {
    TCP_CLOSED = 0,
    TCP_SYN_SENT,
    TCP_SYN_RCVD,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT_1,
    TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT,
    TCP_CLOSING,
    TCP_LAST_ACK,
    TCP_TIME_WAIT,
};

struct tcp_lsn;

typedef struct tcp_tcb {
    uint8_t state;               /* enum tcp_state; CLOSED = free slot */
    bool nodelay, ts_ok, sack_ok, ws_ok;
    bool fin_queued;             /* our FIN follows the ring's last byte */
    bool fin_rcvd;               /* the peer's FIN is in order (rcv_nxt) */
    bool ack_now, ack_delayed;   /* an ACK is owed: now / by delack_at */
    bool in_recovery;            /* NewReno fast recovery */
    bool rtt_timing;             /* rtt_seq is being timed (no TS) */
    bool orphan;                 /* the application closed it */
    bool accepted;               /* handed to an accept or a connect */
    uint8_t snd_ws, rcv_ws;      /* window shift: peer's / ours */
    uint8_t dupacks, retries, ka_probes;
    uint16_t mss;                /* what we send per segment (data only) */
    uint32_t local_ip, peer_ip;
    uint16_t local_port, peer_port;
    net_tcp_conn_t *conn;        /* the application's, NULL if none */
    struct tcp_lsn *lsn;         /* listener, until accepted */
    struct tcp_tcb *next;        /* accept queue */
    kwork_t *connect;            /* pending KOP_TCP_CONNECT */
    /* send sequence space */
    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, max_wnd;
    uint32_t snd_wl1, snd_wl2;
    /* receive sequence space */
    uint32_t irs, rcv_nxt, rcv_adv;
    /* timestamps (RFC 7323) */
    uint32_t ts_off, ts_recent, last_ack_sent;
    /* RTT (RFC 6298), in milliseconds, times 8 / 4 as in the RFC's code */
    uint32_t srtt8, rttvar4, rto_ms, rtt_seq;
    uint64_t rtt_start;
    /* congestion control (NewReno, RFC 5681 / RFC 6582), bytes */
    uint32_t cwnd, ssthresh, recover, acked_in_ca;
    /* timers: absolute ns, 0 = off */
    uint64_t rto_at, delack_at, ka_at, fin_wait_at;
    uint32_t ka_idle_s;
    uint64_t last_rx;
    /* send ring: data from sequence sb_seq */
    uint32_t sb_seq, sb_head, sb_len;
    /* receive ring: rb_len readable bytes from rb_head */
    uint32_t rb_head, rb_len;
    uint8_t nooo;
    tcp_sack_blk_t ooo[NET_TCP_OOO]; /* sequence ranges past rcv_nxt */
    uint32_t unacked_segs;       /* full segments received since our ACK */
    uint8_t nsacked;
    tcp_sack_blk_t sacked[NET_TCP_SACK_SB]; /* what the peer SACKed */
    uint32_t rexmit_nxt;         /* recovery: holes before this are resent */
    kerr_t err;                  /* why it died (tcp_drop) */
    uint8_t sbuf[NET_TCP_SNDBUF];
    uint8_t rbuf[NET_TCP_RCVBUF];
} tcp_tcb_t;

typedef struct tcp_lsn {
    net_tcp_listener_t *l;       /* NULL: free slot */
    uint16_t port;
    uint16_t backlog;            /* accept queue bound */
    uint16_t nsyn, nacc;         /* half-open; established, not accepted */
    tcp_tcb_t *acc_head, *acc_tail;
} tcp_lsn_t;

typedef struct tcp_tw {
    uint32_t local_ip, peer_ip;
    uint16_t local_port, peer_port; /* local_port 0: free */
    uint32_t snd_nxt, rcv_nxt, ts_off, ts_recent;
    uint16_t wnd;
    bool ts_ok;
    uint64_t expire;
} tcp_tw_t;

extern tcp_tcb_t tcp_tcbs[NET_TCP_CONNS];
extern tcp_lsn_t tcp_lsns[NET_TCP_LISTENERS];
extern tcp_tw_t tcp_tws[NET_TCP_TIMEWAIT];
extern net_tcp_stats_t tcp_stats;

#define TCP_STAT(f) (tcp_stats.f++)

static inline uint32_t tcp_min(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* ---- tcp_pool.c: slots and lookup ---- */
tcp_tcb_t *tcp_tcb_alloc(void);
void tcp_tcb_free(tcp_tcb_t *t);
tcp_tcb_t *tcp_tcb_find(uint32_t lip, uint16_t lport, uint32_t pip,
                        uint16_t pport);
tcp_lsn_t *tcp_lsn_find(uint16_t port);
bool tcp_port_used(uint16_t port);
tcp_tw_t *tcp_tw_find(uint32_t lip, uint16_t lport, uint32_t pip,
                      uint16_t pport);
/* Move (t) to TIME-WAIT: a compact entry; frees (t). */
void tcp_tw_enter(tcp_tcb_t *t, uint64_t now);
uint64_t tcp_now_ms(void);

/* ---- tcp_secret.c: keyed hashes (ISN, timestamps offset, cookies) ---- */
uint32_t tcp_isn(uint32_t lip, uint16_t lport, uint32_t pip, uint16_t pport);
uint32_t tcp_ts_offset(uint32_t lip, uint16_t lport, uint32_t pip,
                       uint16_t pport);
uint32_t tcp_cookie_make(uint32_t lip, uint16_t lport, uint32_t pip,
                         uint16_t pport, uint32_t irs, uint16_t mss);
/* The MSS the cookie (c) stands for, or 0 if it is not ours (or stale). */
uint16_t tcp_cookie_check(uint32_t lip, uint16_t lport, uint32_t pip,
                          uint16_t pport, uint32_t irs, uint32_t c);
void tcp_secret_reset(void);

/* ---- tcp_buf.c: the rings ---- */
uint32_t tcp_sb_put(tcp_tcb_t *t, const uint8_t *p, uint32_t n);
void tcp_sb_get(const tcp_tcb_t *t, uint32_t off, uint8_t *p, uint32_t n);
void tcp_sb_drop(tcp_tcb_t *t, uint32_t n);
uint32_t tcp_rb_space(const tcp_tcb_t *t);
/* Store in-window segment data at (seq); returns bytes now in order. */
uint32_t tcp_rb_store(tcp_tcb_t *t, uint32_t seq, const uint8_t *p,
                      uint32_t n);
uint32_t tcp_rb_read(tcp_tcb_t *t, uint8_t *p, uint32_t n);

/* ---- tcp_sack.c: the sender's scoreboard ---- */
void tcp_sack_update(tcp_tcb_t *t, const tcp_seg_t *s);
/* Bytes the peer holds above snd_una. */
uint32_t tcp_sack_bytes(const tcp_tcb_t *t);
/* The end of the SACKed range (seq) is in, or (seq) itself. */
uint32_t tcp_sack_skip(const tcp_tcb_t *t, uint32_t seq);
/* The first hole at or after (from), below the highest SACKed byte. */
bool tcp_sack_hole(const tcp_tcb_t *t, uint32_t from, uint32_t *seq,
                   uint32_t *len);

/* ---- tcp_out.c: sending ---- */
/* Resend (len) bytes at (seq) (a SACK hole). */
void tcp_retransmit_at(tcp_tcb_t *t, uint32_t seq, uint32_t len);
/* Send what the windows allow, plus an owed ACK. */
void tcp_output(tcp_tcb_t *t);
/* A segment with no data: (flags) at sequence (seq). */
void tcp_send_ctl(tcp_tcb_t *t, uint8_t flags, uint32_t seq);
void tcp_send_challenge_ack(tcp_tcb_t *t);
/* A RST answering segment (s) that came from (src) to (dst). */
void tcp_send_rst_for(uint32_t src, uint32_t dst, const tcp_seg_t *s);
/* A SYN-ACK from a listener without state (cookie in iss). */
void tcp_send_synack_stateless(uint32_t lip, uint32_t pip,
                               const tcp_seg_t *s, uint32_t iss,
                               uint16_t mss, uint32_t tsval);
void tcp_rto_arm(tcp_tcb_t *t);
void tcp_rtt_sample(tcp_tcb_t *t, uint32_t ms);
/* ACK of (acked) new bytes (cumulative ack (ack)): congestion control. */
void tcp_cc_ack(tcp_tcb_t *t, uint32_t ack, uint32_t acked);
/* A duplicate ACK; true if it triggered fast retransmit. */
void tcp_cc_dupack(tcp_tcb_t *t);
/* An ACK from a TIME-WAIT entry (a retransmitted FIN, a stray segment). */
void tcp_send_tw_ack(const tcp_tw_t *w);
void tcp_cc_timeout(tcp_tcb_t *t);
void tcp_retransmit_one(tcp_tcb_t *t);
uint16_t tcp_rcv_wnd_field(tcp_tcb_t *t);
uint32_t tcp_flight(const tcp_tcb_t *t);
uint32_t tcp_ts_now(const tcp_tcb_t *t);
extern bool tcp_tx_blocked;
void tcp_out_reset(void);

/* ---- tcp_timer.c ---- */
/* Make sure the stack's timer polls TCP at or before (when). */
void tcp_timer_at(uint64_t when);
/* Our window shift for the receive ring (RFC 7323 2.2). */
uint8_t tcp_our_ws(void);

/* ---- tcp_svc.c: the application side ---- */
/* The connection is established (either side): complete a connect or
 * queue it for accept. */
void tcp_svc_established(tcp_tcb_t *t);
/* Data or a FIN arrived, the ring has room, a FIN was acked: serve the
 * connection's waiting requests. */
void tcp_svc_wake(tcp_tcb_t *t);
/* (t) is gone with (err): fail its requests and free it. */
void tcp_drop(tcp_tcb_t *t, kerr_t err);

/* ---- tcp_in.c ---- */
void tcp_state_set(tcp_tcb_t *t, uint8_t state);
void tcp_init_cc(tcp_tcb_t *t);

#endif
