/* net: the KOP_CLASS_TCP service of the IP stack: the contract of
 * include/mote/net.h on top of the control blocks.
 *
 * The application's net_tcp_conn_t points at its control block (priv, and
 * handle = pool index) while the connection lives. When the connection
 * dies, or ends cleanly in TIME-WAIT, the block is freed at once and the
 * conn remembers only why: priv = NULL, handle = -(kerr_t), so every later
 * request completes with that error (KERR_CLOSED after a clean end).
 *
 * Requests wait in the conn's own queues (rx, tx: kernel/kqueue.h, linked
 * through svc_priv) and in the listener's accepts. A send is copied into
 * the send ring as room appears; its `done` grows as it is taken, which is
 * what a cancelled or failed send reports.
 */
#include "net/tcp/tcp_int.h"
#include "kernel/kqueue.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "net/netif.h"

static uint16_t next_ephemeral;

static net_tcp_req_t *req_of(kwork_t *w)
{
    return KCONTAINER_OF(w, net_tcp_req_t, work);
}

static tcp_tcb_t *tcb_of(const net_tcp_conn_t *c)
{
    if (!c || c->handle < 0 || c->handle >= NET_TCP_CONNS || !c->priv)
        return 0;
    tcp_tcb_t *t = &tcp_tcbs[c->handle];
    return t == c->priv && t->conn == c ? t : 0;
}

static kerr_t dead_err(const net_tcp_conn_t *c)
{
    return c->handle < 0 && !c->priv ? (kerr_t)(-c->handle) : KERR_INVALID;
}

static void fail_queue(kqueue_t *q, kerr_t err)
{
    kwork_t *w;
    while ((w = kq_pop(q)) != 0)
        kcomplete(w, err);
}

/* Detach (c) from its block, remembering (err) for later requests, and
 * complete what waits on it. */
static void conn_detach(net_tcp_conn_t *c, kerr_t err, kerr_t req_err)
{
    fail_queue(&c->rx, req_err);
    fail_queue(&c->tx, req_err);
    if (c->shutdown) {
        kwork_t *w = c->shutdown;
        c->shutdown = 0;
        kcomplete(w, req_err == KERR_CLOSED ? KERR_OK : req_err);
    }
    c->priv = 0;
    c->handle = -(intptr_t)err;
}

static void lsn_unqueue(tcp_tcb_t *t)
{
    tcp_lsn_t *l = t->lsn;
    if (!l)
        return;
    if (t->state == TCP_SYN_RCVD) {
        l->nsyn--;
    } else {
        tcp_tcb_t **pp = &l->acc_head, *prev = 0;
        for (; *pp && *pp != t; prev = *pp, pp = &(*pp)->next)
            ;
        if (*pp) {
            *pp = t->next;
            if (l->acc_tail == t)
                l->acc_tail = prev;
            l->nacc--;
        }
    }
    t->lsn = 0;
}

void tcp_drop(tcp_tcb_t *t, kerr_t err)
{
    if (t->state == TCP_CLOSED)
        return;
    lsn_unqueue(t);
    if (t->connect) {
        kwork_t *w = t->connect;
        t->connect = 0;
        if (t->conn) {
            t->conn->priv = 0;
            t->conn->handle = -1;
        }
        t->conn = 0;
        kcomplete(w, err == KERR_RESET ? KERR_REFUSED : err);
    }
    if (t->conn) {
        /* Unread data is still the application's after a clean end. */
        conn_detach(t->conn, err, err);
        t->conn = 0;
    }
    tcp_tcb_free(t);
}

/* ---- moving data between requests and rings ---- */

static void queue_fin(tcp_tcb_t *t)
{
    if (t->fin_queued)
        return;
    t->fin_queued = true;
    if (t->state == TCP_ESTABLISHED || t->state == TCP_SYN_RCVD)
        tcp_state_set(t, TCP_FIN_WAIT_1);
    else if (t->state == TCP_CLOSE_WAIT)
        tcp_state_set(t, TCP_LAST_ACK);
}

static bool tx_fill(tcp_tcb_t *t, net_tcp_conn_t *c)
{
    bool took = false;
    while (!kq_empty(&c->tx)) {
        net_tcp_req_t *r = req_of(c->tx.head);
        uint32_t n = tcp_sb_put(t, (const uint8_t *)r->buf + r->done,
                                r->len - r->done);
        r->done += n;
        took |= n != 0;
        if (r->done < r->len)
            break;
        kcomplete(kq_pop(&c->tx), KERR_OK);
    }
    if (kq_empty(&c->tx) && c->shutdown && !t->fin_queued) {
        queue_fin(t);
        took = true;
    }
    return took;
}

