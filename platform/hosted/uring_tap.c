/* Hosted frames on io_uring: the TAP device (boot argument tap=IFNAME).
 *
 * Receives go through one multishot READ (uring_tap_rx.c). A send, and a
 * receive where the host has no multishot READ, is one WRITE or READ on
 * the request's own buffer; reads are armed in submission order, so frames
 * arrive in order as with epoll, and while none is armed frames wait in
 * the host's TAP queue. A host that answers a read of the non-blocking
 * descriptor with EAGAIN instead of waiting (older kernels do) gets a
 * one-shot poll first and the read again when it fires. Cancelling a
 * request the host holds goes through the ring, like uring_udp.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>

#include "kernel/kqueue.h"
#include "kernel/kservice.h"
#include "mote/knet.h"
#include "platform/hosted/hosted.h"
#include "platform/hosted/uring.h"
#include "platform/hosted/uring_tap.h"

#define TAP_OPS 128

typedef struct tap_op {
    hosted_uop_t u;
    knet_req_t *r;    /* NULL while free */
    bool cancelling;
    bool polling;     /* waiting for readiness after EAGAIN */
    struct tap_op *next_free;
} tap_op_t;

static struct {
    int fd;
    knet_info_t info;
    tap_op_t ops[TAP_OPS];
    tap_op_t *free_ops;
    kqueue_t waiting;
} tap = {.fd = -1};

static void issue(tap_op_t *op)
{
    struct io_uring_sqe *e = hosted_uring_sqe(&op->u);
    e->opcode = op->r->work.op == KOP_NET_RECV ? IORING_OP_READ : IORING_OP_WRITE;
    e->fd = tap.fd;
    e->addr = (uint64_t)(uintptr_t)op->r->buf;
    e->len = op->r->len;
    e->off = (uint64_t)-1; /* a stream: no file position */
}

static void start(knet_req_t *r, tap_op_t *op)
{
    op->r = r;
    op->cancelling = op->polling = false;
    r->work.svc_priv = op;
    issue(op);
}

static void wait_ready(tap_op_t *op)
{
    struct io_uring_sqe *e = hosted_uring_sqe(&op->u);
    e->opcode = IORING_OP_POLL_ADD;
    e->fd = tap.fd;
    e->poll32_events = op->r->work.op == KOP_NET_RECV ? POLLIN : POLLOUT;
    op->polling = true;
}

static void op_done(hosted_uop_t *u, int32_t res, uint32_t flags)
{
    (void)flags;
    tap_op_t *op = (tap_op_t *)u;
    knet_req_t *r = op->r;
    bool was_poll = op->polling;
    op->polling = false;
    if (!op->cancelling && (res == -EAGAIN || (was_poll && res > 0))) {
        if (was_poll)
            issue(op);
        else
            wait_ready(op);
        return;
    }
    kerr_t err = KERR_OK;
    if (res == -ECANCELED || (res < 0 && op->cancelling) || was_poll)
        err = KERR_CANCELLED;
    else if (res < 0)
        err = KERR_IO;
    else if (r->work.op == KOP_NET_RECV)
        r->done = (uint32_t)res;
    kwork_t *w = kq_pop(&tap.waiting);
    if (w) {
        start(KCONTAINER_OF(w, knet_req_t, work), op);
    } else {
        op->r = NULL;
        op->next_free = tap.free_ops;
        tap.free_ops = op;
    }
    kcomplete(&r->work, err);
}

static kerr_t tap_submit(kwork_t *w)
{
    knet_req_t *r = KCONTAINER_OF(w, knet_req_t, work);
    if (r->dev != 0 || tap.fd < 0)
        return KERR_NO_DEVICE;
    if (!r->buf)
        return KERR_INVALID;
    if (w->op == KOP_NET_SEND) {
        if (r->len < 14 || r->len > KNET_MAX_FRAME)
            return KERR_INVALID;
    } else if (w->op == KOP_NET_RECV) {
        if (r->len < KNET_MAX_FRAME)
            return KERR_INVALID; /* a frame must always fit */
    } else {
        return KERR_INVALID;
    }
    if (w->op == KOP_NET_RECV && utap_rx_on())
        utap_rx_submit(r);
    else
        utap_start_single(r);
    return KERR_OK;
}

void utap_start_single(knet_req_t *r)
{
    tap_op_t *op = tap.free_ops;
    if (op) {
        tap.free_ops = op->next_free;
        start(r, op);
    } else {
        kq_push(&tap.waiting, &r->work);
    }
}

static bool tap_cancel(kwork_t *w)
{
    if (utap_rx_cancel(w) || kq_remove(&tap.waiting, w))
        return true;
    tap_op_t *op = w->svc_priv;
    if (!op->cancelling) {
        op->cancelling = true;
        hosted_uring_cancel(&op->u);
    }
    return false;
}

static kerr_t tap_info(uint32_t dev, void *out)
{
    if (dev != 0 || tap.fd < 0)
        return KERR_NO_DEVICE;
    *(knet_info_t *)out = tap.info;
    return KERR_OK;
}

static const kservice_t tap_service = {
    .name = "hosted-tap-uring",
    .submit = tap_submit,
    .cancel = tap_cancel,
    .info = tap_info,
};

void hosted_uring_tap_init(const char *ifname, const char *mac)
{
    kservice_register(KOP_CLASS_NET, &tap_service);
    if (!ifname || !*ifname)
        return;
    tap.fd = hosted_tap_open(ifname, mac, O_NONBLOCK, &tap.info);
    utap_rx_start(tap.fd);
    for (int i = TAP_OPS - 1; i >= 0; i--) {
        tap.ops[i].u.done = op_done;
        tap.ops[i].next_free = tap.free_ops;
        tap.free_ops = &tap.ops[i];
    }
}
