/* mote: the modern virtio-pci transport (virtio 1.x section 4.1).
 *
 * Everything is found through vendor capabilities: common config, notify,
 * ISR and device config, each a window into a memory BAR. Interrupts use
 * MSI-X when the platform can give us a message (one vector shared by
 * config changes and every queue), else the INTx line the platform
 * assigned, acknowledged by reading the ISR byte. Legacy-only (pre-1.0)
 * PCI devices are refused. */
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_dev.h"
#include "arch_io.h"
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/shared/pci.h"

enum { CAP_VENDOR = 0x09, CAP_MSIX = 0x11 };
enum { CFG_COMMON = 1, CFG_NOTIFY = 2, CFG_ISR = 3, CFG_DEVICE = 4 };
enum { /* common config */
    DFSELECT = 0x00, DF = 0x04, GFSELECT = 0x08, GF = 0x0c, MSIX_CONFIG = 0x10,
    NUM_QUEUES = 0x12, STATUS = 0x14, CFG_GEN = 0x15, Q_SELECT = 0x16,
    Q_SIZE = 0x18, Q_MSIX = 0x1a, Q_ENABLE = 0x1c, Q_NOTIFY_OFF = 0x1e,
    Q_DESC = 0x20, Q_DRIVER = 0x28, Q_DEVICE = 0x30,
};
#define NO_VECTOR 0xffff

static uint64_t get_features(virtio_dev_t *d)
{
    mmio_write32(d->base + DFSELECT, 1);
    uint64_t hi = mmio_read32(d->base + DF);
    mmio_write32(d->base + DFSELECT, 0);
    return (hi << 32) | mmio_read32(d->base + DF);
}

static void set_features(virtio_dev_t *d, uint64_t f)
{
    mmio_write32(d->base + GFSELECT, 1);
    mmio_write32(d->base + GF, (uint32_t)(f >> 32));
    mmio_write32(d->base + GFSELECT, 0);
    mmio_write32(d->base + GF, (uint32_t)f);
}

static uint8_t get_status(virtio_dev_t *d)
{
    return mmio_read8(d->base + STATUS);
}

static void set_status(virtio_dev_t *d, uint8_t s)
{
    mmio_write8(d->base + STATUS, s);
    if (s == 0)
        while (mmio_read8(d->base + STATUS) != 0)
            ; /* reset completes when the device reads back 0 */
}

static uint32_t cfg_read(virtio_dev_t *d, unsigned off, unsigned width)
{
    uintptr_t a = d->devcfg + off;
    return width == 1 ? mmio_read8(a) : width == 2 ? mmio_read16(a) : mmio_read32(a);
}

static uint32_t cfg_generation(virtio_dev_t *d)
{
    return mmio_read8(d->base + CFG_GEN);
}

static uint16_t queue_max(virtio_dev_t *d, unsigned q)
{
    if (q >= mmio_read16(d->base + NUM_QUEUES))
        return 0;
    mmio_write16(d->base + Q_SELECT, (uint16_t)q);
    return mmio_read16(d->base + Q_SIZE);
}

static void wr64(uintptr_t a, uint64_t v)
{
    mmio_write32(a, (uint32_t)v);
    mmio_write32(a + 4, (uint32_t)(v >> 32));
}

static bool queue_enable(virtio_dev_t *d, virtq_t *vq)
{
    uintptr_t c = d->base;
    uint64_t a = platform_dma_addr(vq->desc);
    mmio_write16(c + Q_SELECT, vq->index);
    mmio_write16(c + Q_SIZE, vq->size);
    if (d->isr == 0) { /* MSI-X: vector 0 for every queue */
        mmio_write16(c + Q_MSIX, 0);
        if (mmio_read16(c + Q_MSIX) == NO_VECTOR)
            return false;
    }
    wr64(c + Q_DESC, a);
    wr64(c + Q_DRIVER, a + virtq_avail_off(vq));
    wr64(c + Q_DEVICE, a + virtq_used_off(vq));
    vq->notify_addr = d->notify + (uintptr_t)mmio_read16(c + Q_NOTIFY_OFF) * d->notify_mult;
    mmio_write16(c + Q_ENABLE, 1);
    return true;
}