/* Reading made room: tell the peer when the window grew by enough to
 * matter (receiver SWS avoidance, RFC 9293 3.8.6.2.2). */
static void window_update(tcp_tcb_t *t)
{
    uint32_t adv = t->rcv_adv - t->rcv_nxt, space = tcp_rb_space(t);
    if (space > adv && (space - adv >= 2u * t->mss ||
                        space - adv >= NET_TCP_RCVBUF / 2 || !adv))
        t->ack_now = true;
}

static void rx_fill(tcp_tcb_t *t, net_tcp_conn_t *c)
{
    bool read = false;
    while (!kq_empty(&c->rx)) {
        net_tcp_req_t *r = req_of(c->rx.head);
        if (t->rb_len) {
            r->done = tcp_rb_read(t, r->buf, r->len);
            read = true;
            kcomplete(kq_pop(&c->rx), KERR_OK);
        } else if (t->fin_rcvd) {
            r->done = 0;
            kcomplete(kq_pop(&c->rx), KERR_CLOSED);
        } else {
            break;
        }
    }
    if (read)
        window_update(t);
}

void tcp_svc_wake(tcp_tcb_t *t)
{
    net_tcp_conn_t *c = t->conn;
    if (!c || !t->accepted)
        return;
    rx_fill(t, c);
    tx_fill(t, c);
    if (c->shutdown && t->fin_queued &&
        SEQ_GT(t->snd_una, t->sb_seq + t->sb_len)) {
        kwork_t *w = c->shutdown;
        c->shutdown = 0;
        kcomplete(w, KERR_OK);
    }
    if (t->state == TCP_TIME_WAIT && !t->rb_len) {
        /* The last unread byte went: now a compact TIME-WAIT entry. */
        tcp_tw_enter(t, ktime_now());
        tcp_drop(t, KERR_CLOSED);
    }
}

/* ---- establishing ---- */

static void conn_bind(tcp_tcb_t *t, net_tcp_conn_t *c)
{
    c->local = (net_addr_t){t->local_ip, t->local_port};
    c->peer = (net_addr_t){t->peer_ip, t->peer_port};
    c->handle = (intptr_t)(t - tcp_tcbs);
    c->priv = t;
    c->rx = c->tx = (kqueue_t){0};
    c->shutdown = 0;
    c->open = 1;
    t->conn = c;
    t->accepted = true;
}

static bool accept_one(net_tcp_listener_t *l)
{
    tcp_lsn_t *lsn = l->priv;
    tcp_tcb_t *t = lsn->acc_head;
    if (!t || kq_empty(&l->accepts))
        return false;
    lsn->acc_head = t->next;
    if (!lsn->acc_head)
        lsn->acc_tail = 0;
    lsn->nacc--;
    t->lsn = 0;
    t->next = 0;
    net_tcp_req_t *r = req_of(kq_pop(&l->accepts));
    conn_bind(t, r->conn);
    r->peer = r->conn->peer;
    kcomplete(&r->work, KERR_OK);
    tcp_svc_wake(t);
    return true;
}

void tcp_svc_established(tcp_tcb_t *t)
{
    if (t->connect) {
        kwork_t *w = t->connect;
        t->connect = 0;
        net_tcp_conn_t *c = t->conn;
        conn_bind(t, c);
        req_of(w)->peer = c->peer;
        kcomplete(w, KERR_OK);
        return;
    }
    tcp_lsn_t *l = t->lsn;
    if (!l)
        return;
    t->next = 0;
    if (l->acc_tail)
        l->acc_tail->next = t;
    else
        l->acc_head = t;
    l->acc_tail = t;
    l->nacc++;
    accept_one(l->l);
}

static uint16_t ephemeral_port(void)
{
    unsigned span = 65536 - TCP_EPHEMERAL_LO;
    if (!next_ephemeral && kcsprng_ready())
        kcsprng_fill(&next_ephemeral, sizeof next_ephemeral);
    for (unsigned i = 0; i < span; i++) {
        uint16_t p = (uint16_t)(TCP_EPHEMERAL_LO + (next_ephemeral++ % span));
        if (!tcp_port_used(p))
            return p;
    }
    return 0;
}

static bool routable(uint32_t ip)
{
    if (!net_if.ip || !ip || net_ip_is_broadcast(ip) || (ip >> 28) == 14)
        return false;
    return (ip & net_if.mask) == (net_if.ip & net_if.mask) || net_if.gw;
}

