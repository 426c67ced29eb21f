/* Hosted TCP: the net.h TCP API served by the host's own TCP sockets.
 *
 * The mode `make run PLATFORM=hosted` uses when no TAP device is named (with
 * tap= the mote TCP on the IP stack serves instead). Like UDP (udp.c), a
 * listener on guest port G listens on 127.0.0.1:H when hostfwd=H:G maps it,
 * else on 127.0.0.1:G; connects go to the real host address asked for.
 *
 * Every socket is non-blocking and edge-triggered in the one epoll set
 * (hosted.h): an event records "readable"/"writable", and the queues of
 * armed requests are drained while the flag holds. The host kernel owns the
 * buffers, so the documented semantics map as follows:
 *  - send: the bytes the host's send() took count as "in the send buffer";
 *    a send completes when all of it is taken, `done` counts the bytes taken
 *    so far when it ends early (deadline, kcancel, error).
 *  - receive: recv() of what is there; 0 from recv() is the peer's FIN:
 *    KERR_CLOSED for that and every later receive.
 *  - shutdown: shutdown(SHUT_WR) once every queued send is taken; the host
 *    sends the FIN after the data. No event says when the peer ACKs it, so
 *    while a shutdown is pending a timerfd polls TCP_INFO every
 *    TCP_SHUT_POLL_NS and the request completes once the socket has left
 *    FIN-WAIT-1/CLOSING/LAST-ACK (i.e. our FIN is acknowledged).
 *  - close: with unread data the socket gets SO_LINGER 0 first so close()
 *    sends a RST (RFC 9293 3.10.4); otherwise the host finishes politely.
 *  - abort: SO_LINGER 0 and close(): a RST at once.
 *  - accept: out of descriptors (EMFILE & co), the listener is retried
 *    from the same timer every TCP_SHUT_POLL_NS: no new edge may come.
 *  - errors: ECONNREFUSED -> KERR_REFUSED, ECONNRESET/EPIPE -> KERR_RESET,
 *    ETIMEDOUT -> KERR_TIMEOUT, ENETUNREACH/EHOSTUNREACH -> KERR_UNREACHABLE;
 *    the first error sticks to the connection.
 * Deadlines and kcancel retract any queued request (cancel below).
 *
 * Counters the host does not expose (segments, checksum drops, SYN cookies,
 * the host's own backlog drops) stay zero; docs/hosted.md lists which.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "kernel/kservice.h"
#include "mote/net.h"
#include "mote/printk.h"
#include "platform/hosted/hosted.h"

#define TCP_MAX_LISTEN   16
#define TCP_MAX_CONNS    4096
#define TCP_SHUT_POLL_NS 2000000 /* 2 ms */

typedef struct hlisten {
    hosted_watch_t watch;
    net_tcp_listener_t *l;
    int readable, retry;
} hlisten_t;

typedef struct hconn {
    hosted_watch_t watch;
    net_tcp_conn_t *c;
    kwork_t *connect;        /* a pending KOP_TCP_CONNECT */
    struct hconn *next_shut; /* on the shutdown poll list */
    kerr_t err;              /* sticky error, KERR_OK while healthy */
    uint8_t readable, writable, eof, shut_wr, shut_polled, used;
} hconn_t;

static hlisten_t listens[TCP_MAX_LISTEN];
static hconn_t conns[TCP_MAX_CONNS];
static int free_conns[TCP_MAX_CONNS], nfree;
static hconn_t *shut_list;
static hosted_watch_t shut_timer = {.fd = -1};
static int shut_timer_on, nretry;

static void do_accept(hlisten_t *hl);
static net_tcp_stats_t stats;

static void conn_serve(hconn_t *h);
static void conn_fail(hconn_t *h, kerr_t err);

static kerr_t map_errno(int e)
{
    switch (e) {
    case ECONNREFUSED: return KERR_REFUSED;
    case ECONNRESET:
    case EPIPE: return KERR_RESET;
    case ETIMEDOUT: return KERR_TIMEOUT;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN: return KERR_UNREACHABLE;
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM: return KERR_NOMEM;
    default: return KERR_IO;
    }
}

static hconn_t *conn_alloc(int fd)
{
    if (!nfree)
        return NULL;
    hconn_t *h = &conns[free_conns[--nfree]];
    memset(h, 0, sizeof *h);
    h->used = 1;
    h->watch.fd = fd;
    return h;
}

static void conn_free(hconn_t *h)
{
    h->used = 0;
    h->c = NULL;
    free_conns[nfree++] = (int)(h - conns);
}

