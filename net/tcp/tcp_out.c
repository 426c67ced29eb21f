/* net: TCP output: segments, retransmission (RFC 6298) and congestion
 * control (NewReno: RFC 5681 slow start and congestion avoidance, RFC 6582
 * fast retransmit and recovery; docs/tcp.md says why not CUBIC).
 *
 * Every segment is built straight into a transmit buffer of the interface
 * pool (net/netif.h): TCP header and options, then the data copied out of
 * the send ring. When the pool is empty the segment is simply not sent:
 * data is covered by the retransmission timer and an owed ACK stays owed,
 * and tcp_tx_blocked asks the timer to try again as soon as a buffer is
 * freed (net_tcp_tx_ready).
 */
#include "net/tcp/tcp_int.h"
#include "lib/kstring.h"
#include "mote/ktime.h"
#include "net/ip.h"
#include "net/netif.h"

bool tcp_tx_blocked;

uint32_t tcp_ts_now(const tcp_tcb_t *t)
{
    return (uint32_t)tcp_now_ms() + t->ts_off;
}

uint32_t tcp_flight(const tcp_tcb_t *t)
{
    return t->snd_max - t->snd_una;
}

uint16_t tcp_rcv_wnd_field(tcp_tcb_t *t)
{
    uint32_t space = tcp_rb_space(t);
    uint32_t shift = t->ws_ok ? t->rcv_ws : 0;
    uint32_t w = tcp_min(space >> shift, 65535);
    /* Never move the right edge back (RFC 9293 3.8.6.2.2). */
    uint32_t edge = t->rcv_nxt + (w << shift);
    if (SEQ_LT(edge, t->rcv_adv) && !(t->state == TCP_SYN_SENT))
        w = tcp_min((t->rcv_adv - t->rcv_nxt) >> shift, 65535);
    t->rcv_adv = t->rcv_nxt + (w << shift);
    return (uint16_t)w;
}

static net_txbuf_t *tx_alloc(void)
{
    net_txbuf_t *b = net_tx_alloc();
    if (!b) {
        tcp_tx_blocked = true;
        NET_COUNT(tcp_tx_nobuf);
    }
    return b;
}

static void tx_finish(net_txbuf_t *b, uint8_t *p, uint32_t n, uint32_t src,
                      uint32_t dst)
{
    net_tcp_cksum_set(p, n, src, dst);
    tcp_stats.segs_tx++;
    NET_COUNT(tcp_tx);
    net_ip_output(b, src, dst, NET_IP_PROTO_TCP, n);
}

/* Send one segment of (t): (flags) at (seq), with (len) bytes of the send
 * ring from offset (off). False if no transmit buffer was free. */
static bool xmit(tcp_tcb_t *t, uint32_t seq, uint8_t flags, uint32_t off,
                 uint32_t len)
{
    net_txbuf_t *b = tx_alloc();
    if (!b)
        return false;
    uint8_t *p = net_ip_payload(b);
    tcp_hdr_out_t h = {
        .sport = t->local_port, .dport = t->peer_port, .seq = seq,
        .flags = flags, .ws = -1,
    };
    if (flags & TCP_ACK)
        h.ack = t->rcv_nxt;
    if (flags & TCP_SYN) {
        h.mss = TCP_MSS_MAX;
        if (t->ws_ok || t->state == TCP_SYN_SENT)
            h.ws = (int8_t)t->rcv_ws;
        h.sack_ok = t->sack_ok || t->state == TCP_SYN_SENT;
        h.wnd = (uint16_t)tcp_min(tcp_rb_space(t), 65535);
        t->rcv_adv = t->rcv_nxt + h.wnd;
    } else {
        h.wnd = tcp_rcv_wnd_field(t);
    }
    if (t->ts_ok || (flags & TCP_SYN && t->state == TCP_SYN_SENT)) {
        h.ts = true;
        h.tsval = tcp_ts_now(t);
        h.tsecr = t->ts_recent;
    }
    if (t->sack_ok && t->nooo && !(flags & TCP_SYN)) {
        /* SACK blocks only as far as the frame has room beside the data
         * (a full segment carries none; the duplicate ACKs do). */
        uint32_t used = TCP_HLEN + (h.ts ? 12 : 0) + len + 4;
        uint32_t fit = used < TCP_FRAME_MAX ? (TCP_FRAME_MAX - used) / 8 : 0;
        h.nsack = (uint8_t)tcp_min(t->nooo, fit);
        h.sack = t->ooo;
    }
    uint32_t hl = net_tcp_build(p, &h);
    if (len)
        tcp_sb_get(t, off, p + hl, len);
    if (flags & TCP_ACK) {
        t->ack_now = t->ack_delayed = false;
        t->delack_at = 0;
        t->unacked_segs = 0;
        t->last_ack_sent = t->rcv_nxt;
    }
    tx_finish(b, p, hl + len, t->local_ip, t->peer_ip);
    return true;
}

