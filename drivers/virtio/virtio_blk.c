/* mote: virtio-blk, serving KOP_CLASS_BLK (kblk_req_t).
 *
 * Each request becomes one descriptor chain: a 16-byte header (type,
 * sector), the caller's segments (scatter-gather, DMA in place), and a
 * status byte the device writes. Header and status live in a driver slot,
 * one per chain in flight. When the ring has no room (or no slot), the
 * request waits in a FIFO linked through kwork_t.svc_priv and starts as
 * soon as completions free space: any number may be submitted, nothing is
 * allocated. Requests are checked in submit (include/mote/kblk.h) so a bad
 * one is refused before it touches the device. */
#include <stddef.h>
#include "drivers/virtio/virtio_dev.h"
#include "kernel/kblk_check.h"
#include "kernel/kmem.h"
#include "kernel/kservice.h"
#include "mote/kblk.h"
#include "mote/printk.h"

#define BLK_MAX 2
#define F_SEG_MAX (1u << 2)
#define F_RO (1u << 5)
#define F_BLK_SIZE (1u << 6)
#define F_FLUSH (1u << 9)
enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4 };

typedef struct blk_slot {
    struct { uint32_t type, reserved; uint64_t sector; } hdr;
    uint8_t status;
    kblk_req_t *req;
    struct blk_slot *next_free;
} blk_slot_t;

typedef struct blk {
    virtio_dev_t *dev;
    virtq_t *vq;
    kblk_info_t info;
    uint32_t per_sector;  /* 512-byte virtio sectors per device sector */
    bool flush;
    blk_slot_t *free;
    kwork_t *head, *tail; /* waiting for ring space */
} blk_t;

static blk_t blks[BLK_MAX];
static unsigned nblk;

/* kblk.h's checks (shared with every block service), plus one of ours: a
 * chain must fit the ring. */
static kerr_t blk_check(const kblk_req_t *r)
{
    if (r->dev >= nblk)
        return KERR_NO_DEVICE;
    const blk_t *b = &blks[r->dev];
    uint64_t bytes;
    kerr_t err = kblk_check(r, &b->info, &bytes);
    if (!err && r->nsegs + 2u > b->vq->size)
        err = KERR_INVALID;
    return err;
}

/* Put (r) on the ring; false if there is no room yet. */
static bool blk_start(blk_t *b, kblk_req_t *r)
{
    if (!b->free || b->vq->num_free < r->nsegs + 2u)
        return false;
    blk_slot_t *s = b->free;
    bool wr = r->work.op == KOP_BLK_WRITE;
    s->hdr.type = r->work.op == KOP_BLK_FLUSH ? T_FLUSH : wr ? T_OUT : T_IN;
    s->hdr.reserved = 0;
    s->hdr.sector = r->sector * b->per_sector;
    s->status = 0xff;
    s->req = r;
    virtq_buf_t v[KBLK_MAX_SEGS + 2];
    v[0] = (virtq_buf_t){ &s->hdr, sizeof s->hdr };
    for (uint32_t i = 0; i < r->nsegs; i++)
        v[1 + i] = (virtq_buf_t){ r->segs[i].buf, r->segs[i].len };
    v[1 + r->nsegs] = (virtq_buf_t){ &s->status, 1 };
    unsigned nout = 1 + (wr ? r->nsegs : 0);
    if (!virtq_add(b->vq, v, nout, r->nsegs + 2 - nout, s))
        return false;
    b->free = s->next_free;
    return true;
}

/* Start waiting requests in order while the ring has room. */
static void blk_feed(blk_t *b)
{
    while (b->head && blk_start(b, KCONTAINER_OF(b->head, kblk_req_t, work)))
        b->head = b->head->svc_priv;
    virtio_kick(b->dev, b->vq);
}

static void blk_poll(virtio_dev_t *d)
{
    blk_t *b = d->drv;
    blk_slot_t *s;
    do {
        while ((s = virtq_get(b->vq, NULL)) != NULL) {
            kblk_req_t *r = s->req;
            kerr_t res = s->status == 0 ? KERR_OK : KERR_IO;
            if (res)
                printk(KLOG_WARN, "virtio-blk: op %#x sector %lu: device status %u",
                       r->work.op, (unsigned long)r->sector, s->status);
            s->next_free = b->free;
            b->free = s;
            kcomplete(&r->work, res);
        }
        blk_feed(b);
    } while (virtq_rearm(b->vq));
}

