/* Host test of drivers/virtio/virtq.c against a simulated device: chains
 * and cookies survive 16-bit index wrap-around, no descriptor leaks, a
 * full ring refuses without side effects, and the VIRTIO_F_EVENT_IDX
 * arithmetic in both directions. Built with ASan/UBSan by run.py; prints
 * PASS/FAIL lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virtio/virtq.h"
#include "kernel/kmem.h"
#include "kernel/platform.h"

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

static int failed;

static void check(const char *name, int ok)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    failed += !ok;
}

/* The device side: consume every available chain, check its shape,
 * write the used entry (len = sum of writable lengths). */
static uint16_t dev_avail;

static int device_run(virtq_t *vq, uint16_t *avail_event)
{
    int ok = 1;
    while (dev_avail != vq->avail->idx) {
        uint16_t head = vq->avail->ring[dev_avail & (vq->size - 1)], i = head;
        uint32_t wlen = 0;
        for (unsigned n = 0;; n++) {
            virtq_desc_t *d = &vq->desc[i];
            ok &= n < vq->size && d->len == ((uint32_t)(d->addr & 0xff) + 1);
            if (d->flags & VIRTQ_DESC_F_WRITE)
                wlen += d->len;
            if (!(d->flags & VIRTQ_DESC_F_NEXT))
                break;
            i = d->next;
        }
        uint16_t u = vq->used->idx;
        vq->used->ring[u & (vq->size - 1)] = (virtq_used_elem_t){ head, wlen };
        vq->used->idx = (uint16_t)(u + 1);
        dev_avail++;
    }
    if (avail_event)
        *(volatile uint16_t *)&vq->used->ring[vq->size] = *avail_event;
    return ok;
}

static void test_wrap(void)
{
    virtq_t *vq = virtq_alloc(0, 16, 1);
    static uint8_t mem[4][256];
    unsigned long sent = 0, got = 0, order_ok = 1, shape_ok = 1;
    srand(7);
    dev_avail = 0;
    for (int round = 0; round < 100000; round++) {
        unsigned batch = 1 + (unsigned)rand() % 6;
        for (unsigned b = 0; b < batch; b++) {
            unsigned nout = (unsigned)rand() % 3, nin = 1 + (unsigned)rand() % 2;
            virtq_buf_t bufs[4];
            for (unsigned k = 0; k < nout + nin; k++) {
                unsigned off = (unsigned)rand() % 200;
                bufs[k] = (virtq_buf_t){ &mem[k][0] + off, 0 };
                bufs[k].len = (uint32_t)(((uintptr_t)bufs[k].p & 0xff) + 1);
            }
            if (!virtq_add(vq, bufs, nout, nin, (void *)(uintptr_t)(sent + 1)))
                break;
            sent++;
        }
        shape_ok &= device_run(vq, NULL);
        void *c;
        while ((c = virtq_get(vq, NULL)) != NULL)
            order_ok &= (uintptr_t)c == ++got;
    }
    check("virtq-wrap-order", order_ok && got == sent && sent > 65536 * 2);
    check("virtq-wrap-shape", shape_ok);
    check("virtq-no-leak", vq->num_free == vq->size);
}

static void test_full(void)
{
    virtq_t *vq = virtq_alloc(0, 8, 0);
    static uint8_t b[8];
    virtq_buf_t bufs[3] = { { b, 1 }, { b, 1 }, { b, 1 } };
    int ok = virtq_add(vq, bufs, 1, 2, (void *)1) && virtq_add(vq, bufs, 1, 2, (void *)2);
    uint16_t idx = vq->avail->idx, nfree = vq->num_free;
    ok &= !virtq_add(vq, bufs, 1, 2, (void *)3); /* 2 left, 3 needed */
    ok &= vq->avail->idx == idx && vq->num_free == nfree;
    ok &= !virtq_add(vq, bufs, 0, 0, (void *)4);
    check("virtq-full-refused", ok);
}

/* vring_need_event(event, new, old): notify iff event is in [old, new). */
static void test_event_idx(void)
{
    static uint8_t b[8];
    virtq_buf_t buf = { b, 1 };
    virtq_t *vq = virtq_alloc(0, 8, 1);
    dev_avail = 0;
    uint16_t ev = 0;
    int ok = virtq_add(vq, &buf, 0, 1, (void *)1);
    device_run(vq, &ev); /* device wants a kick when entry 0 is added */
    ok &= virtq_kick_needed(vq);       /* avail 0 -> 1 covers event 0 */
    ok &= !virtq_kick_needed(vq);      /* nothing new */
    virtq_get(vq, NULL);
    ev = 5;
    device_run(vq, &ev);
    ok &= virtq_add(vq, &buf, 0, 1, (void *)2);
    ok &= !virtq_kick_needed(vq);      /* avail 1 -> 2: event 5 not crossed */
    for (int i = 0; i < 4; i++)
        ok &= virtq_add(vq, &buf, 0, 1, (void *)3);
    ok &= virtq_kick_needed(vq);       /* 2 -> 6 crosses 5 */
    check("virtq-kick-event-idx", ok);

    virtq_t *nq = virtq_alloc(0, 8, 0);
    ok = virtq_add(nq, &buf, 0, 1, (void *)1) && virtq_kick_needed(nq);
    nq->used->flags = VIRTQ_USED_F_NO_NOTIFY;
    ok &= virtq_add(nq, &buf, 0, 1, (void *)1) && !virtq_kick_needed(nq);
    check("virtq-kick-no-notify-flag", ok);
}

static void test_rearm(void)
{
    static uint8_t b[8];
    virtq_buf_t buf = { b, 1 };
    virtq_t *vq = virtq_alloc(0, 8, 1);
    dev_avail = 0;
    uint16_t *used_event = (uint16_t *)&vq->avail->ring[vq->size];
    int ok = !virtq_rearm(vq) && *used_event == 0;
    virtq_add(vq, &buf, 0, 1, (void *)1);
    device_run(vq, NULL);
    ok &= virtq_rearm(vq); /* an entry is waiting: drain again */
    ok &= virtq_get(vq, NULL) == (void *)1 && !virtq_rearm(vq) && *used_event == 1;
    virtq_quiet(vq);
    ok &= *used_event == 0; /* last_used - 1: crossed only after a wrap */
    check("virtq-rearm-and-quiet", ok);

    virtq_t *nq = virtq_alloc(0, 8, 0);
    virtq_quiet(nq);
    ok = nq->avail->flags == VIRTQ_AVAIL_F_NO_INTERRUPT;
    virtq_rearm(nq);
    check("virtq-quiet-flag", ok && nq->avail->flags == 0);
}

static void test_bad_id(void)
{
    static uint8_t b[8];
    virtq_buf_t buf = { b, 1 };
    virtq_t *vq = virtq_alloc(0, 8, 0);
    virtq_add(vq, &buf, 0, 1, (void *)1);
    vq->used->ring[0] = (virtq_used_elem_t){ 999, 0 }; /* a broken device */
    vq->used->idx = 1;
    check("virtq-bad-used-id-ignored", virtq_get(vq, NULL) == NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_wrap();
    test_full();
    test_event_idx();
    test_rearm();
    test_bad_id();
    return failed != 0;
}
