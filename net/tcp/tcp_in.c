/* net: TCP input: segment validation, demultiplexing and the state
 * machine (RFC 9293 3.10.7 "SEGMENT ARRIVES", with the RFC 5961 changes
 * against blind injection and RFC 7323 PAWS).
 *
 * Order of checks for a synchronized connection, each in its own function:
 *   1. SYN (any sequence number): challenge ACK (RFC 5961 4);
 *   2. PAWS, then the sequence window (3.10.7.4 first check);
 *   3. RST: exact rcv_nxt resets, in-window gets a challenge ACK (5961 3);
 *   4. ACK: too old or not yet sent gets a challenge ACK (5961 5),
 *      else the send side advances (ack_advance) or counts a duplicate;
 *   5. data into the receive ring (tcp_buf.c), then the FIN.
 * LISTEN (with SYN cookies), SYN-SENT and TIME-WAIT have their own paths.
 */
#include "net/tcp/tcp_int.h"
#include "mote/ktime.h"
#include "net/netif.h"

void tcp_state_set(tcp_tcb_t *t, uint8_t state)
{
    t->state = state;
}

/* Options of the peer's SYN (s) (RFC 7323, RFC 2018). */
static void syn_options(tcp_tcb_t *t, const tcp_seg_t *s)
{
    uint16_t mss = s->has_mss ? s->mss : TCP_MSS_DEFAULT;
    if (mss > TCP_MSS_MAX)
        mss = TCP_MSS_MAX;
    if (mss < 64)
        mss = 64; /* a tiny MSS only multiplies our work: RFC 9293 3.7.1 */
    t->ws_ok = s->has_ws;
    t->snd_ws = s->has_ws ? s->ws : 0;
    t->rcv_ws = s->has_ws ? tcp_our_ws() : 0;
    t->sack_ok = s->sack_ok;
    t->ts_ok = s->has_ts;
    if (s->has_ts) {
        t->ts_recent = s->tsval;
        mss -= 12; /* the option rides on every segment */
    }
    t->mss = mss;
    t->irs = s->seq;
    t->rcv_nxt = s->seq + 1;
    t->snd_wnd = s->wnd; /* never scaled in a SYN */
    t->max_wnd = s->wnd;
    t->snd_wl1 = s->seq;
}

static void fresh_tcb(tcp_tcb_t *t, const net_ip_hdr_t *h, const tcp_seg_t *s)
{
    t->local_ip = h->dst;
    t->peer_ip = h->src;
    t->local_port = s->dport;
    t->peer_port = s->sport;
    t->rto_ms = TCP_RTO_INIT_MS;
    t->ts_off = tcp_ts_offset(t->local_ip, t->local_port, t->peer_ip,
                              t->peer_port);
    t->last_rx = ktime_now();
}

/* ---- LISTEN ---- */

static unsigned syn_limit(const tcp_lsn_t *l)
{
    (void)l;
    return NET_TCP_SYN_BACKLOG;
}

static void listen_syn(tcp_lsn_t *l, const net_ip_hdr_t *h,
                       const tcp_seg_t *s)
{
    if (l->nacc >= l->backlog) {
        tcp_stats.conns_dropped_backlog++;
        return; /* the client retries; Linux does the same */
    }
    tcp_tcb_t *t = l->nsyn < syn_limit(l) ? tcp_tcb_alloc() : 0;
    if (!t) {
        /* Half-open queue or pool full: answer without state. */
        uint16_t mss = s->has_mss ? s->mss : TCP_MSS_DEFAULT;
        uint32_t c = tcp_cookie_make(h->dst, s->dport, h->src, s->sport,
                                     s->seq, mss);
        uint32_t off = tcp_ts_offset(h->dst, s->dport, h->src, s->sport);
        uint32_t now = (uint32_t)tcp_now_ms() + off;
        uint32_t tsv = now & ~31u;
        tsv |= (s->has_ws ? s->ws : 15u) | (s->sack_ok ? 16u : 0);
        /* Never ahead of the clock the connection will use: the peer's
         * PAWS (RFC 7323 5.3) would drop our first segments after it as
         * old (until an RTO later), as Linux's cookies avoid too. */
        if (SEQ_GT(tsv, now))
            tsv -= 32;
        tcp_stats.syn_cookies_sent++;
        tcp_send_synack_stateless(h->dst, h->src, s, c, mss, tsv);
        return;
    }
    fresh_tcb(t, h, s);
    syn_options(t, s);
    t->iss = tcp_isn(t->local_ip, t->local_port, t->peer_ip, t->peer_port);
    t->snd_una = t->snd_nxt = t->snd_max = t->iss;
    t->sb_seq = t->iss + 1;
    t->recover = t->iss;
    t->lsn = l;
    l->nsyn++;
    tcp_state_set(t, TCP_SYN_RCVD);
    tcp_init_cc(t);
    tcp_output(t);
}