static kerr_t connect_submit(net_tcp_req_t *r)
{
    net_tcp_conn_t *c = r->conn;
    if (!c || !r->peer.port)
        return KERR_INVALID;
    memset(c, 0, sizeof *c);
    c->handle = -1;
    if (!routable(r->peer.ip)) {
        kcomplete(&r->work, KERR_UNREACHABLE);
        return KERR_OK;
    }
    tcp_tcb_t *t = tcp_tcb_alloc();
    uint16_t port = t ? ephemeral_port() : 0;
    if (!port) {
        if (t)
            tcp_tcb_free(t);
        tcp_stats.conns_dropped_pool++;
        kcomplete(&r->work, KERR_NOMEM);
        return KERR_OK;
    }
    t->local_ip = net_if.ip;
    t->local_port = port;
    t->peer_ip = r->peer.ip;
    t->peer_port = r->peer.port;
    t->rto_ms = TCP_RTO_INIT_MS;
    t->mss = TCP_MSS_DEFAULT;
    t->rcv_ws = tcp_our_ws();
    t->ts_off = tcp_ts_offset(t->local_ip, port, t->peer_ip, t->peer_port);
    t->iss = tcp_isn(t->local_ip, port, t->peer_ip, t->peer_port);
    t->snd_una = t->snd_nxt = t->snd_max = t->iss;
    t->sb_seq = t->iss + 1;
    t->recover = t->iss;
    t->rtt_start = ktime_now();
    t->last_rx = ktime_now();
    t->conn = c;
    t->connect = &r->work;
    c->priv = t;
    c->handle = (intptr_t)(t - tcp_tcbs);
    tcp_state_set(t, TCP_SYN_SENT);
    tcp_init_cc(t);
    tcp_output(t);
    return KERR_OK;
}

/* ---- the service ---- */

static kerr_t conn_submit(kwork_t *w, net_tcp_conn_t *c)
{
    tcp_tcb_t *t = tcb_of(c);
    if (!t || !t->accepted) {
        kerr_t e = dead_err(c);
        if (e == KERR_INVALID)
            return KERR_INVALID;
        kcomplete(w, e);
        return KERR_OK;
    }
    switch (w->op) {
    case KOP_TCP_SEND:
        if (t->fin_queued || c->shutdown) {
            kcomplete(w, KERR_CLOSED);
            return KERR_OK;
        }
        kq_push(&c->tx, w);
        tx_fill(t, c);
        tcp_output(t);
        return KERR_OK;
    case KOP_TCP_RECV:
        kq_push(&c->rx, w);
        tcp_svc_wake(t); /* may end a TIME-WAIT kept for unread data */
        tcp_output(t);
        return KERR_OK;
    case KOP_TCP_SHUTDOWN:
        if (c->shutdown || t->fin_queued) {
            kcomplete(w, t->fin_queued && !c->shutdown ? KERR_CLOSED : KERR_BUSY);
            return KERR_OK;
        }
        c->shutdown = w;
        tx_fill(t, c);
        tcp_output(t);
        return KERR_OK;
    default:
        return KERR_INVALID;
    }
}

static kerr_t tcp_submit(kwork_t *w)
{
    net_tcp_req_t *r = req_of(w);
    if ((w->op == KOP_TCP_SEND || w->op == KOP_TCP_RECV) && r->len && !r->buf)
        return KERR_INVALID;
    if (w->op == KOP_TCP_ACCEPT) {
        net_tcp_listener_t *l = r->listener;
        if (!l || !l->open || !l->priv || !r->conn)
            return KERR_INVALID;
        memset(r->conn, 0, sizeof *r->conn);
        r->conn->handle = -1;
        kq_push(&l->accepts, w);
        accept_one(l);
        return KERR_OK;
    }
    if (w->op == KOP_TCP_CONNECT)
        return connect_submit(r);
    if (!r->conn || !r->conn->open)
        return KERR_INVALID;
    r->done = 0;
    return conn_submit(w, r->conn);
}

static bool tcp_cancel(kwork_t *w)
{
    net_tcp_req_t *r = req_of(w);
    net_tcp_conn_t *c = r->conn;
    switch (w->op) {
    case KOP_TCP_ACCEPT:
        return kq_remove(&r->listener->accepts, w);
    case KOP_TCP_CONNECT: {
        tcp_tcb_t *t = c ? c->priv : 0;
        if (!t || t->connect != w)
            return false;
        t->connect = 0;
        t->conn = 0;
        c->priv = 0;
        c->handle = -1;
        tcp_tcb_free(t);
        return true;
    }
    case KOP_TCP_SEND:
        return kq_remove(&c->tx, w);
    case KOP_TCP_RECV:
        return kq_remove(&c->rx, w);
    case KOP_TCP_SHUTDOWN:
        if (c->shutdown != w)
            return false;
        c->shutdown = 0;
        return true;
    default:
        return false;
    }
}

