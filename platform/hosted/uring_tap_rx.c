/* Hosted frames on io_uring, receiving: one multishot READ on the TAP
 * descriptor into a ring of provided buffers (Linux 6.7).
 *
 * The IP stack keeps NET_RX_ARMED (8) receives armed. As one READ each,
 * every frame wakes 8 poll entries on the TAP device, 7 of them for an
 * empty retry (the herd uring_udp_rx.c describes for UDP). One multishot
 * READ has one entry and takes every queued frame per wake-up; each frame
 * is then copied into the oldest waiting receive (at most 1514 bytes).
 * On this shared machine bench/net's hosted row measured p50 12-16 us
 * either way, so the gain here is the wake-ups saved, not a latency shown.
 * Frames the stack has no receive for yet wait in our buffers (at most
 * TRX_BUFS), then in the TAP device's queue when the buffers run out (the
 * host ends the multishot READ with ENOBUFS and the next receive arms it
 * again). A host without multishot READ answers EINVAL; receives then go
 * one by one (uring_tap.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel/kqueue.h"
#include "kernel/kservice.h"
#include "platform/hosted/uring.h"
#include "platform/hosted/uring_tap.h"

#define TRX_BUFS 64       /* a power of two */
#define TRX_BUF 2048      /* >= KNET_MAX_FRAME */
#define TRX_BGID 1000     /* buffer group; UDP sockets use their slot index */
#define OP_READ_MULTISHOT 49 /* IORING_OP_READ_MULTISHOT; linux-libc-dev 6.1 lacks it */

static struct {
    int fd;
    bool on, armed;
    hosted_uop_t op;
    kqueue_t rxq;                 /* receives waiting for a frame */
    struct io_uring_buf_ring *br;
    uint8_t *bufs;
    uint16_t br_tail;
    uint16_t pend[TRX_BUFS], pend_len[TRX_BUFS]; /* filled, not yet taken */
    unsigned pend_head, pend_n;
} rx = {.fd = -1};

static void recycle(uint16_t bid)
{
    struct io_uring_buf *b = &rx.br->bufs[rx.br_tail & (TRX_BUFS - 1)];
    b->addr = (uint64_t)(uintptr_t)(rx.bufs + (size_t)bid * TRX_BUF);
    b->len = TRX_BUF;
    b->bid = bid;
    rx.br_tail++;
    __atomic_store_n(&rx.br->tail, rx.br_tail, __ATOMIC_RELEASE);
}

static void arm(void)
{
    if (rx.armed)
        return;
    struct io_uring_sqe *e = hosted_uring_sqe(&rx.op);
    e->opcode = OP_READ_MULTISHOT;
    e->fd = rx.fd;
    e->flags = IOSQE_BUFFER_SELECT;
    e->buf_group = TRX_BGID;
    e->off = (uint64_t)-1; /* a stream */
    rx.armed = true;
}

static void deliver(knet_req_t *r, uint16_t bid, uint32_t len)
{
    uint32_t n = len < r->len ? len : r->len; /* r->len >= KNET_MAX_FRAME */
    memcpy(r->buf, rx.bufs + (size_t)bid * TRX_BUF, n);
    recycle(bid);
    r->done = n;
    kcomplete(&r->work, KERR_OK);
}

static void rx_done(hosted_uop_t *u, int32_t res, uint32_t flags)
{
    (void)u;
    if (flags & IORING_CQE_F_BUFFER) {
        uint16_t bid = (uint16_t)(flags >> IORING_CQE_BUFFER_SHIFT);
        kwork_t *w = res > 0 ? kq_pop(&rx.rxq) : NULL;
        if (w) {
            deliver(KCONTAINER_OF(w, knet_req_t, work), bid, (uint32_t)res);
        } else if (res > 0) {
            unsigned i = (rx.pend_head + rx.pend_n++) % TRX_BUFS;
            rx.pend[i] = bid;
            rx.pend_len[i] = (uint16_t)res;
        } else {
            recycle(bid);
        }
    }
    if (flags & IORING_CQE_F_MORE)
        return;
    rx.armed = false; /* out of buffers, an error, or no support */
    if (res == -EINVAL && rx.on) {
        rx.on = false; /* the host has no multishot READ (Linux < 6.7) */
        kwork_t *w;
        while ((w = kq_pop(&rx.rxq)))
            utap_start_single(KCONTAINER_OF(w, knet_req_t, work));
        return;
    }
    if (!kq_empty(&rx.rxq))
        arm();
}

bool utap_rx_start(int fd)
{
    if (hosted_uring_min)
        return false;
    void *ring = mmap(NULL, TRX_BUFS * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *bufs = mmap(NULL, (size_t)TRX_BUFS * TRX_BUF, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct io_uring_buf_reg reg = {.ring_addr = (uint64_t)(uintptr_t)ring,
                                   .ring_entries = TRX_BUFS, .bgid = TRX_BGID};
    if (ring == MAP_FAILED || bufs == MAP_FAILED ||
        hosted_uring_register(IORING_REGISTER_PBUF_RING, &reg, 1) < 0)
        return false; /* the mappings stay unused; start-up only */
    rx.fd = fd;
    rx.br = ring;
    rx.bufs = bufs;
    rx.op.done = rx_done;
    for (uint16_t i = 0; i < TRX_BUFS; i++)
        recycle(i);
    rx.on = true;
    return true;
}

bool utap_rx_on(void)
{
    return rx.on;
}

void utap_rx_submit(knet_req_t *r)
{
    if (rx.pend_n) {
        unsigned i = rx.pend_head;
        rx.pend_head = (rx.pend_head + 1) % TRX_BUFS;
        rx.pend_n--;
        deliver(r, rx.pend[i], rx.pend_len[i]);
        return;
    }
    kq_push(&rx.rxq, &r->work);
    arm();
}

bool utap_rx_cancel(kwork_t *w)
{
    return kq_remove(&rx.rxq, w);
}