static void segment_arrives(tcp_tcb_t *t, const tcp_seg_t *s);

/* A bare ACK to a listener: the third segment of a cookie handshake? */
static void listen_ack(tcp_lsn_t *l, const net_ip_hdr_t *h,
                       const tcp_seg_t *s)
{
    uint16_t mss = tcp_cookie_check(h->dst, s->dport, h->src, s->sport,
                                    s->seq - 1, s->ack - 1);
    if (!mss) {
        tcp_stats.drop_no_conn++;
        tcp_send_rst_for(h->src, h->dst, s);
        return;
    }
    tcp_stats.syn_cookies_ok++;
    if (l->nacc >= l->backlog) {
        tcp_stats.conns_dropped_backlog++;
        return;
    }
    tcp_tcb_t *t = tcp_tcb_alloc();
    if (!t) {
        tcp_stats.conns_dropped_pool++;
        tcp_send_rst_for(h->src, h->dst, s);
        return;
    }
    fresh_tcb(t, h, s);
    tcp_seg_t syn = {.seq = s->seq - 1, .wnd = s->wnd, .has_mss = true,
                     .mss = mss};
    if (s->has_ts) {
        uint32_t ws = s->tsecr & 15;
        syn.has_ts = true;
        syn.tsval = s->tsval;
        syn.has_ws = ws != 15;
        syn.ws = (uint8_t)(ws > 14 ? 14 : ws);
        syn.sack_ok = (s->tsecr & 16) != 0;
    }
    syn_options(t, &syn);
    t->iss = s->ack - 1;
    t->snd_una = t->iss;
    t->snd_nxt = t->snd_max = t->iss + 1;
    t->sb_seq = t->iss + 1;
    t->recover = t->iss;
    t->lsn = l;
    l->nsyn++;
    tcp_state_set(t, TCP_SYN_RCVD);
    tcp_init_cc(t);
    segment_arrives(t, s);
}

static void listen_input(tcp_lsn_t *l, const net_ip_hdr_t *h,
                         const tcp_seg_t *s)
{
    if (s->flags & TCP_RST)
        return;
    if (s->flags & TCP_SYN) {
        if (s->flags & TCP_ACK) {
            tcp_send_rst_for(h->src, h->dst, s);
            return;
        }
        listen_syn(l, h, s);
        return;
    }
    if (s->flags & TCP_ACK) {
        listen_ack(l, h, s);
        return;
    }
    tcp_stats.drop_no_conn++;
}

/* ---- SYN-SENT ---- */

