/* mote: virtio-rng, serving KOP_CLASS_RNG (krng_req_t).
 *
 * One request is on the device at a time, DMA straight into the caller's
 * buffer; a device may return fewer bytes than asked, so the request goes
 * back to the device for the rest until it is full. Requests wait in a FIFO
 * linked through kwork_t.svc_priv (no allocation). Only the first rng
 * device is used. */
#include <stddef.h>
#include "drivers/virtio/virtio_dev.h"
#include "kernel/kservice.h"
#include "mote/krng.h"
#include "mote/printk.h"

typedef struct {
    virtio_dev_t *dev;
    virtq_t *vq;
    kwork_t *head, *tail; /* waiting, not yet on the device */
    krng_req_t *busy;     /* on the device */
    uint32_t off;         /* bytes of busy already filled */
} rng_t;

static rng_t rng;

static void rng_feed(void)
{
    if (rng.busy || !rng.head)
        return;
    kwork_t *w = rng.head;
    rng.head = w->svc_priv;
    krng_req_t *r = KCONTAINER_OF(w, krng_req_t, work);
    rng.busy = r;
    rng.off = 0;
    virtq_buf_t b = { r->buf, r->len };
    virtq_add(rng.vq, &b, 0, 1, r);
    virtio_kick(rng.dev, rng.vq);
}

static void rng_poll(virtio_dev_t *d)
{
    (void)d;
    uint32_t len;
    do {
        while (virtq_get(rng.vq, &len)) {
            krng_req_t *r = rng.busy;
            rng.off += len;
            if (rng.off >= r->len) {
                rng.busy = NULL;
                kcomplete(&r->work, KERR_OK);
            } else {
                virtq_buf_t b = { (char *)r->buf + rng.off, r->len - rng.off };
                virtq_add(rng.vq, &b, 0, 1, r);
                virtio_kick(rng.dev, rng.vq);
            }
        }
        rng_feed();
    } while (virtq_rearm(rng.vq));
}

static kerr_t rng_submit(kwork_t *w)
{
    krng_req_t *r = KCONTAINER_OF(w, krng_req_t, work);
    if (r->len == 0) {
        kcomplete(w, KERR_OK);
        return KERR_OK;
    }
    if (!r->buf)
        return KERR_INVALID;
    w->svc_priv = NULL;
    if (rng.tail && rng.head)
        rng.tail->svc_priv = w;
    else
        rng.head = w;
    rng.tail = w;
    rng_feed();
    return KERR_OK;
}

/* Only a request still waiting in the FIFO can be retracted. */
static bool rng_cancel(kwork_t *w)
{
    for (kwork_t **p = &rng.head, *prev = NULL; *p; prev = *p, p = (kwork_t **)&(*p)->svc_priv) {
        if (*p == w) {
            *p = w->svc_priv;
            if (rng.tail == w)
                rng.tail = prev;
            return true;
        }
    }
    return false;
}

static const kservice_t rng_service = { .name = "virtio-rng", .submit = rng_submit,
                                        .cancel = rng_cancel };

bool virtio_rng_attach(virtio_dev_t *d)
{
    if (rng.dev) {
        printk(KLOG_INFO, "virtio-rng: extra device ignored");
        return false;
    }
    if (!virtio_negotiate(d, 0))
        return false;
    rng.vq = virtio_queue(d, 0, 8);
    if (!rng.vq) {
        virtio_fail(d, "no request queue");
        return false;
    }
    d->poll = rng_poll;
    rng.dev = d;
    virtio_ready(d);
    return true;
}

bool virtio_rng_start(void)
{
    if (rng.dev)
        kservice_register(KOP_CLASS_RNG, &rng_service);
    return rng.dev != NULL;
}
