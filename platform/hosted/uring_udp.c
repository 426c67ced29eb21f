/* Hosted UDP on io_uring: net.h sockets served by host UDP sockets.
 *
 * Same boot arguments and addressing as udp.c (hostfwd, 127.0.0.1), whose
 * socket set-up it shares. Receives go through one multishot receive per
 * socket (uring_udp_rx.c). A send is one SENDMSG straight from the
 * application's buffer; it takes an operation slot (msghdr, iovec,
 * address) from a fixed pool for as long as the host holds it, and when
 * the pool is empty it waits in FIFO order and can still be retracted. A
 * request the host holds is cancelled through the ring (ASYNC_CANCEL) and
 * completes when the host gives it back. Where the host has no buffer
 * rings (Linux < 6.0), receives take operation slots the same way, one
 * RECVMSG each on the application's buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/kqueue.h"
#include "kernel/kservice.h"
#include "mote/net.h"
#include "platform/hosted/hosted.h"
#include "platform/hosted/uring_udp.h"

#define MAX_SOCKS 64
#define UDP_OPS 256

typedef struct udp_op {
    hosted_uop_t u;
    net_udp_req_t *r;  /* NULL while the slot is free */
    usock_t *sock;
    bool cancelling;
    bool sendto;       /* issued as SEND with an address */
    struct msghdr msg;
    struct iovec iov;
    struct sockaddr_in sa;
    struct udp_op *next_free;
} udp_op_t;

static usock_t socks[MAX_SOCKS];
static udp_op_t ops[UDP_OPS];
static udp_op_t *free_ops;
static kqueue_t waiting; /* requests waiting for an operation slot */

/* IORING_OP_SEND with a destination address (sendto) saves copying a
 * msghdr in; older hosts (before about Linux 6.0) refuse the address with
 * EINVAL, and from then on sends use SENDMSG. */
static bool sendto_refused;

static void issue(udp_op_t *op)
{
    net_udp_req_t *r = op->r;
    if (r->work.op == KOP_UDP_SEND && !sendto_refused && !hosted_uring_min) {
        op->sa = (struct sockaddr_in){.sin_family = AF_INET,
                                      .sin_port = htons(r->peer.port),
                                      .sin_addr.s_addr = htonl(r->peer.ip)};
        struct io_uring_sqe *e = hosted_uring_sqe(&op->u);
        e->opcode = IORING_OP_SEND;
        e->fd = op->sock->fd;
        e->addr = (uint64_t)(uintptr_t)r->buf;
        e->len = r->len;
        e->addr2 = (uint64_t)(uintptr_t)&op->sa;
        e->addr_len = sizeof op->sa;
        op->sendto = true;
        return;
    }
    op->sendto = false;
    op->iov.iov_base = r->buf;
    op->iov.iov_len = r->len;
    op->msg = (struct msghdr){.msg_name = &op->sa, .msg_namelen = sizeof op->sa,
                              .msg_iov = &op->iov, .msg_iovlen = 1};
    struct io_uring_sqe *e = hosted_uring_sqe(&op->u);
    e->fd = op->sock->fd;
    e->addr = (uint64_t)(uintptr_t)&op->msg;
    e->len = 1;
    if (r->work.op == KOP_UDP_RECV) {
        e->opcode = IORING_OP_RECVMSG;
        e->msg_flags = MSG_TRUNC; /* report a datagram's real length */
    } else {
        e->opcode = IORING_OP_SENDMSG;
        op->sa = (struct sockaddr_in){.sin_family = AF_INET,
                                      .sin_port = htons(r->peer.port),
                                      .sin_addr.s_addr = htonl(r->peer.ip)};
    }
}

static void start(net_udp_req_t *r, udp_op_t *op)
{
    op->r = r;
    op->sock = &socks[r->sock->handle];
    op->cancelling = false;
    op->sock->inflight++;
    r->work.svc_priv = op; /* not in a queue while the host holds it */
    issue(op);
}

void usock_release(usock_t *s)
{
    if (--s->inflight == 0 && !s->s)
        s->used = false; /* closed and drained */
}

/* A finished operation: free its slot for the first waiting request. */
static void release(udp_op_t *op)
{
    usock_release(op->sock);
    op->r = NULL;
    kwork_t *w = kq_pop(&waiting);
    if (w)
        start(KCONTAINER_OF(w, net_udp_req_t, work), op);
    else {
        op->next_free = free_ops;
        free_ops = op;
    }
}

void uudp_start(net_udp_req_t *r)
{
    udp_op_t *op = free_ops;
    if (op) {
        free_ops = op->next_free;
        start(r, op);
    } else {
        kq_push(&waiting, &r->work);
    }
}