static void syn_sent_input(tcp_tcb_t *t, const tcp_seg_t *s)
{
    if (s->flags & TCP_ACK &&
        (SEQ_LEQ(s->ack, t->iss) || SEQ_GT(s->ack, t->snd_max))) {
        tcp_stats.drop_out_of_window++;
        if (!(s->flags & TCP_RST))
            tcp_send_rst_for(t->peer_ip, t->local_ip, s);
        return;
    }
    if (s->flags & TCP_RST) {
        if (s->flags & TCP_ACK)
            tcp_drop(t, KERR_REFUSED);
        return;
    }
    if (!(s->flags & TCP_SYN))
        return;
    syn_options(t, s);
    if (!(s->flags & TCP_ACK)) {
        /* Simultaneous open: our SYN again, now with an ACK. */
        tcp_state_set(t, TCP_SYN_RCVD);
        t->snd_nxt = t->iss;
        t->rto_at = 0;
        tcp_output(t);
        return;
    }
    t->snd_una = s->ack;
    t->snd_wl2 = s->ack;
    if (t->ts_ok && s->tsecr)
        tcp_rtt_sample(t, tcp_ts_now(t) - s->tsecr);
    else if (!t->retries)
        tcp_rtt_sample(t, (uint32_t)((ktime_now() - t->rtt_start) / KTIME_MS));
    t->retries = 0;
    t->rto_at = 0;
    tcp_init_cc(t);
    tcp_state_set(t, TCP_ESTABLISHED);
    t->ack_now = true;
    tcp_stats.active_opens++;
    tcp_svc_established(t);
    tcp_output(t);
}

/* ---- synchronized states ---- */

static bool seq_acceptable(const tcp_tcb_t *t, const tcp_seg_t *s)
{
    uint32_t wnd = tcp_rb_space(t);
    uint32_t slen = s->len + !!(s->flags & TCP_FIN);
    /* A bare ACK from a sender that filled our window carries the
     * window's right edge as its sequence number: RFC 9293's strict
     * "< RCV.NXT + RCV.WND" would drop it and its acknowledgment with it,
     * every time, so the edge itself is accepted (as Linux does). */
    if (!slen)
        return wnd ? SEQ_LEQ(t->rcv_nxt, s->seq) &&
                         SEQ_LEQ(s->seq, t->rcv_nxt + wnd)
                   : s->seq == t->rcv_nxt;
    if (!wnd)
        return false;
    uint32_t last = s->seq + slen - 1;
    return (SEQ_LEQ(t->rcv_nxt, s->seq) && SEQ_LT(s->seq, t->rcv_nxt + wnd)) ||
           (SEQ_LEQ(t->rcv_nxt, last) && SEQ_LT(last, t->rcv_nxt + wnd));
}

static bool fin_acked(const tcp_tcb_t *t)
{
    return t->fin_queued && SEQ_GT(t->snd_una, t->sb_seq + t->sb_len);
}

static void enter_time_wait(tcp_tcb_t *t)
{
    tcp_state_set(t, TCP_TIME_WAIT);
    tcp_output(t); /* the ACK of the peer's FIN first */
    if (t->conn && t->rb_len) {
        /* Unread data: keep the block until it is read or 2 MSL pass. */
        t->fin_wait_at = ktime_now() + TCP_TIMEWAIT_MS * KTIME_MS;
        tcp_timer_at(t->fin_wait_at);
        tcp_svc_wake(t);
        return;
    }
    tcp_tw_enter(t, ktime_now());
    tcp_drop(t, KERR_CLOSED);
}

static void rst_arrives(tcp_tcb_t *t, const tcp_seg_t *s)
{
    if (s->seq != t->rcv_nxt) {
        tcp_send_challenge_ack(t); /* in window, not exact: RFC 5961 3.2 */
        return;
    }
    if (t->state == TCP_SYN_RCVD && t->lsn) {
        tcp_drop(t, KERR_RESET); /* back to LISTEN: nobody saw it */
        return;
    }
    if (t->state == TCP_SYN_RCVD) {
        tcp_drop(t, KERR_REFUSED);
        return;
    }
    if (t->state != TCP_TIME_WAIT && t->state != TCP_LAST_ACK &&
        t->state != TCP_CLOSING)
        tcp_stats.conns_reset++;
    tcp_drop(t, t->state == TCP_TIME_WAIT ? KERR_CLOSED : KERR_RESET);
}