void tcp_send_ctl(tcp_tcb_t *t, uint8_t flags, uint32_t seq)
{
    xmit(t, seq, flags, 0, 0);
}

/* RFC 5961 7: a global budget per second, so challenge ACKs cannot be
 * turned into a reflection flood. */
static uint64_t challenge_start;
static uint32_t challenge_sent;

void tcp_out_reset(void)
{
    tcp_tx_blocked = false;
    challenge_start = 0;
    challenge_sent = 0;
}

void tcp_send_challenge_ack(tcp_tcb_t *t)
{
    uint64_t now = ktime_now();
    if (now - challenge_start >= KTIME_S) {
        challenge_start = now;
        challenge_sent = 0;
    }
    if (challenge_sent >= TCP_CHALLENGE_PER_S) {
        NET_COUNT(tcp_challenge_limited);
        return;
    }
    challenge_sent++;
    tcp_stats.challenge_acks++;
    xmit(t, t->snd_nxt, TCP_ACK, 0, 0);
}

uint8_t tcp_our_ws(void)
{
    uint8_t ws = 0;
    while ((NET_TCP_RCVBUF >> ws) > 65535)
        ws++;
    return ws;
}

void tcp_send_tw_ack(const tcp_tw_t *w)
{
    net_txbuf_t *b = tx_alloc();
    if (!b)
        return;
    uint8_t *p = net_ip_payload(b);
    tcp_hdr_out_t h = {
        .sport = w->local_port, .dport = w->peer_port, .seq = w->snd_nxt,
        .ack = w->rcv_nxt, .flags = TCP_ACK, .wnd = w->wnd, .ws = -1,
        .ts = w->ts_ok, .tsval = (uint32_t)tcp_now_ms() + w->ts_off,
        .tsecr = w->ts_recent,
    };
    uint32_t hl = net_tcp_build(p, &h);
    tx_finish(b, p, hl, w->local_ip, w->peer_ip);
}

void tcp_send_rst_for(uint32_t src, uint32_t dst, const tcp_seg_t *s)
{
    if (s->flags & TCP_RST)
        return; /* never answer a RST */
    net_txbuf_t *b = tx_alloc();
    if (!b)
        return;
    uint8_t *p = net_ip_payload(b);
    tcp_hdr_out_t h = {.sport = s->dport, .dport = s->sport, .ws = -1};
    if (s->flags & TCP_ACK) {
        h.seq = s->ack;
        h.flags = TCP_RST;
    } else {
        h.ack = s->seq + s->len + !!(s->flags & TCP_SYN) +
                !!(s->flags & TCP_FIN);
        h.flags = TCP_RST | TCP_ACK;
    }
    uint32_t hl = net_tcp_build(p, &h);
    NET_COUNT(tcp_rst_tx);
    tx_finish(b, p, hl, dst, src);
}

