/* Host test of drivers/virtio/virtio_net.c (with virtio.c and virtq.c)
 * over a fake transport whose "device" the test drives by hand. It covers
 * what QEMU rarely shows: the receive backlog and its drop counter, frames
 * too big for a receive, every transmit buffer in flight (sends wait, in
 * order, and none is dropped), cancellation, validation, the legacy
 * 10-byte header, and a device that does not offer VIRTIO_F_VERSION_1.
 * Built with ASan/UBSan by run.py; prints PASS/FAIL lines. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_dev.h"
#include "kernel/kmem.h"
#include "kernel/kservice.h"
#include "kernel/platform.h"
#include "mote/knet.h"
#include "mote/printk.h"

/* --- the kernel, stubbed ---------------------------------------------- */

/* kmem never frees, so neither does this (run with detect_leaks=0). */
void *kmem_alloc(size_t size, size_t align)
{
    void *p = aligned_alloc(align, (size + align - 1) / align * align);
    if (p)
        memset(p, 0, size);
    return p;
}

uint64_t platform_dma_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

int platform_msi_alloc(uint64_t *addr, uint32_t *data)
{
    (void)addr, (void)data;
    return -1;
}

static const kservice_t *services[KOP_CLASS__COUNT];

void kservice_register(unsigned cls, const kservice_t *svc)
{
    services[cls] = svc;
}

#define MAXDONE 256
static kwork_t *done_w[MAXDONE];
static kerr_t done_r[MAXDONE];
static unsigned ndone;

void kcomplete(kwork_t *w, kerr_t result)
{
    if (ndone < MAXDONE) {
        done_w[ndone] = w;
        done_r[ndone] = result;
    }
    ndone++;
}

void knet_req_init(knet_req_t *r, kop_t op, uint32_t dev, void *buf,
                   uint32_t len, kwork_fn callback, void *ctx)
{
    memset(r, 0, sizeof *r);
    r->work.op = (uint16_t)op;
    r->work.callback = callback;
    r->work.ctx = ctx;
    r->dev = dev;
    r->buf = buf;
    r->len = len;
}

int klog_level = KLOG_ERR;

void printk(int level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

/* virtio_attach dispatches on the device id; this test only makes nets. */
bool virtio_rng_attach(virtio_dev_t *d)
{
    (void)d;
    return false;
}
bool virtio_blk_attach(virtio_dev_t *d)
{
    (void)d;
    return false;
}
bool virtio_rng_start(void)
{
    return false;
}
bool virtio_blk_start(void)
{
    return false;
}

/* --- the fake transport and device ------------------------------------- */

#define QSIZE 8
typedef struct fake {
    uint64_t offered, accepted;
    uint8_t status;
    virtq_t *vq[2];
    uint16_t seen[2]; /* avail entries the device has taken */
    uint16_t held[2][QSIZE]; /* heads the device holds, FIFO */
    unsigned nheld[2];
    unsigned notifies[2];
} fake_t;

static fake_t fk;

static uint64_t f_get_features(virtio_dev_t *d) { (void)d; return fk.offered; }
static void f_set_features(virtio_dev_t *d, uint64_t f) { (void)d; fk.accepted = f; }
static uint8_t f_get_status(virtio_dev_t *d) { (void)d; return fk.status; }
static void f_set_status(virtio_dev_t *d, uint8_t s) { (void)d; fk.status = s; }
static uint32_t f_cfg_read(virtio_dev_t *d, unsigned off, unsigned width)
{
    static const uint8_t cfg[8] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 1, 0 };
    (void)d;
    uint32_t v = 0;
    for (unsigned i = 0; i < width && off + i < sizeof cfg; i++)
        v |= (uint32_t)cfg[off + i] << (8 * i);
    return v;
}
static uint32_t f_cfg_generation(virtio_dev_t *d) { (void)d; return 0; }
static uint16_t f_queue_max(virtio_dev_t *d, unsigned q) { (void)d; return q < 2 ? QSIZE : 0; }
static bool f_queue_enable(virtio_dev_t *d, virtq_t *vq)
{
    (void)d;
    fk.vq[vq->index] = vq;
    return true;
}
static void f_notify(virtio_dev_t *d, virtq_t *vq) { (void)d; fk.notifies[vq->index]++; }
static void f_irq_ack(virtio_dev_t *d) { (void)d; }

static const virtio_ops_t fake_ops = {
    f_get_features, f_set_features, f_get_status, f_set_status, f_cfg_read,
    f_cfg_generation, f_queue_max, f_queue_enable, f_notify, f_irq_ack,
};

