/* mote: virtio-net, serving KOP_CLASS_NET (knet_req_t): raw Ethernet
 * frames for the IP stack.
 *
 * Receive: the receive ring is kept full of driver-owned buffers. A frame
 * that arrives is copied into the oldest armed receive request and its
 * buffer goes straight back to the ring. With no request armed, up to
 * NET_BACKLOG frames are copied aside (delivered by the next receives);
 * beyond that frames are dropped and counted (knet_info_t.rx_dropped), so
 * the device never stalls on a slow consumer.
 *
 * Send: the frame is copied into a driver transmit buffer behind a zeroed
 * virtio-net header and the request completes at once: the caller's buffer
 * is free. With every transmit buffer in flight, sends wait in a FIFO and
 * are copied as the device returns buffers; none is ever dropped. Transmit
 * completions raise interrupts only while a send waits.
 * No offloads are negotiated, so the header is always zero. */
#include <stddef.h>
#include "drivers/virtio/virtio_dev.h"
#include "kernel/kmem.h"
#include "kernel/kqueue.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "mote/knet.h"
#include "mote/printk.h"

#define NET_MAX 2
#define NET_BACKLOG 32
#define BUF_SIZE 1536        /* header + KNET_MAX_FRAME, rounded */
#define F_MAC (1u << 5)
#define F_STATUS (1u << 16)
#define S_LINK_UP 1


typedef struct net {
    virtio_dev_t *dev;
    virtq_t *rxq, *txq;
    uint32_t hdr_len;        /* 12 modern, 10 legacy */
    uint8_t **tx_free;       /* stack of idle transmit buffers */
    uint16_t ntx_free;
    kqueue_t rx_armed, tx_wait;
    uint8_t (*backlog)[KNET_MAX_FRAME];
    uint16_t bl_len[NET_BACKLOG];
    uint16_t bl_head, bl_count;
    knet_info_t info;
} net_t;

static net_t nets[NET_MAX];
static unsigned nnet;

/* Copy (len) bytes of frame into receive (w) and complete it. */
static void rx_fill(kwork_t *w, const uint8_t *frame, uint32_t len)
{
    knet_req_t *r = KCONTAINER_OF(w, knet_req_t, work);
    uint32_t n = len < r->len ? len : r->len;
    memcpy(r->buf, frame, n);
    r->done = n;
    kcomplete(w, n < len ? KERR_TOO_BIG : KERR_OK);
}

static void rx_deliver(net_t *n, const uint8_t *frame, uint32_t len)
{
    kwork_t *w = kq_pop(&n->rx_armed);
    if (w) {
        rx_fill(w, frame, len);
    } else if (n->bl_count < NET_BACKLOG) {
        unsigned i = (n->bl_head + n->bl_count++) % NET_BACKLOG;
        memcpy(n->backlog[i], frame, len);
        n->bl_len[i] = (uint16_t)len;
    } else {
        n->info.rx_dropped++;
    }
}

static void rx_post(net_t *n, uint8_t *buf)
{
    virtq_buf_t b = { buf, BUF_SIZE };
    virtq_add(n->rxq, &b, 0, 1, buf);
}

/* Copy a send into a free transmit buffer; false if none is free. */
static bool tx_start(net_t *n, knet_req_t *r)
{
    if (!n->ntx_free || n->txq->num_free == 0)
        return false;
    uint8_t *buf = n->tx_free[--n->ntx_free];
    memset(buf, 0, n->hdr_len);
    memcpy(buf + n->hdr_len, r->buf, r->len);
    virtq_buf_t b = { buf, n->hdr_len + r->len };
    virtq_add(n->txq, &b, 1, 0, buf);
    kcomplete(&r->work, KERR_OK);
    return true;
}

/* Reclaim sent buffers and copy waiting sends into them, in order. Transmit
 * completions only matter while sends wait, so the queue interrupts only
 * then (one exit fewer per frame, which nested KVM makes expensive). */
static void tx_pump(net_t *n)
{
    uint8_t *buf;
    for (;;) {
        while ((buf = virtq_get(n->txq, NULL)) != NULL)
            n->tx_free[n->ntx_free++] = buf;
        while (n->tx_wait.head &&
               tx_start(n, KCONTAINER_OF(n->tx_wait.head, knet_req_t, work)))
            kq_pop(&n->tx_wait);
        virtio_kick(n->dev, n->txq);
        if (!n->tx_wait.head) {
            virtq_quiet(n->txq);
            return;
        }
        if (!virtq_rearm(n->txq))
            return; /* the device interrupts at its next completion */
    }
}