void tcp_send_synack_stateless(uint32_t lip, uint32_t pip,
                               const tcp_seg_t *s, uint32_t iss,
                               uint16_t mss, uint32_t tsval)
{
    net_txbuf_t *b = tx_alloc();
    if (!b)
        return;
    (void)mss;
    uint8_t *p = net_ip_payload(b);
    tcp_hdr_out_t h = {
        .sport = s->dport, .dport = s->sport, .seq = iss, .ack = s->seq + 1,
        .flags = TCP_SYN | TCP_ACK, .mss = TCP_MSS_MAX, .ws = -1,
        .wnd = (uint16_t)tcp_min(NET_TCP_RCVBUF, 65535),
    };
    if (s->has_ts) {
        /* The options ride in the timestamp (tcp_secret.c). */
        h.ts = true;
        h.tsval = tsval;
        h.tsecr = s->tsval;
        h.sack_ok = s->sack_ok;
        if (s->has_ws)
            h.ws = (int8_t)tcp_our_ws();
    }
    uint32_t hl = net_tcp_build(p, &h);
    tx_finish(b, p, hl, lip, pip);
}

/* ---- retransmission timer (RFC 6298) ---- */

static uint32_t rto_current(const tcp_tcb_t *t)
{
    uint64_t r = (uint64_t)t->rto_ms << (t->retries < 16 ? t->retries : 16);
    return r > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : (uint32_t)r;
}

void tcp_rto_arm(tcp_tcb_t *t)
{
    t->rto_at = ktime_now() + (uint64_t)rto_current(t) * KTIME_MS;
    tcp_timer_at(t->rto_at);
}

void tcp_rtt_sample(tcp_tcb_t *t, uint32_t r)
{
    if (r > TCP_RTO_MAX_MS)
        return; /* an echo from before a wrap, or garbage */
    if (!t->srtt8) {
        t->srtt8 = r * 8 ? r * 8 : 1;
        t->rttvar4 = r * 2;
    } else {
        uint32_t srtt = t->srtt8 >> 3;
        uint32_t err = srtt > r ? srtt - r : r - srtt;
        t->rttvar4 = t->rttvar4 - (t->rttvar4 >> 2) + err;
        t->srtt8 = t->srtt8 - (t->srtt8 >> 3) + r;
    }
    uint32_t rto = (t->srtt8 >> 3) + (t->rttvar4 > 1 ? t->rttvar4 : 1);
    if (rto < TCP_RTO_MIN_MS)
        rto = TCP_RTO_MIN_MS;
    t->rto_ms = rto > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : rto;
}

/* ---- output ---- */

static void output_syn(tcp_tcb_t *t)
{
    if (t->snd_nxt != t->iss)
        return;
    uint8_t fl = TCP_SYN | (t->state == TCP_SYN_RCVD ? TCP_ACK : 0);
    if (xmit(t, t->iss, fl, 0, 0)) {
        t->snd_nxt = t->iss + 1;
        if (SEQ_GT(t->snd_nxt, t->snd_max))
            t->snd_max = t->snd_nxt;
    }
    if (!t->rto_at)
        tcp_rto_arm(t);
}

/* Nagle (RFC 9293 3.7.4) and sender-side SWS avoidance: may a segment of
 * (len) bytes go now, with (avail) bytes unsent and (fin) to follow? */
static bool may_send(const tcp_tcb_t *t, uint32_t len, uint32_t avail,
                     bool fin)
{
    if (len >= t->mss || fin)
        return true;
    bool idle = t->snd_nxt == t->snd_una;
    if (len == avail && (t->nodelay || idle))
        return true;
    return idle || (t->max_wnd && len >= t->max_wnd / 2);
}