/* The device takes every newly available chain of queue (q). */
static void dev_take(unsigned q)
{
    virtq_t *vq = fk.vq[q];
    while (fk.seen[q] != vq->avail->idx) {
        fk.held[q][fk.nheld[q]++] = vq->avail->ring[fk.seen[q] & (vq->size - 1)];
        fk.seen[q]++;
    }
}

/* The device returns the oldest chain of queue (q), (len) bytes written. */
static virtq_desc_t *dev_return(unsigned q, uint32_t len)
{
    virtq_t *vq = fk.vq[q];
    dev_take(q);
    if (!fk.nheld[q])
        return NULL;
    uint16_t head = fk.held[q][0];
    memmove(fk.held[q], fk.held[q] + 1, --fk.nheld[q] * sizeof fk.held[q][0]);
    uint16_t u = vq->used->idx;
    vq->used->ring[u & (vq->size - 1)] = (virtq_used_elem_t){ head, len };
    vq->used->idx = (uint16_t)(u + 1);
    return &vq->desc[head];
}

/* Deliver a received frame of (len) bytes filled with (tag). */
static int dev_rx(unsigned hdr, uint8_t tag, uint32_t len)
{
    virtq_t *vq = fk.vq[0];
    dev_take(0);
    if (!fk.nheld[0])
        return 0;
    virtq_desc_t *d = &vq->desc[fk.held[0][0]];
    uint8_t *buf = (uint8_t *)(uintptr_t)d->addr;
    memset(buf, 0, hdr);
    memset(buf + hdr, tag, len);
    dev_return(0, hdr + len);
    return 1;
}

/* --- tests --------------------------------------------------------------- */

static int failed;

static void check(const char *name, int ok)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    failed += !ok;
}

static virtio_dev_t *make_dev(uint64_t offered, bool legacy)
{
    memset(&fk, 0, sizeof fk);
    fk.offered = offered;
    virtio_dev_t *d = kmem_alloc(sizeof *d, 16);
    d->ops = &fake_ops;
    d->transport = "fake";
    d->id = VIRTIO_ID_NET;
    d->legacy = legacy;
    return d;
}

static void noop(kwork_t *w)
{
    (void)w;
}

static void test_version_required(void)
{
    virtio_dev_t *d = make_dev(1u << 5, false); /* modern, no VERSION_1 */
    check("net-modern-without-version1-refused",
          !virtio_attach(d) && (fk.status & VIRTIO_S_FAILED));
}

static const kservice_t *net;

static void test_rx_backlog(void)
{
    ndone = 0;
    int ok = 1;
    for (unsigned i = 0; i < 40; i++) { /* none armed: 32 kept, 8 dropped */
        ok &= dev_rx(12, (uint8_t)i, 60 + i);
        virtio_poll();
    }
    knet_info_t info;
    ok &= net->info(0, &info) == KERR_OK && info.rx_dropped == 8 && ndone == 0;
    check("net-rx-backlog-bounded-and-counted", ok);

    static knet_req_t r;
    static uint8_t buf[2048];
    knet_req_init(&r, KOP_NET_RECV, 0, buf, sizeof buf, noop, NULL);
    ok = net->submit(&r.work) == KERR_OK && ndone == 1 && done_w[0] == &r.work &&
         done_r[0] == KERR_OK && r.done == 60 && buf[0] == 0 && buf[59] == 0;
    ndone = 0;
    ok &= net->submit(&r.work) == KERR_OK && ndone == 1 && r.done == 61 && buf[60] == 1;
    check("net-rx-backlog-delivered-in-order", ok);
    for (unsigned i = 2; i < 32; i++) /* drain the rest */
        net->submit(&r.work);
}

static void test_rx_armed(void)
{
    static knet_req_t a, b, small;
    static uint8_t ba[2048], bb[2048], bs[100];
    knet_req_init(&a, KOP_NET_RECV, 0, ba, sizeof ba, noop, NULL);
    knet_req_init(&b, KOP_NET_RECV, 0, bb, sizeof bb, noop, NULL);
    ndone = 0;
    int ok = net->submit(&a.work) == KERR_OK && net->submit(&b.work) == KERR_OK &&
             ndone == 0;
    dev_rx(12, 0xaa, 1514);
    virtio_poll();
    ok &= ndone == 1 && done_w[0] == &a.work && a.done == 1514 && ba[1513] == 0xaa;
    check("net-rx-armed-oldest-first", ok);
    ok = net->cancel(&b.work); /* armed: retractable */
    dev_rx(12, 0xbb, 100);     /* nobody armed now: goes to the backlog */
    virtio_poll();
    ok &= ndone == 1;
    check("net-rx-cancel-armed", ok);
    knet_req_init(&small, KOP_NET_RECV, 0, bs, sizeof bs - 50, noop, NULL);
    dev_rx(12, 0xcc, 200);
    virtio_poll();
    ndone = 0;
    net->submit(&small.work); /* backlog: the 100-byte frame fits in 50? no */
    ok = ndone == 1 && done_r[0] == KERR_TOO_BIG && small.done == 50 && bs[49] == 0xbb;
    check("net-rx-too-big-truncated", ok);
    ndone = 0;
    net->submit(&small.work); /* 200-byte frame */
    check("net-rx-backlog-after-truncation", ndone == 1 && bs[0] == 0xcc);
}

