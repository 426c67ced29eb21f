/* Hosted UDP: net.h sockets served by the host's own UDP sockets.
 *
 * This is the mode `make run PLATFORM=hosted` uses when no TAP device is
 * named: no root needed. Like QEMU's hostfwd, the boot argument
 * hostfwd=HOST:GUEST[,HOST:GUEST...] makes a socket the app binds to GUEST
 * listen on 127.0.0.1:HOST; other ports bind 127.0.0.1:port. While no
 * receive is armed, datagrams wait in the host socket's buffer (the host
 * bounds it and drops beyond); that buffer is this mode's backlog.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/kservice.h"
#include "mote/net.h"
#include "mote/printk.h"
#include "platform/hosted/hosted.h"

#define MAX_SOCKS 64
#define MAX_FWD 8

typedef struct hsock {
    hosted_watch_t watch;
    net_udp_sock_t *s;
    kqueue_t rx, tx;     /* armed receives, sends waiting for room */
    int readable, writable;   /* edge-triggered state, see hosted.h */
} hsock_t;

static hsock_t socks[MAX_SOCKS];
static struct { uint16_t host, guest; } fwd[MAX_FWD];
static int nfwd;

static void serve(hsock_t *h);

static void sock_event(hosted_watch_t *w, uint32_t events)
{
    hsock_t *h = (hsock_t *)w;
    if (events & (EPOLLIN | EPOLLERR))
        h->readable = 1;
    if (events & EPOLLOUT)
        h->writable = 1;
    serve(h);
}

static void do_recv(hsock_t *h)
{
    while (h->rx.head && h->readable) {
        net_udp_req_t *r = KCONTAINER_OF(h->rx.head, net_udp_req_t, work);
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        ssize_t n = recvfrom(h->watch.fd, r->buf, r->len, MSG_TRUNC,
                             (struct sockaddr *)&sa, &sl);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                h->readable = 0;
            else if (errno != EINTR)
                h->readable = 0; /* e.g. ICMP error queued: try later */
            continue;
        }
        kq_pop(&h->rx);
        r->peer.ip = ntohl(sa.sin_addr.s_addr);
        r->peer.port = ntohs(sa.sin_port);
        r->done = (uint32_t)n > r->len ? r->len : (uint32_t)n;
        h->s->stats.rx++;
        if ((uint32_t)n > r->len)
            h->s->stats.rx_truncated++;
        kcomplete(&r->work, (uint32_t)n > r->len ? KERR_TOO_BIG : KERR_OK);
    }
}

static void do_send(hsock_t *h)
{
    while (h->tx.head && h->writable) {
        net_udp_req_t *r = KCONTAINER_OF(h->tx.head, net_udp_req_t, work);
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons(r->peer.port),
                                 .sin_addr.s_addr = htonl(r->peer.ip)};
        ssize_t n = sendto(h->watch.fd, r->buf, r->len, 0,
                           (struct sockaddr *)&sa, sizeof sa);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
            h->writable = 0;
            break;
        }
        if (n < 0 && errno == EINTR)
            continue;
        kq_pop(&h->tx);
        if (n >= 0)
            h->s->stats.tx++;
        kcomplete(&r->work, n < 0 ? (errno == ENETUNREACH || errno == EHOSTUNREACH
                                      ? KERR_UNREACHABLE : KERR_IO)
                                  : KERR_OK);
    }
}

static void serve(hsock_t *h)
{
    do_recv(h);
    do_send(h);
}

static kerr_t udp_submit(kwork_t *w)
{
    net_udp_req_t *r = KCONTAINER_OF(w, net_udp_req_t, work);
    if (!r->sock || !r->sock->open || (r->len && !r->buf))
        return KERR_INVALID;
    hsock_t *h = &socks[r->sock->handle];
    if (w->op == KOP_UDP_RECV) {
        kq_push(&h->rx, w);
    } else if (w->op == KOP_UDP_SEND) {
        if (r->len > NET_UDP_MAX_PAYLOAD)
            return KERR_TOO_BIG;
        kq_push(&h->tx, w);
    } else {
        return KERR_INVALID;
    }
    serve(h);
    return KERR_OK;
}