void tcp_output(tcp_tcb_t *t)
{
    if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD) {
        output_syn(t);
        return;
    }
    if (t->state == TCP_CLOSED)
        return;
    if (t->state == TCP_TIME_WAIT) {
        if (t->ack_now)
            xmit(t, t->snd_max, TCP_ACK, 0, 0);
        return;
    }
    for (;;) {
        if (SEQ_LT(t->snd_nxt, t->snd_max) && t->nsacked) {
            /* Going back after a timeout: skip what the peer holds. */
            uint32_t k = tcp_sack_skip(t, t->snd_nxt);
            t->snd_nxt = SEQ_GT(k, t->snd_max) ? t->snd_max : k;
        }
        uint32_t off = t->snd_nxt - t->sb_seq;
        uint32_t avail = SEQ_LEQ(t->snd_nxt, t->sb_seq + t->sb_len)
                             ? t->sb_len - off : 0;
        uint32_t wnd = tcp_min(t->snd_wnd, t->cwnd);
        uint32_t infl = t->snd_nxt - t->snd_una;
        uint32_t usable = wnd > infl ? wnd - infl : 0;
        uint32_t len = tcp_min(tcp_min(avail, usable), t->mss);
        bool fin = t->fin_queued && t->snd_nxt + len == t->sb_seq + t->sb_len;
        if (fin && len < avail)
            fin = false;
        if (!len && !fin)
            break;
        if (!may_send(t, len, avail, fin))
            break;
        uint8_t fl = TCP_ACK | (fin ? TCP_FIN : 0) |
                     (len && len == avail ? TCP_PSH : 0);
        if (!xmit(t, t->snd_nxt, fl, off, len))
            break;
        if (len && !t->rtt_timing && !t->ts_ok && t->snd_nxt == t->snd_max) {
            t->rtt_timing = true;
            t->rtt_seq = t->snd_nxt;
            t->rtt_start = ktime_now();
        }
        if (t->snd_nxt != t->snd_max)
            tcp_stats.retransmits++;
        t->snd_nxt += len + fin;
        if (SEQ_GT(t->snd_nxt, t->snd_max))
            t->snd_max = t->snd_nxt;
        if (!t->rto_at)
            tcp_rto_arm(t);
    }
    /* Data waits on a zero window: the timer probes it (persist). */
    if (!t->rto_at && t->snd_una == t->snd_max &&
        (t->sb_len || t->fin_queued) && !t->snd_wnd)
        tcp_rto_arm(t);
    if (t->ack_now)
        xmit(t, t->snd_nxt, TCP_ACK, 0, 0);
}

void tcp_retransmit_one(tcp_tcb_t *t)
{
    tcp_stats.retransmits++;
    NET_COUNT(tcp_retransmit);
    t->rtt_timing = false; /* Karn */
    if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD) {
        t->snd_nxt = t->iss;
        output_syn(t);
        return;
    }
    uint32_t off = t->snd_una - t->sb_seq;
    uint32_t len = off < t->sb_len ? tcp_min(t->sb_len - off, t->mss) : 0;
    bool fin = t->fin_queued && t->snd_una + len == t->sb_seq + t->sb_len &&
               SEQ_GT(t->snd_max, t->snd_una + len);
    if (!len && !fin)
        return;
    xmit(t, t->snd_una, TCP_ACK | (fin ? TCP_FIN : 0), off, len);
}

void tcp_retransmit_at(tcp_tcb_t *t, uint32_t seq, uint32_t len)
{
    uint32_t off = seq - t->sb_seq;
    if (SEQ_LT(seq, t->sb_seq) || off >= t->sb_len)
        return;
    len = tcp_min(len, t->sb_len - off);
    tcp_stats.retransmits++;
    NET_COUNT(tcp_retransmit);
    t->rtt_timing = false;
    xmit(t, seq, TCP_ACK, off, len);
}

/* Recovery: resend the first unacknowledged segment if not done yet,
 * else the next hole the peer's SACK blocks show (tcp_sack.c). */
static void recovery_resend(tcp_tcb_t *t)
{
    uint32_t seq, len;
    if (SEQ_LT(t->rexmit_nxt, t->snd_una))
        t->rexmit_nxt = t->snd_una;
    if (t->rexmit_nxt == t->snd_una) {
        tcp_retransmit_one(t);
        t->rexmit_nxt = t->snd_una + t->mss;
        return;
    }
    if (tcp_sack_hole(t, t->rexmit_nxt, &seq, &len)) {
        tcp_retransmit_at(t, seq, len);
        t->rexmit_nxt = seq + len;
    }
}

/* ---- congestion control: NewReno ---- */