static void notify(virtio_dev_t *d, virtq_t *vq)
{
    (void)d;
    mmio_write16(vq->notify_addr, vq->index);
}

static void irq_ack(virtio_dev_t *d)
{
    if (d->isr)
        (void)mmio_read8(d->isr); /* reading clears it and drops INTx */
}

static const virtio_ops_t pci_ops = {
    get_features, set_features, get_status, set_status, cfg_read,
    cfg_generation, queue_max, queue_enable, notify, irq_ack,
};

/* Walk the vendor capabilities; false if a required one is missing. */
static bool find_regions(const pci_func_t *f, virtio_dev_t *d)
{
    for (uint8_t c = pci_find_cap(f, CAP_VENDOR, 0); c; c = pci_find_cap(f, CAP_VENDOR, c)) {
        uint8_t type = pci_cfg_read8(f, c + 3), bar = pci_cfg_read8(f, c + 4);
        if (bar > 5 || !f->bar[bar] || (f->bar_is_io & (1u << bar)))
            continue;
        uintptr_t a = (uintptr_t)(f->bar[bar] + pci_cfg_read32(f, c + 8));
        if (type == CFG_COMMON && !d->base)
            d->base = a;
        else if (type == CFG_NOTIFY && !d->notify) {
            d->notify = a;
            d->notify_mult = pci_cfg_read32(f, c + 16);
        } else if (type == CFG_ISR && !d->isr)
            d->isr = a;
        else if (type == CFG_DEVICE && !d->devcfg)
            d->devcfg = a;
    }
    return d->base && d->notify && d->isr;
}

/* Program MSI-X table entry 0 with a platform message and enable MSI-X;
 * false (nothing changed) if either side cannot. */
static bool msix_setup(const pci_func_t *f, virtio_dev_t *d)
{
    uint8_t c = pci_find_cap(f, CAP_MSIX, 0);
    uint64_t addr;
    uint32_t data;
    if (!c)
        return false;
    uint32_t tbl = pci_cfg_read32(f, c + 4);
    if ((tbl & 7) > 5 || !f->bar[tbl & 7])
        return false;
    int line = platform_msi_alloc(&addr, &data);
    if (line < 0)
        return false;
    uintptr_t e = (uintptr_t)(f->bar[tbl & 7] + (tbl & ~7u));
    mmio_write32(e + 0, (uint32_t)addr);
    mmio_write32(e + 4, (uint32_t)(addr >> 32));
    mmio_write32(e + 8, data);
    mmio_write32(e + 12, 0); /* unmasked */
    uint16_t ctl = pci_cfg_read16(f, c + 2);
    pci_cfg_write16(f, c + 2, (uint16_t)((ctl | 0x8000) & ~0x4000));
    d->irq = (unsigned)line;
    return true;
}

bool virtio_pci_probe(const pci_func_t *f)
{
    if (f->vendor != 0x1af4 || f->device < 0x1000 || f->device > 0x107f)
        return false;
    virtio_dev_t *d = kmem_alloc(sizeof *d, 16);
    if (!d)
        return false;
    d->ops = &pci_ops;
    d->transport = "pci";
    d->id = f->device >= 0x1040 ? f->device - 0x1040u
          : f->device == 0x1000 ? VIRTIO_ID_NET
          : f->device == 0x1001 ? VIRTIO_ID_BLK
          : f->device == 0x1005 ? VIRTIO_ID_RNG : 0;
    if (!find_regions(f, d)) {
        printk(KLOG_WARN, "virtio-pci %02x:%02x.%u: no modern capabilities "
               "(legacy-only device), ignored", f->bus, f->dev, f->fn);
        return false;
    }
    if (msix_setup(f, d)) {
        d->isr = 0; /* MSI-X: nothing to acknowledge */
    } else if (f->irq != PCI_IRQ_NONE) {
        d->irq = f->irq;
    } else {
        printk(KLOG_WARN, "virtio-pci %02x:%02x.%u: no MSI-X and no INTx line, "
               "ignored", f->bus, f->dev, f->fn);
        return false;
    }
    return virtio_attach(d);
}