static void addr_of(const struct sockaddr_in *sa, net_addr_t *a)
{
    a->ip = ntohl(sa->sin_addr.s_addr);
    a->port = ntohs(sa->sin_port);
}

/* ---- the shutdown poll ---------------------------------------------- */

static void shut_timer_set(int on)
{
    if (on == shut_timer_on || shut_timer.fd < 0)
        return;
    struct itimerspec it = {0};
    if (on) {
        it.it_value.tv_nsec = TCP_SHUT_POLL_NS;
        it.it_interval.tv_nsec = TCP_SHUT_POLL_NS;
    }
    timerfd_settime(shut_timer.fd, 0, &it, NULL);
    shut_timer_on = on;
}

static void shut_unlist(hconn_t *h)
{
    for (hconn_t **p = &shut_list; *p; p = &(*p)->next_shut)
        if (*p == h) {
            *p = h->next_shut;
            break;
        }
    h->shut_polled = 0;
    h->next_shut = NULL;
    if (!shut_list && !nretry)
        shut_timer_set(0);
}

/* Has the peer acknowledged our FIN? */
static int fin_acked(hconn_t *h)
{
    struct tcp_info ti;
    socklen_t sl = sizeof ti;
    if (getsockopt(h->watch.fd, IPPROTO_TCP, TCP_INFO, &ti, &sl) < 0)
        return 1;
    return ti.tcpi_state != TCP_FIN_WAIT1 && ti.tcpi_state != TCP_CLOSING &&
           ti.tcpi_state != TCP_LAST_ACK;
}

static void shut_tick(hosted_watch_t *w, uint32_t events)
{
    (void)events;
    uint64_t n;
    while (read(w->fd, &n, sizeof n) > 0)
        ;
    for (int i = 0; i < TCP_MAX_LISTEN && nretry; i++)
        if (listens[i].l && listens[i].retry) {
            listens[i].retry = 0;
            nretry--;
            listens[i].readable = 1;
            do_accept(&listens[i]);
        }
    if (!shut_list && !nretry)
        shut_timer_set(0);
    for (hconn_t *h = shut_list, *next; h; h = next) {
        next = h->next_shut;
        if (h->c && h->c->shutdown && (h->err || fin_acked(h))) {
            kwork_t *sw = h->c->shutdown;
            h->c->shutdown = NULL;
            shut_unlist(h);
            kcomplete(sw, h->err ? h->err : KERR_OK);
        }
    }
}

/* Once no send is queued, a pending shutdown becomes shutdown(SHUT_WR). */
static void maybe_shut_wr(hconn_t *h)
{
    if (!h->c->shutdown || h->shut_polled || !kq_empty(&h->c->tx) || h->err)
        return;
    if (!h->shut_wr) {
        if (shutdown(h->watch.fd, SHUT_WR) < 0) {
            /* ENOTCONN: the peer reset it and we had not read the error
             * yet; the socket's pending error says which. */
            int e = errno, soerr = 0;
            socklen_t sl = sizeof soerr;
            getsockopt(h->watch.fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
            conn_fail(h, soerr           ? map_errno(soerr)
                         : e == ENOTCONN ? KERR_RESET
                                         : map_errno(e));
            return;
        }
        h->shut_wr = 1;
    }
    h->shut_polled = 1;
    h->next_shut = shut_list;
    shut_list = h;
    shut_timer_set(1);
}

/* ---- connections ------------------------------------------------------ */

/* The connection failed with (err): every queued request gets it. */
static void conn_fail(hconn_t *h, kerr_t err)
{
    kwork_t *w;
    if (!h->err) {
        h->err = err;
        if (err == KERR_RESET)
            stats.conns_reset++;
        else if (err == KERR_TIMEOUT)
            stats.conns_timed_out++;
    }
    while ((w = kq_pop(&h->c->rx)))
        kcomplete(w, h->err);
    while ((w = kq_pop(&h->c->tx)))
        kcomplete(w, h->err);
    if (h->c->shutdown) {
        if (h->shut_polled)
            shut_unlist(h);
        w = h->c->shutdown;
        h->c->shutdown = NULL;
        kcomplete(w, h->err);
    }
}

static void do_recv(hconn_t *h)
{
    net_tcp_conn_t *c = h->c;
    while (c->rx.head && (h->readable || h->eof)) {
        net_tcp_req_t *r = KCONTAINER_OF(c->rx.head, net_tcp_req_t, work);
        if (h->eof) {
            kq_pop(&c->rx);
            kcomplete(&r->work, KERR_CLOSED);
            continue;
        }
        ssize_t n = recv(h->watch.fd, r->buf, r->len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                h->readable = 0;
                break;
            }
            conn_fail(h, map_errno(errno));
            return;
        }
        if (n == 0) {
            h->eof = 1;
            continue;
        }
        kq_pop(&c->rx);
        r->done = (uint32_t)n;
        kcomplete(&r->work, KERR_OK);
    }
}