static bool udp_cancel(kwork_t *w)
{
    net_udp_req_t *r = KCONTAINER_OF(w, net_udp_req_t, work);
    hsock_t *h = &socks[r->sock->handle];
    return kq_remove(&h->rx, w) || kq_remove(&h->tx, w);
}

uint16_t hosted_host_port(uint16_t guest)
{
    for (int i = 0; i < nfwd; i++)
        if (fwd[i].guest == guest)
            return fwd[i].host;
    return guest;
}

int hosted_udp_socket(uint32_t port, int type_flags, uint16_t *bound)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | type_flags, 0);
    if (fd < 0)
        return -KERR_NOMEM;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons(hosted_host_port((uint16_t)port)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        printk(KLOG_ERR, "hosted: cannot bind udp 127.0.0.1:%u: %s",
               ntohs(sa.sin_port), strerror(e));
        close(fd);
        return e == EADDRINUSE ? -KERR_BUSY : -KERR_INVALID;
    }
    socklen_t sl = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    *bound = port ? (uint16_t)port : ntohs(sa.sin_port);
    return fd;
}

static kerr_t udp_open(void *endpoint, uint32_t port)
{
    net_udp_sock_t *s = endpoint;
    int slot = 0;
    while (slot < MAX_SOCKS && socks[slot].s)
        slot++;
    if (slot == MAX_SOCKS)
        return KERR_NOMEM;
    uint16_t bound;
    int fd = hosted_udp_socket(port, SOCK_NONBLOCK, &bound);
    if (fd < 0)
        return (kerr_t)-fd;
    hsock_t *h = &socks[slot];
    memset(h, 0, sizeof *h);
    h->s = s;
    h->watch.fd = fd;
    h->watch.handler = sock_event;
    h->writable = 1;
    if (hosted_watch(&h->watch, EPOLLIN | EPOLLOUT) < 0) {
        close(fd);
        h->s = NULL;
        return KERR_NOMEM;
    }
    s->handle = slot;
    s->port = bound;
    return KERR_OK;
}

static void udp_close(void *endpoint)
{
    net_udp_sock_t *s = endpoint;
    hsock_t *h = &socks[s->handle];
    kwork_t *w;
    hosted_unwatch(&h->watch);
    close(h->watch.fd);
    while ((w = kq_pop(&h->rx)))
        kcomplete(w, KERR_CANCELLED);
    while ((w = kq_pop(&h->tx)))
        kcomplete(w, KERR_CANCELLED);
    h->s = NULL;
}

static const kservice_t udp_service = {
    .name = "hosted-udp",
    .submit = udp_submit,
    .cancel = udp_cancel,
    .open = udp_open,
    .close = udp_close,
};

/* "8888:8080,9000:7000" */
static void parse_fwd(const char *spec)
{
    while (spec && *spec && nfwd < MAX_FWD) {
        char *end;
        unsigned long h = strtoul(spec, &end, 10);
        if (*end != ':')
            hosted_die("bad hostfwd '%s' (want HOSTPORT:GUESTPORT)", spec);
        unsigned long g = strtoul(end + 1, &end, 10);
        if (h > 65535 || g == 0 || g > 65535)
            hosted_die("bad hostfwd port in '%s'", spec);
        fwd[nfwd].host = (uint16_t)h;
        fwd[nfwd].guest = (uint16_t)g;
        nfwd++;
        spec = *end == ',' ? end + 1 : NULL;
    }
}

void hosted_udp_init(const char *hostfwd)
{
    parse_fwd(hostfwd);
    kservice_register(KOP_CLASS_UDP, &udp_service);
}