static void net_poll(virtio_dev_t *d)
{
    net_t *n = d->drv;
    uint8_t *buf;
    uint32_t len;
    do {
        while ((buf = virtq_get(n->rxq, &len)) != NULL) {
            if (len > n->hdr_len && len - n->hdr_len <= KNET_MAX_FRAME)
                rx_deliver(n, buf + n->hdr_len, len - n->hdr_len);
            rx_post(n, buf);
        }
        virtio_kick(d, n->rxq);
    } while (virtq_rearm(n->rxq));
    tx_pump(n);
}

static kerr_t net_submit(kwork_t *w)
{
    knet_req_t *r = KCONTAINER_OF(w, knet_req_t, work);
    if (r->dev >= nnet)
        return KERR_NO_DEVICE;
    net_t *n = &nets[r->dev];
    if (!r->buf || r->len == 0)
        return KERR_INVALID;
    if (w->op == KOP_NET_RECV) {
        if (n->bl_count) {
            unsigned i = n->bl_head;
            n->bl_head = (uint16_t)((i + 1) % NET_BACKLOG);
            n->bl_count--;
            rx_fill(w, n->backlog[i], n->bl_len[i]);
        } else {
            kq_push(&n->rx_armed, w);
        }
        return KERR_OK;
    }
    if (r->len > KNET_MAX_FRAME)
        return KERR_INVALID;
    kq_push(&n->tx_wait, w);
    tx_pump(n);
    return KERR_OK;
}

/* Armed receives and waiting sends hold no device buffers: always
 * retractable. */
static bool net_cancel(kwork_t *w)
{
    net_t *n = &nets[KCONTAINER_OF(w, knet_req_t, work)->dev];
    return kq_remove(&n->rx_armed, w) || kq_remove(&n->tx_wait, w);
}

static kerr_t net_info(uint32_t dev, void *out)
{
    if (dev >= nnet)
        return KERR_NO_DEVICE;
    net_t *n = &nets[dev];
    virtio_dev_t *d = n->dev;
    if (d->features & F_STATUS)
        n->info.link_up = (d->ops->cfg_read(d, 6, 2) & S_LINK_UP) != 0;
    *(knet_info_t *)out = n->info;
    return KERR_OK;
}

static const kservice_t net_service = { .name = "virtio-net", .submit = net_submit,
                                        .cancel = net_cancel, .info = net_info };

/* Fill the receive ring and stock the transmit buffers. */
static bool net_buffers(net_t *n)
{
    uint16_t nrx = n->rxq->size, ntx = n->txq->size;
    uint8_t *rx = kmem_alloc((size_t)BUF_SIZE * nrx, 64);
    uint8_t *tx = kmem_alloc((size_t)BUF_SIZE * ntx, 64);
    n->tx_free = kmem_alloc(sizeof(uint8_t *) * ntx, sizeof(void *));
    n->backlog = kmem_alloc(sizeof *n->backlog * NET_BACKLOG, 16);
    if (!rx || !tx || !n->tx_free || !n->backlog)
        return false;
    for (uint16_t i = 0; i < nrx; i++)
        rx_post(n, rx + (size_t)BUF_SIZE * i);
    for (uint16_t i = 0; i < ntx; i++)
        n->tx_free[n->ntx_free++] = tx + (size_t)BUF_SIZE * i;
    return true;
}

static void net_mac(virtio_dev_t *d, net_t *n)
{
    static const uint8_t fallback[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    for (unsigned i = 0; i < 6; i++)
        n->info.mac[i] = (d->features & F_MAC) ? (uint8_t)d->ops->cfg_read(d, i, 1)
                                               : fallback[i];
}

bool virtio_net_attach(virtio_dev_t *d)
{
    if (nnet == NET_MAX) {
        printk(KLOG_INFO, "virtio-net: more than %d devices, extra ignored", NET_MAX);
        return false;
    }
    net_t *n = &nets[nnet];
    if (!virtio_negotiate(d, F_MAC | F_STATUS))
        return false;
    n->hdr_len = (d->features & VIRTIO_F_VERSION_1) ? 12 : 10;
    n->rxq = virtio_queue(d, 0, 256);
    n->txq = virtio_queue(d, 1, 128);
    if (!n->rxq || !n->txq || !net_buffers(n)) {
        virtio_fail(d, "no queues or buffers");
        return false;
    }
    net_mac(d, n);
    n->info.link_up = 1;
    n->info.mtu = 1500;
    n->dev = d;
    d->drv = n;
    d->poll = net_poll;
    nnet++;
    virtio_ready(d);
    virtio_kick(d, n->rxq);
    const uint8_t *m = n->info.mac;
    printk(KLOG_INFO, "virtio-net%u: mac %02x:%02x:%02x:%02x:%02x:%02x", nnet - 1,
           m[0], m[1], m[2], m[3], m[4], m[5]);
    return true;
}

bool virtio_net_start(void)
{
    if (nnet)
        kservice_register(KOP_CLASS_NET, &net_service);
    return nnet != 0;
}