static kerr_t svc_listen(void *endpoint, uint32_t arg)
{
    net_tcp_listener_t *l = endpoint;
    uint16_t port = (uint16_t)arg;
    unsigned backlog = arg >> 16;
    if (!backlog || backlog > NET_TCP_BACKLOG_MAX)
        return KERR_INVALID;
    if (port && tcp_lsn_find(port))
        return KERR_BUSY;
    if (!port && !(port = ephemeral_port()))
        return KERR_BUSY;
    for (unsigned i = 0; i < NET_TCP_LISTENERS; i++) {
        tcp_lsn_t *s = &tcp_lsns[i];
        if (s->l)
            continue;
        *s = (tcp_lsn_t){.l = l, .port = port, .backlog = (uint16_t)backlog};
        l->port = port;
        l->handle = (intptr_t)i;
        l->priv = s;
        l->accepts = (kqueue_t){0};
        return KERR_OK;
    }
    return KERR_NOMEM;
}

static void svc_unlisten(void *endpoint)
{
    net_tcp_listener_t *l = endpoint;
    tcp_lsn_t *s = l->priv;
    if (!s || s->l != l)
        return;
    fail_queue(&l->accepts, KERR_CANCELLED);
    for (unsigned i = 0; i < NET_TCP_CONNS; i++) {
        tcp_tcb_t *t = &tcp_tcbs[i];
        if (t->state == TCP_CLOSED || t->lsn != s)
            continue;
        tcp_send_ctl(t, TCP_RST, t->snd_nxt);
        tcp_drop(t, KERR_RESET);
    }
    *s = (tcp_lsn_t){0};
    l->priv = 0;
}

static void conn_close(net_tcp_conn_t *c, bool abort)
{
    tcp_tcb_t *t = tcb_of(c);
    conn_detach(c, KERR_CANCELLED, KERR_CANCELLED);
    if (!t)
        return;
    t->conn = 0;
    t->orphan = true;
    bool synced = t->state != TCP_SYN_SENT && t->state != TCP_SYN_RCVD;
    if (abort || t->rb_len || t->state == TCP_SYN_SENT) {
        /* Unread data: RST (RFC 9293 3.10.4), not a polite FIN. */
        if (synced || t->state == TCP_SYN_RCVD)
            tcp_send_ctl(t, TCP_RST | TCP_ACK, t->snd_nxt);
        tcp_drop(t, KERR_CANCELLED);
        return;
    }
    if (t->state == TCP_TIME_WAIT) {
        tcp_tw_enter(t, ktime_now());
        tcp_drop(t, KERR_CLOSED);
        return;
    }
    if (t->state == TCP_FIN_WAIT_2) {
        t->fin_wait_at = ktime_now() + TCP_FIN_TIMEOUT_MS * KTIME_MS;
        tcp_timer_at(t->fin_wait_at);
    }
    queue_fin(t);
    tcp_output(t);
}

static kerr_t svc_ctl(void *endpoint, uint32_t cmd, uint32_t arg)
{
    if (cmd == NET_TCP_CTL_STATS) {
        memcpy(endpoint, &tcp_stats, sizeof tcp_stats);
        return KERR_OK;
    }
    net_tcp_conn_t *c = endpoint;
    if (cmd == NET_TCP_CTL_CLOSE || cmd == NET_TCP_CTL_ABORT) {
        conn_close(c, cmd == NET_TCP_CTL_ABORT);
        return KERR_OK;
    }
    tcp_tcb_t *t = tcb_of(c);
    if (!t)
        return dead_err(c);
    if (cmd == NET_TCP_CTL_NODELAY) {
        t->nodelay = arg != 0;
        tcp_output(t);
        return KERR_OK;
    }
    if (cmd == NET_TCP_CTL_KEEPALIVE) {
        t->ka_idle_s = arg;
        t->ka_probes = 0;
        t->ka_at = arg ? ktime_now() + (uint64_t)arg * KTIME_S : 0;
        if (t->ka_at)
            tcp_timer_at(t->ka_at);
        return KERR_OK;
    }
    return KERR_INVALID;
}

void net_tcp_reset(void)
{
    for (unsigned i = 0; i < NET_TCP_CONNS; i++)
        tcp_tcbs[i].state = TCP_CLOSED; /* alloc clears the rest */
    memset(tcp_lsns, 0, sizeof tcp_lsns);
    memset(tcp_tws, 0, sizeof tcp_tws);
    memset(&tcp_stats, 0, sizeof tcp_stats);
    tcp_out_reset();
    next_ephemeral = 0;
    tcp_secret_reset();
}

static const kservice_t net_tcp_service = {
    .name = "net-tcp",
    .submit = tcp_submit,
    .cancel = tcp_cancel,
    .open = svc_listen,
    .close = svc_unlisten,
    .ctl = svc_ctl,
};

void net_tcp_register(void)
{
    kservice_register(KOP_CLASS_TCP, &net_tcp_service);
}