static kerr_t blk_submit(kwork_t *w)
{
    kblk_req_t *r = KCONTAINER_OF(w, kblk_req_t, work);
    kerr_t err = blk_check(r);
    if (err)
        return err;
    blk_t *b = &blks[r->dev];
    if (w->op == KOP_BLK_FLUSH && !b->flush) {
        kcomplete(w, KERR_OK); /* no volatile cache: writes are durable */
        return KERR_OK;
    }
    w->svc_priv = NULL;
    if (!b->head && blk_start(b, r)) {
        virtio_kick(b->dev, b->vq);
        return KERR_OK;
    }
    if (b->head)
        b->tail->svc_priv = w;
    else
        b->head = w;
    b->tail = w;
    return KERR_OK;
}

static bool blk_cancel(kwork_t *w)
{
    blk_t *b = &blks[KCONTAINER_OF(w, kblk_req_t, work)->dev];
    kwork_t *prev = NULL;
    for (kwork_t *p = b->head; p; prev = p, p = p->svc_priv) {
        if (p != w)
            continue;
        if (prev)
            prev->svc_priv = p->svc_priv;
        else
            b->head = p->svc_priv;
        if (b->tail == p)
            b->tail = prev;
        return true;
    }
    return false; /* on the device: completes when the device is done */
}

static kerr_t blk_info(uint32_t dev, void *out)
{
    if (dev >= nblk)
        return KERR_NO_DEVICE;
    *(kblk_info_t *)out = blks[dev].info;
    return KERR_OK;
}

static const kservice_t blk_service = { .name = "virtio-blk", .submit = blk_submit,
                                        .cancel = blk_cancel, .info = blk_info };

/* Read geometry; false (logged) if the device is unusable. */
static bool blk_config(virtio_dev_t *d, blk_t *b)
{
    uint64_t cap512 = virtio_cfg64(d, 0);
    uint32_t ss = 512;
    if (d->features & F_BLK_SIZE) {
        ss = d->ops->cfg_read(d, 20, 4);
        if (ss < 512 || (ss & (ss - 1)) || ss > 65536) {
            printk(KLOG_WARN, "virtio-blk: odd block size %u, using 512", (unsigned)ss);
            ss = 512;
        }
    }
    b->per_sector = ss / 512;
    b->info.sector_size = ss;
    b->info.sectors = cap512 / b->per_sector;
    b->info.read_only = (d->features & F_RO) != 0;
    b->flush = (d->features & F_FLUSH) != 0;
    if (b->info.sectors == 0) {
        virtio_fail(d, "capacity 0");
        return false;
    }
    return true;
}

bool virtio_blk_attach(virtio_dev_t *d)
{
    if (nblk == BLK_MAX) {
        printk(KLOG_INFO, "virtio-blk: more than %d devices, extra ignored", BLK_MAX);
        return false;
    }
    blk_t *b = &blks[nblk];
    if (!virtio_negotiate(d, F_SEG_MAX | F_RO | F_BLK_SIZE | F_FLUSH) ||
        !blk_config(d, b))
        return false;
    b->vq = virtio_queue(d, 0, 256);
    unsigned nslots = b->vq ? b->vq->size / 2u : 0;
    blk_slot_t *slots = kmem_alloc(sizeof *slots * nslots, 16);
    if (!b->vq || !slots) {
        virtio_fail(d, "no request queue");
        return false;
    }
    for (unsigned i = 0; i < nslots; i++) {
        slots[i].next_free = b->free;
        b->free = &slots[i];
    }
    b->dev = d;
    d->drv = b;
    d->poll = blk_poll;
    nblk++;
    virtio_ready(d);
    printk(KLOG_INFO, "virtio-blk%u: %lu sectors of %u bytes%s", nblk - 1,
           (unsigned long)b->info.sectors, (unsigned)b->info.sector_size,
           b->info.read_only ? ", read-only" : "");
    return true;
}

bool virtio_blk_start(void)
{
    if (nblk)
        kservice_register(KOP_CLASS_BLK, &blk_service);
    return nblk != 0;
}