static void test_tx(void)
{
    static knet_req_t s[12];
    static uint8_t frame[12][64];
    ndone = 0;
    int ok = 1;
    for (unsigned i = 0; i < 12; i++) {
        memset(frame[i], (int)(0x10 + i), sizeof frame[i]);
        knet_req_init(&s[i], KOP_NET_SEND, 0, frame[i], 64, noop, NULL);
        ok &= net->submit(&s[i].work) == KERR_OK;
    }
    /* QSIZE transmit buffers: 8 copied and done at once, 4 wait. */
    ok &= ndone == QSIZE;
    for (unsigned i = 0; i < QSIZE; i++)
        ok &= done_w[i] == &s[i].work && done_r[i] == KERR_OK;
    check("net-tx-copies-and-completes-at-once", ok);
    ok = net->cancel(&s[11].work); /* waiting: retractable */
    check("net-tx-cancel-waiting", ok);
    /* The device sends 2: two waiting sends go out, in order. */
    virtq_desc_t *d0 = dev_return(1, 0);
    uint8_t *p0 = (uint8_t *)(uintptr_t)d0->addr;
    ok = d0->len == 12 + 64 && p0[0] == 0 && p0[11] == 0 && p0[12] == 0x10;
    dev_return(1, 0);
    virtio_poll();
    ok &= ndone == QSIZE + 2 && done_w[QSIZE] == &s[8].work && done_w[QSIZE + 1] == &s[9].work;
    check("net-tx-waiting-sends-in-order", ok);
    for (unsigned i = 0; i < 3; i++)
        dev_return(1, 0);
    virtio_poll();
    dev_take(1);
    virtq_desc_t *last = &fk.vq[1]->desc[fk.held[1][fk.nheld[1] - 1]];
    check("net-tx-none-dropped", ndone == QSIZE + 3 &&
                                     ((uint8_t *)(uintptr_t)last->addr)[12] == 0x1a);
}

static void test_validation(void)
{
    static knet_req_t r;
    static uint8_t buf[2000];
    knet_req_init(&r, KOP_NET_SEND, 0, buf, KNET_MAX_FRAME + 1, noop, NULL);
    int ok = net->submit(&r.work) == KERR_INVALID;
    r.len = 0;
    ok &= net->submit(&r.work) == KERR_INVALID;
    r.len = 60;
    r.dev = 2;
    ok &= net->submit(&r.work) == KERR_NO_DEVICE;
    knet_info_t info;
    ok &= net->info(2, &info) == KERR_NO_DEVICE;
    ok &= net->info(0, &info) == KERR_OK && info.mac[0] == 0x02 && info.mac[5] == 0x55 &&
          info.link_up && info.mtu == 1500;
    check("net-validation-and-info", ok);
}

static void test_legacy_header(void)
{
    virtio_dev_t *d = make_dev((1u << 5) | (1u << 16), true);
    int ok = virtio_attach(d) && !(fk.accepted >> 32);
    static knet_req_t s;
    static uint8_t frame[64];
    memset(frame, 0x77, sizeof frame);
    knet_req_init(&s, KOP_NET_SEND, 1, frame, 64, noop, NULL);
    ok &= net->submit(&s.work) == KERR_OK;
    virtq_desc_t *d0 = dev_return(1, 0);
    ok &= d0 && d0->len == 10 + 64 && ((uint8_t *)(uintptr_t)d0->addr)[10] == 0x77;
    check("net-legacy-10-byte-header", ok);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_version_required();
    virtio_dev_t *d = make_dev((1ull << 32) | (1u << 29) | (1u << 5) | (1u << 16) |
                               (1u << 0) /* CSUM: must be declined */, false);
    int ok = virtio_attach(d);
    virtio_start();
    net = services[KOP_CLASS_NET];
    check("net-attach-modern", ok && net && (fk.status & VIRTIO_S_DRIVER_OK) &&
                                   fk.accepted == ((1ull << 32) | (1u << 29) |
                                                   (1u << 5) | (1u << 16)));
    if (!net)
        return 1;
    test_rx_backlog();
    test_rx_armed();
    test_tx();
    test_validation();
    test_legacy_header();
    return failed != 0;
}
