/* Hosted UDP on io_uring, receiving: one multishot RECVMSG per socket into
 * a ring of provided buffers.
 *
 * Why not one RECVMSG per application receive, straight into its buffer?
 * Each such request waits on the socket with its own poll entry, and a
 * datagram wakes all of them: with the echo app's 32 receives armed, one
 * datagram cost 32 wake-ups and 31 empty retries (measured: p50 latency
 * 2-3x the epoll path's). A single multishot receive has one entry, takes
 * every datagram queued at each wake-up, and stays armed; the price is one
 * copy of the payload into the application's buffer.
 *
 * Each socket owns URX_BUFS buffers of URX_BUF bytes, registered as buffer
 * group (slot) and kept across reuse of the slot. The host fills one per
 * datagram (struct io_uring_recvmsg_out, the source address, the payload).
 * A filled buffer goes straight to the oldest waiting receive, or waits in
 * (pend) for the next one; it returns to the ring once copied. The
 * multishot receive is armed while receives wait and keeps running after:
 * at most URX_BUFS datagrams then wait in our buffers, the rest in the host
 * socket (when the buffers run out the host ends the multishot receive
 * with ENOBUFS, and the next receive arms it again). Receives never leave
 * this file, so cancelling one is immediate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel/kqueue.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "platform/hosted/uring_udp.h"

#define HDR (sizeof(struct io_uring_recvmsg_out) + sizeof(struct sockaddr_in))

static bool multishot_broken; /* the host refused it: Linux < 6.0 */

static void recycle(usock_t *s, uint16_t bid)
{
    struct io_uring_buf *b = &s->br->bufs[s->br_tail & (URX_BUFS - 1)];
    b->addr = (uint64_t)(uintptr_t)(s->bufs + (size_t)bid * URX_BUF);
    b->len = URX_BUF;
    b->bid = bid;
    s->br_tail++;
    __atomic_store_n(&s->br->tail, s->br_tail, __ATOMIC_RELEASE);
}

static void arm(usock_t *s)
{
    if (s->rx_armed || !s->s)
        return;
    s->rx_msg = (struct msghdr){.msg_namelen = sizeof(struct sockaddr_in)};
    struct io_uring_sqe *e = hosted_uring_sqe(&s->rx_op);
    e->opcode = IORING_OP_RECVMSG;
    e->fd = s->fd;
    e->addr = (uint64_t)(uintptr_t)&s->rx_msg;
    e->len = 1;
    e->msg_flags = MSG_TRUNC; /* payloadlen: the datagram's real length */
    e->ioprio = IORING_RECV_MULTISHOT;
    e->flags = IOSQE_BUFFER_SELECT;
    e->buf_group = s->slot;
    s->rx_armed = true;
    s->inflight++;
}

/* Copy the datagram in buffer (bid) into (r), give the buffer back to
 * the ring, and complete (r). */
static void deliver(usock_t *s, net_udp_req_t *r, uint16_t bid)
{
    uint8_t *b = s->bufs + (size_t)bid * URX_BUF;
    struct io_uring_recvmsg_out o;
    struct sockaddr_in sa;
    memcpy(&o, b, sizeof o);
    memcpy(&sa, b + sizeof o, sizeof sa);
    uint32_t stored = o.payloadlen < URX_BUF - HDR ? o.payloadlen : (uint32_t)(URX_BUF - HDR);
    uint32_t n = stored < r->len ? stored : r->len;
    memcpy(r->buf, b + HDR, n);
    recycle(s, bid);
    r->peer.ip = ntohl(sa.sin_addr.s_addr);
    r->peer.port = ntohs(sa.sin_port);
    r->done = n;
    s->s->stats.rx++;
    kerr_t err = KERR_OK;
    if (o.payloadlen > n) {
        s->s->stats.rx_truncated++;
        err = KERR_TOO_BIG;
    }
    kcomplete(&r->work, err);
}

static void rx_done(hosted_uop_t *u, int32_t res, uint32_t flags)
{
    usock_t *s = KCONTAINER_OF(u, usock_t, rx_op);
    if (flags & IORING_CQE_F_BUFFER) {
        uint16_t bid = (uint16_t)(flags >> IORING_CQE_BUFFER_SHIFT);
        kwork_t *w = s->s && res >= 0 ? kq_pop(&s->rxq) : NULL;
        if (w)
            deliver(s, KCONTAINER_OF(w, net_udp_req_t, work), bid);
        else if (s->s && res >= 0)
            s->pend[(s->pend_head + s->pend_n++) % URX_BUFS] = bid;
        else
            recycle(s, bid);
    }
    if (flags & IORING_CQE_F_MORE)
        return;
    /* The multishot receive ended: out of buffers, an error (an ICMP
     * report queued on the socket), the socket closed, or no support. */
    s->rx_armed = false;
    if (res == -EINVAL && !multishot_broken) {
        multishot_broken = true; /* Linux 5.19: buffer rings, no multishot */
        kwork_t *w;
        while ((w = kq_pop(&s->rxq)))
            uudp_start(KCONTAINER_OF(w, net_udp_req_t, work));
    }
    if (s->s && !kq_empty(&s->rxq))
        arm(s);
    usock_release(s);
}

bool urx_ok(const usock_t *s)
{
    return s->br && !multishot_broken;
}

bool urx_open(usock_t *s)
{
    s->rx_op.done = rx_done;
    s->rx_armed = false;
    s->rxq = (kqueue_t){0};
    s->pend_head = s->pend_n = 0;
    if (multishot_broken || hosted_uring_min)
        return false;
    if (s->br)
        return true; /* this slot's buffers, all back in the ring */
    void *ring = mmap(NULL, URX_BUFS * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *bufs = mmap(NULL, (size_t)URX_BUFS * URX_BUF, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct io_uring_buf_reg reg = {.ring_addr = (uint64_t)(uintptr_t)ring,
                                   .ring_entries = URX_BUFS, .bgid = s->slot};
    if (ring == MAP_FAILED || bufs == MAP_FAILED ||
        hosted_uring_register(IORING_REGISTER_PBUF_RING, &reg, 1) < 0) {
        if (ring != MAP_FAILED)
            munmap(ring, URX_BUFS * sizeof(struct io_uring_buf));
        if (bufs != MAP_FAILED)
            munmap(bufs, (size_t)URX_BUFS * URX_BUF);
        multishot_broken = true; /* Linux < 5.19: no buffer rings */
        return false;
    }
    s->br = ring;
    s->bufs = bufs;
    s->br_tail = 0;
    for (uint16_t i = 0; i < URX_BUFS; i++)
        recycle(s, i);
    return true;
}

void urx_submit(usock_t *s, net_udp_req_t *r)
{
    if (s->pend_n) {
        uint16_t bid = s->pend[s->pend_head];
        s->pend_head = (s->pend_head + 1) % URX_BUFS;
        s->pend_n--;
        deliver(s, r, bid);
        return;
    }
    kq_push(&s->rxq, &r->work);
    arm(s);
}

bool urx_cancel(usock_t *s, kwork_t *w)
{
    return kq_remove(&s->rxq, w);
}

void urx_close(usock_t *s)
{
    kwork_t *w;
    while ((w = kq_pop(&s->rxq)))
        kcomplete(w, KERR_CANCELLED);
    while (s->pend_n) {
        recycle(s, s->pend[s->pend_head]);
        s->pend_head = (s->pend_head + 1) % URX_BUFS;
        s->pend_n--;
    }
    if (s->rx_armed)
        hosted_uring_cancel(&s->rx_op);
}
