/* mote: the virtio-mmio transport, modern (version 2) and legacy
 * (version 1) register layouts (virtio 1.x section 4.2).
 *
 * The differences that matter: legacy has no FEATURES_OK step and no 64-bit
 * features (the core handles both through d->legacy), sets a guest page
 * size once, and takes a queue as one page-aligned block (QueuePFN) laid
 * out with 4 KiB alignment, which is how virtq_alloc lays out every queue.
 * Modern takes the three ring addresses and a QueueReady bit. */
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_dev.h"
#include "arch_io.h"
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "mote/printk.h"

enum {
    MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008,
    DEV_FEATURES = 0x010, DEV_FEATURES_SEL = 0x014,
    DRV_FEATURES = 0x020, DRV_FEATURES_SEL = 0x024,
    GUEST_PAGE_SIZE = 0x028, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034,
    QUEUE_NUM = 0x038, QUEUE_ALIGN = 0x03c, QUEUE_PFN = 0x040,
    QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, INT_STATUS = 0x060,
    INT_ACK = 0x064, STATUS = 0x070, QUEUE_DESC = 0x080,
    QUEUE_DRIVER = 0x090, QUEUE_DEVICE = 0x0a0, CONFIG_GEN = 0x0fc,
    CONFIG = 0x100,
};
#define MMIO_MAGIC 0x74726976u /* "virt" */

static uint32_t rd(virtio_dev_t *d, unsigned r)
{
    return mmio_read32(d->base + r);
}

static void wr(virtio_dev_t *d, unsigned r, uint32_t v)
{
    mmio_write32(d->base + r, v);
}

static uint64_t get_features(virtio_dev_t *d)
{
    wr(d, DEV_FEATURES_SEL, 1);
    uint64_t hi = d->legacy ? 0 : rd(d, DEV_FEATURES);
    wr(d, DEV_FEATURES_SEL, 0);
    return (hi << 32) | rd(d, DEV_FEATURES);
}

static void set_features(virtio_dev_t *d, uint64_t f)
{
    wr(d, DRV_FEATURES_SEL, 1);
    wr(d, DRV_FEATURES, (uint32_t)(f >> 32));
    wr(d, DRV_FEATURES_SEL, 0);
    wr(d, DRV_FEATURES, (uint32_t)f);
}

static uint8_t get_status(virtio_dev_t *d)
{
    return (uint8_t)rd(d, STATUS);
}

static void set_status(virtio_dev_t *d, uint8_t s)
{
    wr(d, STATUS, s);
    if (d->legacy && s == (VIRTIO_S_ACK | VIRTIO_S_DRIVER))
        wr(d, GUEST_PAGE_SIZE, 4096); /* before any queue is set up */
}

static uint32_t cfg_read(virtio_dev_t *d, unsigned off, unsigned width)
{
    uintptr_t a = d->base + CONFIG + off;
    return width == 1 ? mmio_read8(a) : width == 2 ? mmio_read16(a) : mmio_read32(a);
}

static uint32_t cfg_generation(virtio_dev_t *d)
{
    return d->legacy ? 0 : rd(d, CONFIG_GEN);
}

static uint16_t queue_max(virtio_dev_t *d, unsigned q)
{
    wr(d, QUEUE_SEL, q);
    if (rd(d, d->legacy ? QUEUE_PFN : QUEUE_READY))
        return 0; /* already in use: not ours to touch */
    uint32_t n = rd(d, QUEUE_NUM_MAX);
    return n > 32768 ? 32768 : (uint16_t)n;
}

static void wr64(virtio_dev_t *d, unsigned r, uint64_t v)
{
    wr(d, r, (uint32_t)v);
    wr(d, r + 4, (uint32_t)(v >> 32));
}

static bool queue_enable(virtio_dev_t *d, virtq_t *vq)
{
    uint64_t a = platform_dma_addr(vq->desc);
    wr(d, QUEUE_SEL, vq->index);
    wr(d, QUEUE_NUM, vq->size);
    if (d->legacy) {
        wr(d, QUEUE_ALIGN, 4096);
        wr(d, QUEUE_PFN, (uint32_t)(a >> 12));
        return true;
    }
    wr64(d, QUEUE_DESC, a);
    wr64(d, QUEUE_DRIVER, a + virtq_avail_off(vq));
    wr64(d, QUEUE_DEVICE, a + virtq_used_off(vq));
    wr(d, QUEUE_READY, 1);
    return rd(d, QUEUE_READY) == 1;
}

static void notify(virtio_dev_t *d, virtq_t *vq)
{
    wr(d, QUEUE_NOTIFY, vq->index);
}

static void irq_ack(virtio_dev_t *d)
{
    uint32_t s = rd(d, INT_STATUS);
    if (s)
        wr(d, INT_ACK, s);
}

static const virtio_ops_t mmio_ops = {
    get_features, set_features, get_status, set_status, cfg_read,
    cfg_generation, queue_max, queue_enable, notify, irq_ack,
};

bool virtio_mmio_present(uintptr_t base)
{
    return mmio_read32(base + MAGIC) == MMIO_MAGIC && mmio_read32(base + DEVICE_ID) != 0;
}

bool virtio_mmio_probe(uintptr_t base, unsigned irq)
{
    uint32_t magic = mmio_read32(base + MAGIC), ver = mmio_read32(base + VERSION);
    if (magic != MMIO_MAGIC)
        return false;
    uint32_t id = mmio_read32(base + DEVICE_ID);
    if (id == 0)
        return false; /* an empty slot */
    if (ver != 1 && ver != 2) {
        printk(KLOG_WARN, "virtio-mmio at %#lx: unknown version %u, ignored",
               (unsigned long)base, (unsigned)ver);
        return false;
    }
    virtio_dev_t *d = kmem_alloc(sizeof *d, 16);
    if (!d)
        return false;
    d->ops = &mmio_ops;
    d->base = base;
    d->irq = irq;
    d->id = id;
    d->legacy = ver == 1;
    d->transport = d->legacy ? "mmio-legacy" : "mmio";
    return virtio_attach(d);
}
