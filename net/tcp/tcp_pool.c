/* net: TCP's pools: control blocks, listeners, TIME-WAIT entries, and the
 * lookups over them. Linear scans: the pools are small (tcp_int.h) and a
 * scan of 64 four-tuples costs less than the checksum of one segment. */
#include "net/tcp/tcp_int.h"
#include "lib/kstring.h"
#include "mote/ktime.h"

tcp_tcb_t tcp_tcbs[NET_TCP_CONNS];
tcp_lsn_t tcp_lsns[NET_TCP_LISTENERS];
tcp_tw_t tcp_tws[NET_TCP_TIMEWAIT];
net_tcp_stats_t tcp_stats;

uint64_t tcp_now_ms(void)
{
    return ktime_now() / KTIME_MS;
}

tcp_tcb_t *tcp_tcb_alloc(void)
{
    for (unsigned i = 0; i < NET_TCP_CONNS; i++) {
        tcp_tcb_t *t = &tcp_tcbs[i];
        if (t->state != TCP_CLOSED)
            continue;
        /* Only the header: the rings need no clearing. */
        memset(t, 0, offsetof(tcp_tcb_t, sbuf));
        tcp_stats.conns_open++;
        return t;
    }
    return 0;
}

void tcp_tcb_free(tcp_tcb_t *t)
{
    if (t->state == TCP_CLOSED)
        return;
    t->state = TCP_CLOSED;
    tcp_stats.conns_open--;
}

tcp_tcb_t *tcp_tcb_find(uint32_t lip, uint16_t lport, uint32_t pip,
                        uint16_t pport)
{
    for (unsigned i = 0; i < NET_TCP_CONNS; i++) {
        tcp_tcb_t *t = &tcp_tcbs[i];
        if (t->state != TCP_CLOSED && t->local_port == lport &&
            t->peer_port == pport && t->peer_ip == pip && t->local_ip == lip)
            return t;
    }
    return 0;
}

tcp_lsn_t *tcp_lsn_find(uint16_t port)
{
    for (unsigned i = 0; i < NET_TCP_LISTENERS; i++)
        if (tcp_lsns[i].l && tcp_lsns[i].port == port)
            return &tcp_lsns[i];
    return 0;
}

bool tcp_port_used(uint16_t port)
{
    if (tcp_lsn_find(port))
        return true;
    for (unsigned i = 0; i < NET_TCP_CONNS; i++)
        if (tcp_tcbs[i].state != TCP_CLOSED && tcp_tcbs[i].local_port == port)
            return true;
    for (unsigned i = 0; i < NET_TCP_TIMEWAIT; i++)
        if (tcp_tws[i].local_port == port)
            return true;
    return false;
}

tcp_tw_t *tcp_tw_find(uint32_t lip, uint16_t lport, uint32_t pip,
                      uint16_t pport)
{
    for (unsigned i = 0; i < NET_TCP_TIMEWAIT; i++) {
        tcp_tw_t *w = &tcp_tws[i];
        if (w->local_port == lport && w->peer_port == pport &&
            w->peer_ip == pip && w->local_ip == lip)
            return w;
    }
    return 0;
}

void tcp_tw_enter(tcp_tcb_t *t, uint64_t now)
{
    tcp_tw_t *w = &tcp_tws[0];
    for (unsigned i = 0; i < NET_TCP_TIMEWAIT; i++) {
        if (!tcp_tws[i].local_port) {
            w = &tcp_tws[i];
            break;
        }
        if (tcp_tws[i].expire < w->expire)
            w = &tcp_tws[i]; /* full: recycle the oldest */
    }
    if (w->local_port)
        NET_COUNT(tcp_tw_recycled);
    *w = (tcp_tw_t){
        .local_ip = t->local_ip, .peer_ip = t->peer_ip,
        .local_port = t->local_port, .peer_port = t->peer_port,
        .snd_nxt = t->snd_max, .rcv_nxt = t->rcv_nxt, .ts_off = t->ts_off,
        .ts_recent = t->ts_recent, .ts_ok = t->ts_ok,
        .wnd = tcp_rcv_wnd_field(t),
        .expire = now + TCP_TIMEWAIT_MS * KTIME_MS,
    };
    tcp_timer_at(w->expire);
}