static void do_send(hconn_t *h)
{
    net_tcp_conn_t *c = h->c;
    while (c->tx.head && h->writable) {
        net_tcp_req_t *r = KCONTAINER_OF(c->tx.head, net_tcp_req_t, work);
        ssize_t n = r->len > r->done
                        ? send(h->watch.fd, (const char *)r->buf + r->done,
                               r->len - r->done, MSG_NOSIGNAL)
                        : 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                h->writable = 0;
                break;
            }
            conn_fail(h, map_errno(errno));
            return;
        }
        r->done += (uint32_t)n;
        if (r->done == r->len) {
            kq_pop(&c->tx);
            kcomplete(&r->work, KERR_OK);
        }
    }
    maybe_shut_wr(h);
}

static void conn_serve(hconn_t *h)
{
    if (h->err) {
        conn_fail(h, h->err);
        return;
    }
    do_recv(h);
    if (!h->err)
        do_send(h);
}

/* Make (h) the established connection (c). */
static void conn_establish(hconn_t *h, net_tcp_conn_t *c)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    h->c = c;
    c->open = 1;
    c->handle = (intptr_t)(h - conns);
    c->priv = h;
    c->rx.head = c->rx.tail = c->tx.head = c->tx.tail = NULL;
    c->shutdown = NULL;
    if (getsockname(h->watch.fd, (struct sockaddr *)&sa, &sl) == 0)
        addr_of(&sa, &c->local);
    sl = sizeof sa;
    if (getpeername(h->watch.fd, (struct sockaddr *)&sa, &sl) == 0)
        addr_of(&sa, &c->peer);
    stats.conns_open++;
}

static void connect_done(hconn_t *h, int soerr)
{
    kwork_t *w = h->connect;
    net_tcp_req_t *r = KCONTAINER_OF(w, net_tcp_req_t, work);
    h->connect = NULL;
    if (soerr) {
        hosted_unwatch(&h->watch);
        close(h->watch.fd);
        conn_free(h);
        r->conn->handle = -1;
        if (soerr == ECONNREFUSED)
            stats.conns_refused++;
        kcomplete(w, map_errno(soerr));
        return;
    }
    conn_establish(h, r->conn);
    r->peer = r->conn->peer;
    stats.active_opens++;
    kcomplete(w, KERR_OK);
}

static void conn_event(hosted_watch_t *w, uint32_t events)
{
    hconn_t *h = (hconn_t *)w;
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
        h->readable = 1;
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
        h->writable = 1;
    if (h->connect) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
        connect_done(h, soerr);
        return;
    }
    if (h->c)
        conn_serve(h);
}

static int conn_watch(hconn_t *h)
{
    h->watch.handler = conn_event;
    return hosted_watch(&h->watch, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
}

static kerr_t submit_connect(net_tcp_req_t *r)
{
    if (!r->conn || r->conn->open)
        return KERR_INVALID;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return KERR_NOMEM;
    hconn_t *h = conn_alloc(fd);
    if (!h) {
        close(fd);
        stats.conns_dropped_pool++;
        return KERR_NOMEM;
    }
    net_tcp_conn_t *c = r->conn;
    memset(c, 0, sizeof *c);
    c->handle = (intptr_t)(h - conns);
    c->priv = h;
    h->connect = &r->work;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons(r->peer.port),
                             .sin_addr.s_addr = htonl(r->peer.ip)};
    /* connect() before the watch: a socket that has not started connecting
     * polls as EPOLLOUT|EPOLLHUP, which would look like an outcome. */
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 &&
        errno != EINPROGRESS) {
        connect_done(h, errno); /* completes now: refused, unreachable */
        return KERR_OK;
    }
    if (conn_watch(h) < 0) {
        close(fd);
        conn_free(h);
        return KERR_NOMEM;
    }
    /* The EPOLLOUT edge (or an error) reports the outcome. */
    return KERR_OK;
}

/* ---- listeners -------------------------------------------------------- */