static kerr_t recv_result(udp_op_t *op, int32_t res)
{
    net_udp_req_t *r = op->r;
    net_udp_sock_t *s = op->sock->s;
    r->peer.ip = ntohl(op->sa.sin_addr.s_addr);
    r->peer.port = ntohs(op->sa.sin_port);
    r->done = (uint32_t)res > r->len ? r->len : (uint32_t)res;
    s->stats.rx++;
    if ((uint32_t)res <= r->len)
        return KERR_OK;
    s->stats.rx_truncated++;
    return KERR_TOO_BIG;
}

static void op_done(hosted_uop_t *u, int32_t res, uint32_t flags)
{
    (void)flags;
    udp_op_t *op = (udp_op_t *)u;
    net_udp_req_t *r = op->r;
    kerr_t err;
    if (!op->sock->s || res == -ECANCELED) {
        err = KERR_CANCELLED; /* closed, or cancelled: the kernel says which */
    } else if (r->work.op == KOP_UDP_RECV) {
        if (res < 0 && !op->cancelling) {
            issue(op); /* e.g. an ICMP error queued on the socket: go on */
            return;
        }
        err = res < 0 ? KERR_CANCELLED : recv_result(op, res);
    } else if (res == -EINVAL && op->sendto && !op->cancelling) {
        sendto_refused = true;
        issue(op);
        return;
    } else if (res >= 0) {
        op->sock->s->stats.tx++;
        err = KERR_OK;
    } else {
        err = (res == -ENETUNREACH || res == -EHOSTUNREACH) ? KERR_UNREACHABLE : KERR_IO;
    }
    release(op);
    kcomplete(&r->work, err);
}

static kerr_t udp_submit(kwork_t *w)
{
    net_udp_req_t *r = KCONTAINER_OF(w, net_udp_req_t, work);
    if (!r->sock || !r->sock->open || (r->len && !r->buf))
        return KERR_INVALID;
    if (w->op != KOP_UDP_RECV && w->op != KOP_UDP_SEND)
        return KERR_INVALID;
    if (w->op == KOP_UDP_SEND && r->len > NET_UDP_MAX_PAYLOAD)
        return KERR_TOO_BIG;
    usock_t *s = &socks[r->sock->handle];
    if (w->op == KOP_UDP_RECV && urx_ok(s))
        urx_submit(s, r);
    else
        uudp_start(r);
    return KERR_OK;
}

static bool udp_cancel(kwork_t *w)
{
    net_udp_req_t *r = KCONTAINER_OF(w, net_udp_req_t, work);
    if (urx_cancel(&socks[r->sock->handle], w) || kq_remove(&waiting, w))
        return true;
    udp_op_t *op = w->svc_priv;
    if (!op->cancelling) {
        op->cancelling = true;
        hosted_uring_cancel(&op->u);
    }
    return false; /* it completes when the host gives it back */
}

static kerr_t udp_open(void *endpoint, uint32_t port)
{
    net_udp_sock_t *s = endpoint;
    int slot = 0;
    while (slot < MAX_SOCKS && socks[slot].used)
        slot++;
    if (slot == MAX_SOCKS)
        return KERR_NOMEM;
    uint16_t bound;
    int fd = hosted_udp_socket(port, 0, &bound); /* blocking: the ring polls */
    if (fd < 0)
        return (kerr_t)-fd;
    usock_t *h = &socks[slot];
    h->fd = fd;
    h->s = s;
    h->used = true;
    h->inflight = 0;
    h->slot = (uint16_t)slot;
    urx_open(h); /* keeps the slot's buffer ring from an earlier use */
    s->handle = slot;
    s->port = bound;
    return KERR_OK;
}

static void udp_close(void *endpoint)
{
    net_udp_sock_t *s = endpoint;
    usock_t *h = &socks[s->handle];
    kqueue_t keep = {0};
    kwork_t *w;
    while ((w = kq_pop(&waiting))) { /* waiting ones of this socket end now */
        if (KCONTAINER_OF(w, net_udp_req_t, work)->sock == s)
            kcomplete(w, KERR_CANCELLED);
        else
            kq_push(&keep, w);
    }
    waiting = keep;
    urx_close(h);
    for (int i = 0; i < UDP_OPS; i++) {
        if (ops[i].r && ops[i].sock == h && !ops[i].cancelling) {
            ops[i].cancelling = true;
            hosted_uring_cancel(&ops[i].u);
        }
    }
    hosted_uring_flush(); /* the host holds the file before we close it */
    close(h->fd);
    h->s = NULL;
    if (!h->inflight)
        h->used = false;
}

static const kservice_t udp_service = {
    .name = "hosted-udp-uring",
    .submit = udp_submit,
    .cancel = udp_cancel,
    .open = udp_open,
    .close = udp_close,
};

void hosted_uring_udp_init(void)
{
    for (int i = UDP_OPS - 1; i >= 0; i--) {
        ops[i].u.done = op_done;
        ops[i].next_free = free_ops;
        free_ops = &ops[i];
    }
    kservice_register(KOP_CLASS_UDP, &udp_service);
}