static void syn_rcvd_ack(tcp_tcb_t *t, const tcp_seg_t *s)
{
    if (SEQ_LEQ(s->ack, t->snd_una) || SEQ_GT(s->ack, t->snd_max)) {
        tcp_send_rst_for(t->peer_ip, t->local_ip, s);
        return;
    }
    if (t->lsn && t->lsn->nacc >= t->lsn->backlog) {
        tcp_stats.conns_dropped_backlog++;
        return; /* stays half-open; the SYN-ACK is retransmitted */
    }
    tcp_state_set(t, TCP_ESTABLISHED);
    t->snd_wnd = (uint32_t)s->wnd << t->snd_ws;
    t->max_wnd = t->snd_wnd;
    t->snd_wl1 = s->seq;
    t->snd_wl2 = s->ack;
    if (t->lsn) {
        t->lsn->nsyn--;
        tcp_stats.passive_opens++;
    } else {
        tcp_stats.active_opens++; /* simultaneous open */
    }
    tcp_svc_established(t);
}

/* The ACK field moved forward: drop what it covers from the ring, time
 * the round trip, grow the window. */
static void ack_advance(tcp_tcb_t *t, const tcp_seg_t *s)
{
    uint32_t acked = s->ack - t->snd_una;
    uint32_t end = t->sb_seq + t->sb_len;
    uint32_t data_to = SEQ_GT(s->ack, end) ? end : s->ack;
    if (SEQ_GT(data_to, t->sb_seq))
        tcp_sb_drop(t, data_to - t->sb_seq);
    t->snd_una = s->ack;
    if (SEQ_LT(t->snd_nxt, t->snd_una))
        t->snd_nxt = t->snd_una;
    if (t->ts_ok && s->has_ts && s->tsecr)
        tcp_rtt_sample(t, tcp_ts_now(t) - s->tsecr);
    else if (t->rtt_timing && SEQ_GT(s->ack, t->rtt_seq)) {
        t->rtt_timing = false;
        tcp_rtt_sample(t, (uint32_t)((ktime_now() - t->rtt_start) / KTIME_MS));
    }
    t->retries = 0;
    tcp_sack_update(t, s);
    tcp_cc_ack(t, s->ack, acked);
    if (t->snd_una == t->snd_max)
        t->rto_at = 0;
    else
        tcp_rto_arm(t);
}

/* Step 4: false if the segment is to be dropped here. */
static bool ack_arrives(tcp_tcb_t *t, const tcp_seg_t *s)
{
    if (t->state == TCP_SYN_RCVD) {
        syn_rcvd_ack(t, s);
        if (t->state != TCP_ESTABLISHED)
            return false;
    }
    if (SEQ_GT(s->ack, t->snd_max) ||
        SEQ_LT(s->ack, t->snd_una - t->max_wnd)) {
        tcp_stats.drop_out_of_window++;
        tcp_send_challenge_ack(t); /* RFC 5961 5.2 */
        return false;
    }
    uint32_t wnd = (uint32_t)s->wnd << t->snd_ws;
    if (SEQ_GT(s->ack, t->snd_una)) {
        ack_advance(t, s);
    } else if (s->ack == t->snd_una && t->snd_una != t->snd_max &&
               ((!s->len && !(s->flags & TCP_FIN) && wnd == t->snd_wnd) ||
                s->nsack)) {
        /* A duplicate ACK (RFC 5681 2); with SACK blocks any ACK that does
         * not advance counts (RFC 6675 2), with data on it or a window
         * that moved, as receivers that autotune move it. */
        tcp_sack_update(t, s);
        tcp_cc_dupack(t);
    }
    if (SEQ_LT(t->snd_wl1, s->seq) ||
        (t->snd_wl1 == s->seq && SEQ_LEQ(t->snd_wl2, s->ack))) {
        t->snd_wnd = wnd;
        t->snd_wl1 = s->seq;
        t->snd_wl2 = s->ack;
        if (wnd > t->max_wnd)
            t->max_wnd = wnd;
    }
    if (fin_acked(t)) {
        if (t->state == TCP_FIN_WAIT_1) {
            tcp_state_set(t, TCP_FIN_WAIT_2);
            if (t->orphan) {
                t->fin_wait_at = ktime_now() + TCP_FIN_TIMEOUT_MS * KTIME_MS;
                tcp_timer_at(t->fin_wait_at);
            }
        } else if (t->state == TCP_CLOSING) {
            tcp_svc_wake(t);
            enter_time_wait(t);
            return false;
        } else if (t->state == TCP_LAST_ACK) {
            tcp_svc_wake(t);
            tcp_drop(t, KERR_CLOSED);
            return false;
        }
    }
    return true;
}