static void do_accept(hlisten_t *hl)
{
    net_tcp_listener_t *l = hl->l;
    while (l->accepts.head && hl->readable) {
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        int fd = accept4(hl->watch.fd, (struct sockaddr *)&sa, &sl,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            hl->readable = 0;
            if (errno != EAGAIN && errno != EWOULDBLOCK && !hl->retry) {
                /* Out of descriptors or memory: the connection stays
                 * queued and no new edge may come, so retry on a timer. */
                hl->retry = 1;
                nretry++;
                shut_timer_set(1);
            }
            break;
        }
        hconn_t *h = conn_alloc(fd);
        if (!h || conn_watch(h) < 0) {
            /* No slot: refuse cleanly with a RST, count it. */
            struct linger lg = {1, 0};
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            close(fd);
            if (h)
                conn_free(h);
            stats.conns_dropped_pool++;
            continue;
        }
        net_tcp_req_t *r =
            KCONTAINER_OF(kq_pop(&l->accepts), net_tcp_req_t, work);
        memset(r->conn, 0, sizeof *r->conn);
        conn_establish(h, r->conn);
        r->conn->local.port = l->port; /* the app's view: its guest port */
        addr_of(&sa, &r->peer);
        stats.passive_opens++;
        kcomplete(&r->work, KERR_OK);
    }
}

static void listen_event(hosted_watch_t *w, uint32_t events)
{
    hlisten_t *hl = (hlisten_t *)w;
    if (events & (EPOLLIN | EPOLLERR))
        hl->readable = 1;
    do_accept(hl);
}

static kerr_t tcp_listen(void *endpoint, uint32_t arg)
{
    net_tcp_listener_t *l = endpoint;
    uint16_t port = (uint16_t)arg;
    int backlog = (int)(arg >> 16);
    int slot = 0;
    while (slot < TCP_MAX_LISTEN && listens[slot].l)
        slot++;
    if (slot == TCP_MAX_LISTEN)
        return KERR_NOMEM;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return KERR_NOMEM;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons(hosted_host_port(port)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(fd, backlog) < 0) {
        int e = errno;
        printk(KLOG_ERR, "hosted: cannot listen on tcp 127.0.0.1:%u: %s",
               ntohs(sa.sin_port), strerror(e));
        close(fd);
        return e == EADDRINUSE ? KERR_BUSY : KERR_INVALID;
    }
    socklen_t sl = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    hlisten_t *hl = &listens[slot];
    memset(hl, 0, sizeof *hl);
    hl->l = l;
    hl->watch.fd = fd;
    hl->watch.handler = listen_event;
    if (hosted_watch(&hl->watch, EPOLLIN) < 0) {
        close(fd);
        hl->l = NULL;
        return KERR_NOMEM;
    }
    l->handle = slot;
    l->priv = hl;
    l->port = port ? port : ntohs(sa.sin_port);
    return KERR_OK;
}

static void tcp_unlisten(void *endpoint)
{
    net_tcp_listener_t *l = endpoint;
    hlisten_t *hl = l->priv;
    kwork_t *w;
    hosted_unwatch(&hl->watch);
    close(hl->watch.fd); /* the host resets connections not yet accepted */
    if (hl->retry) {
        hl->retry = 0;
        nretry--;
    }
    while ((w = kq_pop(&l->accepts)))
        kcomplete(w, KERR_CANCELLED);
    hl->l = NULL;
}

/* ---- the service ------------------------------------------------------ */

static kerr_t tcp_submit(kwork_t *w)
{
    net_tcp_req_t *r = KCONTAINER_OF(w, net_tcp_req_t, work);
    if (w->op == KOP_TCP_ACCEPT) {
        if (!r->listener || !r->listener->open || !r->conn)
            return KERR_INVALID;
        kq_push(&r->listener->accepts, w);
        do_accept(r->listener->priv);
        return KERR_OK;
    }
    if (w->op == KOP_TCP_CONNECT)
        return submit_connect(r);
    net_tcp_conn_t *c = r->conn;
    if (!c || !c->open || (w->op != KOP_TCP_SHUTDOWN && r->len && !r->buf))
        return KERR_INVALID;
    hconn_t *h = c->priv;
    r->done = 0;
    switch (w->op) {
    case KOP_TCP_RECV:
        if (!r->len)
            return KERR_INVALID;
        kq_push(&c->rx, w);
        break;
    case KOP_TCP_SEND:
        if (h->shut_wr || c->shutdown) {
            kcomplete(w, KERR_CLOSED);
            return KERR_OK;
        }
        kq_push(&c->tx, w);
        break;
    case KOP_TCP_SHUTDOWN:
        if (c->shutdown)
            return KERR_BUSY;
        if (h->shut_wr && !h->err) {
            kcomplete(w, KERR_OK); /* already shut down and acknowledged */
            return KERR_OK;
        }
        c->shutdown = w;
        break;
    default: return KERR_INVALID;
    }
    conn_serve(h);
    if (!h->err)
        maybe_shut_wr(h);
    return KERR_OK;
}

