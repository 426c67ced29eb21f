/* net: TCP's timers, polled from the stack's one timer (net/timer.c).
 *
 * Each control block keeps absolute deadlines (0 = off): rto_at for
 * retransmission and, when nothing is in flight but data waits on a zero
 * window, the persist probe; delack_at for a delayed ACK; ka_at for
 * keepalive; fin_wait_at for an orphan's FIN-WAIT-2 and a TIME-WAIT block
 * kept for unread data. TIME-WAIT entries carry their own expiry. A poll
 * walks the pools (NET_TCP_CONNS + NET_TCP_TIMEWAIT entries) and returns
 * the earliest deadline; net_timer_kick pulls the timer in when a new
 * deadline is earlier than the armed one.
 */
#include "net/tcp/tcp_int.h"
#include "mote/ktime.h"
#include "net/timer.h"

void tcp_timer_at(uint64_t when)
{
    net_timer_kick(when);
}

void net_tcp_tx_ready(void)
{
    if (tcp_tx_blocked)
        net_timer_kick(0);
}

static int max_retries(const tcp_tcb_t *t)
{
    if (t->state == TCP_SYN_SENT)
        return TCP_SYN_RETRIES;
    if (t->state == TCP_SYN_RCVD)
        return TCP_SYNACK_RETRIES;
    return TCP_RETRIES;
}

static void on_rto(tcp_tcb_t *t)
{
    if (t->snd_una == t->snd_max && t->state != TCP_SYN_SENT &&
        t->state != TCP_SYN_RCVD) {
        /* Persist: probe a zero window with an old sequence number, which
         * the peer must answer with its current window. Never gives up
         * while answered (RFC 9293 3.8.6.1). */
        if (!t->snd_wnd && (t->sb_len || t->fin_queued)) {
            NET_COUNT(tcp_zero_window_probe);
            tcp_send_ctl(t, TCP_ACK, t->snd_una - 1);
            if (t->retries < 16)
                t->retries++;
            tcp_rto_arm(t);
        } else {
            tcp_output(t);
        }
        return;
    }
    if (t->retries >= max_retries(t)) {
        if (!(t->state == TCP_SYN_RCVD && t->lsn))
            tcp_stats.conns_timed_out++;
        tcp_drop(t, KERR_TIMEOUT);
        return;
    }
    t->retries++;
    t->rtt_timing = false;
    if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD) {
        tcp_retransmit_one(t);
    } else {
        tcp_cc_timeout(t);
        tcp_retransmit_one(t);
        t->snd_nxt = t->snd_una;
        /* Go-back-N from here: the first segment is on its way. */
        uint32_t first = tcp_min(t->mss, t->sb_len - (t->snd_una - t->sb_seq));
        t->snd_nxt = t->snd_una + first;
        if (t->fin_queued && t->snd_nxt == t->sb_seq + t->sb_len &&
            SEQ_GT(t->snd_max, t->snd_nxt))
            t->snd_nxt++;
    }
    tcp_rto_arm(t);
}

static void keepalive(tcp_tcb_t *t, uint64_t now)
{
    uint64_t idle = (uint64_t)t->ka_idle_s * KTIME_S;
    if (!t->ka_idle_s || (t->state != TCP_ESTABLISHED &&
                          t->state != TCP_CLOSE_WAIT)) {
        t->ka_at = 0;
        return;
    }
    if (now - t->last_rx < idle + (uint64_t)t->ka_probes * TCP_KA_INTVL_S * KTIME_S) {
        t->ka_at = t->last_rx + idle +
                   (uint64_t)t->ka_probes * TCP_KA_INTVL_S * KTIME_S;
        return;
    }
    if (t->ka_probes >= TCP_KA_PROBES) {
        tcp_stats.conns_timed_out++;
        tcp_drop(t, KERR_TIMEOUT);
        return;
    }
    t->ka_probes++;
    NET_COUNT(tcp_keepalive_tx);
    tcp_send_ctl(t, TCP_ACK, t->snd_una - 1);
    t->ka_at = now + TCP_KA_INTVL_S * KTIME_S;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return b && b < a ? b : a;
}

static uint64_t tcb_poll(tcp_tcb_t *t, uint64_t now)
{
    if (t->rto_at && now >= t->rto_at) {
        t->rto_at = 0;
        on_rto(t);
    }
    if (t->state != TCP_CLOSED && t->delack_at && now >= t->delack_at) {
        t->delack_at = 0;
        t->ack_now = true;
        tcp_output(t);
    }
    if (t->state != TCP_CLOSED && t->ka_at && now >= t->ka_at)
        keepalive(t, now);
    if (t->state != TCP_CLOSED && t->fin_wait_at && now >= t->fin_wait_at) {
        t->fin_wait_at = 0;
        tcp_drop(t, t->state == TCP_TIME_WAIT ? KERR_CLOSED : KERR_TIMEOUT);
    }
    if (t->state == TCP_CLOSED)
        return UINT64_MAX;
    uint64_t next = earliest(UINT64_MAX, t->rto_at);
    next = earliest(next, t->delack_at);
    next = earliest(next, t->ka_at);
    return earliest(next, t->fin_wait_at);
}

uint64_t net_tcp_poll(uint64_t now)
{
    bool blocked = tcp_tx_blocked;
    tcp_tx_blocked = false;
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < NET_TCP_CONNS; i++) {
        tcp_tcb_t *t = &tcp_tcbs[i];
        if (t->state == TCP_CLOSED)
            continue;
        if (blocked)
            tcp_output(t);
        uint64_t n = tcb_poll(t, now);
        if (n < next)
            next = n;
    }
    for (unsigned i = 0; i < NET_TCP_TIMEWAIT; i++) {
        tcp_tw_t *w = &tcp_tws[i];
        if (!w->local_port)
            continue;
        if (now >= w->expire)
            w->local_port = 0;
        else if (w->expire < next)
            next = w->expire;
    }
    return next;
}