/* Step 5: segment text, then the FIN. */
static void data_arrives(tcp_tcb_t *t, const tcp_seg_t *s)
{
    uint32_t seq = s->seq, len = s->len;
    const uint8_t *d = s->data;
    bool fin = (s->flags & TCP_FIN) != 0;
    bool can_rx = t->state == TCP_ESTABLISHED || t->state == TCP_FIN_WAIT_1 ||
                  t->state == TCP_FIN_WAIT_2;
    if (len && t->orphan && can_rx) {
        /* Data for an application that is gone (RFC 9293 3.10.7.4). */
        tcp_send_ctl(t, TCP_RST, t->snd_nxt);
        tcp_drop(t, KERR_RESET);
        return;
    }
    if (!can_rx)
        len = 0;
    if (SEQ_LT(seq, t->rcv_nxt)) {
        uint32_t skip = t->rcv_nxt - seq;
        if (skip > len) {
            t->ack_now = true; /* only old data: our ACK was lost */
            return;
        }
        seq += skip, d += skip, len -= skip;
    }
    uint32_t off = seq - t->rcv_nxt, space = tcp_rb_space(t);
    if (len && off >= space) {
        t->ack_now = true;
        tcp_stats.drop_out_of_window++;
        return;
    }
    if (len > space - off) {
        len = space - off;
        fin = false;
    }
    uint8_t had_ooo = t->nooo;
    if (len) {
        uint32_t got = tcp_rb_store(t, seq, d, len);
        if (off || had_ooo || !got) {
            t->ack_now = true; /* out of order or a hole filled: at once */
        } else if (++t->unacked_segs >= 2) {
            t->ack_now = true; /* every second segment (RFC 9293 3.8.6.3) */
        } else if (!t->delack_at) {
            t->delack_at = ktime_now() + TCP_DELACK_MS * KTIME_MS;
            tcp_timer_at(t->delack_at);
        }
    }
    if (fin && seq + len == t->rcv_nxt && !t->fin_rcvd) {
        t->fin_rcvd = true;
        t->rcv_nxt++;
        t->ack_now = true;
        if (t->state == TCP_ESTABLISHED)
            tcp_state_set(t, TCP_CLOSE_WAIT);
        else if (t->state == TCP_FIN_WAIT_1)
            tcp_state_set(t, TCP_CLOSING);
        else if (t->state == TCP_FIN_WAIT_2) {
            tcp_svc_wake(t);
            enter_time_wait(t);
            return;
        }
    } else if (fin && t->state == TCP_TIME_WAIT) {
        t->ack_now = true; /* a retransmitted FIN */
    }
    tcp_svc_wake(t);
}

