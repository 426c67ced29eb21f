/* mote: the virtio core: device table, status sequence, interrupt record
 * and poll dispatch. */
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_dev.h"
#include "kernel/kmem.h"
#include "mote/printk.h"

#define VIRTIO_MAX_DEVS 16
#define COMMON_FEATURES (VIRTIO_F_EVENT_IDX | VIRTIO_F_VERSION_1)

static virtio_dev_t *devs[VIRTIO_MAX_DEVS];
static unsigned ndevs;

static const char *dev_name(uint32_t id)
{
    switch (id) {
    case VIRTIO_ID_NET: return "net";
    case VIRTIO_ID_BLK: return "blk";
    case VIRTIO_ID_RNG: return "rng";
    default: return "?";
    }
}

bool virtio_attach(virtio_dev_t *d)
{
    if (ndevs == VIRTIO_MAX_DEVS) {
        printk(KLOG_WARN, "virtio: more than %d devices, ignoring the rest",
               VIRTIO_MAX_DEVS);
        return false;
    }
    bool ok;
    switch (d->id) {
    case VIRTIO_ID_RNG: ok = virtio_rng_attach(d); break;
    case VIRTIO_ID_BLK: ok = virtio_blk_attach(d); break;
    case VIRTIO_ID_NET: ok = virtio_net_attach(d); break;
    default:
        printk(KLOG_INFO, "virtio: %s device id %u not supported, ignored",
               d->transport, (unsigned)d->id);
        return false;
    }
    if (ok) {
        devs[ndevs++] = d;
        printk(KLOG_INFO, "virtio: %s %s irq %u features %#lx", dev_name(d->id),
               d->transport, d->irq, (unsigned long)d->features);
    }
    return ok;
}

void virtio_fail(virtio_dev_t *d, const char *why)
{
    printk(KLOG_ERR, "virtio: %s %s: %s; device disabled", dev_name(d->id),
           d->transport, why);
    d->ops->set_status(d, VIRTIO_S_FAILED);
}

/* Reset, ACKNOWLEDGE, DRIVER, then accept what we both know. A modern
 * device must offer VERSION_1; a legacy one must not get it. */
bool virtio_negotiate(virtio_dev_t *d, uint64_t wanted)
{
    const virtio_ops_t *o = d->ops;
    o->set_status(d, 0);
    o->set_status(d, VIRTIO_S_ACK);
    o->set_status(d, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
    uint64_t offered = o->get_features(d);
    if (!d->legacy && !(offered & VIRTIO_F_VERSION_1)) {
        virtio_fail(d, "modern transport without VIRTIO_F_VERSION_1");
        return false;
    }
    uint64_t accept = offered & (wanted | COMMON_FEATURES);
    if (d->legacy)
        accept &= 0xffffffffu;
    o->set_features(d, accept);
    d->features = accept;
    if (d->legacy)
        return true;
    o->set_status(d, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK);
    if (!(o->get_status(d) & VIRTIO_S_FEATURES_OK)) {
        virtio_fail(d, "device rejected our feature set");
        return false;
    }
    return true;
}

virtq_t *virtio_queue(virtio_dev_t *d, unsigned q, uint16_t max_size)
{
    uint16_t n = d->ops->queue_max(d, q);
    if (n == 0)
        return NULL;
    uint16_t size = 1;
    while ((uint16_t)(size * 2) <= n && size * 2 <= max_size)
        size = (uint16_t)(size * 2);
    virtq_t *vq = virtq_alloc((uint16_t)q, size,
                              (d->features & VIRTIO_F_EVENT_IDX) != 0);
    if (!vq || !d->ops->queue_enable(d, vq))
        return NULL;
    virtq_rearm(vq);
    return vq;
}

void virtio_ready(virtio_dev_t *d)
{
    uint8_t s = VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_DRIVER_OK;
    if (!d->legacy)
        s |= VIRTIO_S_FEATURES_OK;
    d->ops->set_status(d, s);
}

/* A 64-bit config field is read in two halves: retry until the config
 * generation shows no change happened in between. */
uint64_t virtio_cfg64(virtio_dev_t *d, unsigned off)
{
    uint32_t gen, lo, hi;
    do {
        gen = d->ops->cfg_generation(d);
        lo = d->ops->cfg_read(d, off, 4);
        hi = d->ops->cfg_read(d, off + 4, 4);
    } while (gen != d->ops->cfg_generation(d));
    return ((uint64_t)hi << 32) | lo;
}

void virtio_kick(virtio_dev_t *d, virtq_t *vq)
{
    if (virtq_kick_needed(vq))
        d->ops->notify(d, vq);
}

void virtio_irq(unsigned irq)
{
    for (unsigned i = 0; i < ndevs; i++)
        if (devs[i]->irq == irq)
            devs[i]->ops->irq_ack(devs[i]);
}

/* Every device is drained at every tick: a used-index compare per queue
 * is cheaper than keeping per-device pending flags honest. */
void virtio_poll(void)
{
    for (unsigned i = 0; i < ndevs; i++)
        devs[i]->poll(devs[i]);
}

void virtio_start(void)
{
    if (!virtio_rng_start())
        printk(KLOG_WARN, "virtio: no rng device: RNG requests fail with KERR_NO_DEVICE");
    if (!virtio_blk_start())
        printk(KLOG_WARN, "virtio: no usable blk device: block requests fail with KERR_NO_DEVICE");
    if (!virtio_net_start())
        printk(KLOG_WARN, "virtio: no net device: frame requests fail with KERR_NO_DEVICE");
}