static bool tcp_cancel(kwork_t *w)
{
    net_tcp_req_t *r = KCONTAINER_OF(w, net_tcp_req_t, work);
    if (w->op == KOP_TCP_ACCEPT)
        return kq_remove(&r->listener->accepts, w);
    hconn_t *h = r->conn->priv;
    if (w->op == KOP_TCP_CONNECT) {
        if (h->connect != w)
            return false;
        hosted_unwatch(&h->watch);
        close(h->watch.fd);
        conn_free(h);
        return true;
    }
    if (w->op == KOP_TCP_SHUTDOWN) {
        if (r->conn->shutdown != w)
            return false;
        if (h->shut_polled)
            shut_unlist(h);
        r->conn->shutdown = NULL;
        return true;
    }
    return kq_remove(&r->conn->rx, w) || kq_remove(&r->conn->tx, w);
}

/* Close or abort (c): in-flight requests complete KERR_CANCELLED. */
static void conn_release(net_tcp_conn_t *c, int abort)
{
    hconn_t *h = c->priv;
    kwork_t *w;
    int unread = 0;
    if (!abort)
        ioctl(h->watch.fd, FIONREAD, &unread);
    if (abort || unread > 0) {
        struct linger lg = {1, 0};
        setsockopt(h->watch.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    while ((w = kq_pop(&c->rx)))
        kcomplete(w, KERR_CANCELLED);
    while ((w = kq_pop(&c->tx)))
        kcomplete(w, KERR_CANCELLED);
    if (c->shutdown) {
        if (h->shut_polled)
            shut_unlist(h);
        kcomplete(c->shutdown, KERR_CANCELLED);
        c->shutdown = NULL;
    }
    hosted_unwatch(&h->watch);
    close(h->watch.fd);
    conn_free(h);
    stats.conns_open--;
    c->priv = NULL;
}

static kerr_t tcp_ctl(void *endpoint, uint32_t cmd, uint32_t arg)
{
    if (cmd == NET_TCP_CTL_STATS) {
        *(net_tcp_stats_t *)endpoint = stats;
        return KERR_OK;
    }
    net_tcp_conn_t *c = endpoint;
    hconn_t *h = c->priv;
    if (!h)
        return KERR_INVALID;
    int v = (int)arg;
    switch (cmd) {
    case NET_TCP_CTL_CLOSE: conn_release(c, 0); return KERR_OK;
    case NET_TCP_CTL_ABORT: conn_release(c, 1); return KERR_OK;
    case NET_TCP_CTL_NODELAY:
        v = !!v;
        return setsockopt(h->watch.fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v)
                   ? KERR_INVALID
                   : KERR_OK;
    case NET_TCP_CTL_KEEPALIVE: {
        int on = v > 0;
        if (setsockopt(h->watch.fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on))
            return KERR_INVALID;
        if (on &&
            setsockopt(h->watch.fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v))
            return KERR_INVALID;
        return KERR_OK;
    }
    default: return KERR_INVALID;
    }
}

static const kservice_t tcp_service = {
    .name = "hosted-tcp",
    .submit = tcp_submit,
    .cancel = tcp_cancel,
    .open = tcp_listen,
    .close = tcp_unlisten,
    .ctl = tcp_ctl,
};

void hosted_tcp_init(void)
{
    /* Room for TCP_MAX_CONNS descriptors if the host allows it. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
        rl.rlim_cur < TCP_MAX_CONNS + 256) {
        rl.rlim_cur = rl.rlim_max < TCP_MAX_CONNS + 256 ? rl.rlim_max
                                                        : TCP_MAX_CONNS + 256;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    for (int i = TCP_MAX_CONNS - 1; i >= 0; i--)
        free_conns[nfree++] = i;
    shut_timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    shut_timer.handler = shut_tick;
    if (shut_timer.fd < 0 || hosted_watch(&shut_timer, EPOLLIN) < 0)
        hosted_die("timerfd: %s", strerror(errno));
    kservice_register(KOP_CLASS_TCP, &tcp_service);
}