static void segment_arrives(tcp_tcb_t *t, const tcp_seg_t *s)
{
    if (t->state == TCP_SYN_SENT) {
        syn_sent_input(t, s);
        return;
    }
    if (s->flags & TCP_SYN) {
        if (t->state == TCP_SYN_RCVD && s->seq == t->irs) {
            t->snd_nxt = t->iss; /* our SYN-ACK was lost: again */
            tcp_output(t);
        } else {
            tcp_send_challenge_ack(t); /* RFC 5961 4.2 */
        }
        return;
    }
    if (t->ts_ok && s->has_ts && !(s->flags & TCP_RST) &&
        SEQ_LT(s->tsval, t->ts_recent)) {
        tcp_stats.drop_out_of_window++; /* PAWS, RFC 7323 5.3 */
        NET_COUNT(tcp_drop_paws);
        t->ack_now = true;
        tcp_output(t);
        return;
    }
    if (!seq_acceptable(t, s)) {
        tcp_stats.drop_out_of_window++;
        if (!(s->flags & TCP_RST)) {
            t->ack_now = true;
            tcp_output(t);
        }
        return;
    }
    t->last_rx = ktime_now();
    t->ka_probes = 0;
    if (s->flags & TCP_RST) {
        rst_arrives(t, s);
        return;
    }
    if (!(s->flags & TCP_ACK)) {
        tcp_stats.drop_malformed++;
        return;
    }
    if (t->ts_ok && s->has_ts && SEQ_LEQ(s->seq, t->last_ack_sent))
        t->ts_recent = s->tsval;
    if (!ack_arrives(t, s))
        return;
    data_arrives(t, s);
    if (t->state == TCP_CLOSED)
        return;
    tcp_output(t);
}

/* ---- TIME-WAIT entries ---- */

static void tw_input(tcp_tw_t *w, const net_ip_hdr_t *h, const tcp_seg_t *s)
{
    if (s->flags & TCP_RST) {
        if (s->seq == w->rcv_nxt)
            w->local_port = 0;
        return;
    }
    if ((s->flags & TCP_SYN) && !(s->flags & TCP_ACK) &&
        SEQ_GT(s->seq, w->rcv_nxt)) {
        /* A new incarnation (RFC 9293 3.6.1): forget the old one. */
        tcp_lsn_t *l = tcp_lsn_find(s->dport);
        w->local_port = 0;
        if (l)
            listen_input(l, h, s);
        return;
    }
    if (s->flags & TCP_FIN)
        w->expire = ktime_now() + TCP_TIMEWAIT_MS * KTIME_MS;
    tcp_send_tw_ack(w);
}

/* ---- entry ---- */

static bool segment_ok(const net_ip_hdr_t *h, const uint8_t *u, uint32_t len,
                       tcp_seg_t *s)
{
    if (h->dst != net_if.ip || net_ip_is_broadcast(h->dst)) {
        NET_COUNT(tcp_drop_dst); /* TCP is unicast only */
        return false;
    }
    if (len < TCP_HLEN) {
        tcp_stats.drop_malformed++;
        NET_COUNT(tcp_drop_malformed);
        return false;
    }
    if (!net_tcp_cksum_ok(u, len, h->src, h->dst)) {
        tcp_stats.drop_checksum++;
        NET_COUNT(tcp_drop_cksum);
        return false;
    }
    if (net_tcp_parse(u, len, s) != TCP_PARSE_OK) {
        tcp_stats.drop_malformed++;
        NET_COUNT(tcp_drop_malformed);
        return false;
    }
    return true;
}

bool net_tcp_input(const net_ip_hdr_t *h, const uint8_t *p)
{
    const uint8_t *u = p + h->hlen;
    uint32_t len = (uint32_t)h->total - h->hlen;
    tcp_seg_t s;
    if (!segment_ok(h, u, len, &s))
        return true;
    tcp_stats.segs_rx++;
    NET_COUNT(tcp_rx);
    tcp_tcb_t *t = tcp_tcb_find(h->dst, s.dport, h->src, s.sport);
    if (t) {
        segment_arrives(t, &s);
        return true;
    }
    tcp_tw_t *w = tcp_tw_find(h->dst, s.dport, h->src, s.sport);
    if (w) {
        tw_input(w, h, &s);
        return true;
    }
    tcp_lsn_t *l = tcp_lsn_find(s.dport);
    if (l) {
        listen_input(l, h, &s);
        return true;
    }
    tcp_stats.drop_no_conn++;
    NET_COUNT(tcp_drop_noconn);
    if (s.flags & TCP_SYN)
        tcp_stats.conns_refused++;
    tcp_send_rst_for(h->src, h->dst, &s);
    return true;
}