void tcp_init_cc(tcp_tcb_t *t)
{
    /* RFC 6928: min(10 MSS, max(2 MSS, 14600)). */
    uint32_t floor = 2u * t->mss > 14600 ? 2u * t->mss : 14600;
    t->cwnd = tcp_min(10u * t->mss, floor);
    t->ssthresh = 0x7fffffff;
}

static uint32_t half_flight(const tcp_tcb_t *t)
{
    uint32_t h = tcp_flight(t) / 2;
    return h > 2u * t->mss ? h : 2u * t->mss;
}

void tcp_cc_ack(tcp_tcb_t *t, uint32_t ack, uint32_t acked)
{
    if (t->in_recovery) {
        if (SEQ_GEQ(ack, t->recover)) {
            /* Full acknowledgment: leave recovery (RFC 6582 3.2 step 3). */
            uint32_t f = tcp_flight(t) + t->mss;
            t->cwnd = tcp_min(t->ssthresh, f);
            t->in_recovery = false;
        } else {
            /* Partial: the next hole is lost too; deflate by what was
             * acknowledged, add one MSS back (step 4). */
            recovery_resend(t);
            t->cwnd = t->cwnd > acked ? t->cwnd - acked : t->mss;
            if (acked >= t->mss)
                t->cwnd += t->mss;
            tcp_rto_arm(t);
        }
        t->dupacks = 0;
        return;
    }
    t->dupacks = 0;
    if (t->cwnd < t->ssthresh) {
        t->cwnd += tcp_min(acked, t->mss);
    } else {
        t->acked_in_ca += acked;
        if (t->acked_in_ca >= t->cwnd) {
            t->acked_in_ca -= t->cwnd;
            t->cwnd += t->mss;
        }
    }
    if (t->cwnd > 4u * NET_TCP_SNDBUF)
        t->cwnd = 4u * NET_TCP_SNDBUF; /* no use growing past the ring */
}

/* Duplicate ACKs that mean loss: 3, or fewer when so little is in flight
 * and nothing new can be sent that 3 could never come (RFC 5827 early
 * retransmit). */
static uint32_t dupthresh(const tcp_tcb_t *t)
{
    uint32_t segs = (tcp_flight(t) + t->mss - 1) / t->mss;
    bool unsent = SEQ_LT(t->snd_max, t->sb_seq + t->sb_len);
    if (unsent || !t->nsacked)
        return 3;
    if (tcp_sack_bytes(t) + t->mss >= tcp_flight(t))
        return 1; /* all but the first segment arrived: it is lost */
    if (segs >= 4)
        return 3;
    return segs > 2 ? segs - 1 : 1;
}

void tcp_cc_dupack(tcp_tcb_t *t)
{
    t->dupacks++;
    if (t->in_recovery) {
        t->cwnd += t->mss; /* inflate: one segment left the network */
        if (t->nsacked)
            recovery_resend(t);
        return;
    }
    /* RFC 6675 IsLost: enough SACKed above the hole means loss even if
     * the duplicate ACKs themselves were lost or rode on data. */
    if (t->dupacks < dupthresh(t) && tcp_sack_bytes(t) < 3u * t->mss)
        return;
    /* RFC 6582 3.2 step 1: only if this loss is past the last recovery. */
    if (!SEQ_GT(t->snd_una, t->recover) && t->recover != t->iss)
        return;
    t->ssthresh = half_flight(t);
    t->recover = t->snd_max;
    t->in_recovery = true;
    NET_COUNT(tcp_fast_retransmit);
    t->rexmit_nxt = t->snd_una;
    recovery_resend(t);
    t->cwnd = t->ssthresh + 3u * t->mss;
}

void tcp_cc_timeout(tcp_tcb_t *t)
{
    t->ssthresh = half_flight(t);
    t->cwnd = t->mss;
    t->acked_in_ca = 0;
    t->in_recovery = false;
    t->dupacks = 0;
    t->recover = t->snd_max;
    t->snd_nxt = t->snd_una; /* go back: resend from the first hole */
}
