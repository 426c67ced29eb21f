/* mote: PCI enumeration and BAR assignment, shared by every platform with
 * PCI (see pci.h). Bridges are not configured: QEMU's virtio functions sit
 * on the root bus of q35 and of the arm/riscv "virt" machines. */
#include "platform/shared/pci.h"
#include "mote/printk.h"

#define PCI_COMMAND 0x04
#define PCI_CMD_IO 0x1
#define PCI_CMD_MEM 0x2
#define PCI_CMD_MASTER 0x4
#define PCI_BAR0 0x10
#define PCI_CAP_PTR 0x34
#define PCI_INT_PIN 0x3d
#define PCI_STATUS_CAPS 0x10

uint16_t pci_cfg_read16(const pci_func_t *f, unsigned off)
{
    return (uint16_t)(pci_cfg_read32(f, off) >> ((off & 2) * 8));
}

uint8_t pci_cfg_read8(const pci_func_t *f, unsigned off)
{
    return (uint8_t)(pci_cfg_read32(f, off) >> ((off & 3) * 8));
}

void pci_cfg_write16(const pci_func_t *f, unsigned off, uint16_t v)
{
    unsigned sh = (off & 2) * 8;
    uint32_t w = pci_cfg_read32(f, off & ~3u);
    w = (w & ~(0xffffu << sh)) | ((uint32_t)v << sh);
    pci_cfg_write32(f, off & ~3u, w);
}

uint8_t pci_find_cap(const pci_func_t *f, uint8_t cap, uint8_t after)
{
    if (!(pci_cfg_read16(f, 0x06) & PCI_STATUS_CAPS))
        return 0;
    uint8_t p = after ? pci_cfg_read8(f, after + 1) : pci_cfg_read8(f, PCI_CAP_PTR);
    for (int guard = 0; p >= 0x40 && guard < 48; guard++) {
        if (pci_cfg_read8(f, p) == cap)
            return p;
        p = pci_cfg_read8(f, p + 1);
    }
    return 0;
}

/* Take (size) bytes, aligned to (size), from window [*base, *base+*left). */
static uint64_t take(uint64_t *base, uint64_t *left, uint64_t size)
{
    uint64_t a = (*base + size - 1) & ~(size - 1);
    if (!*left || a + size > *base + *left)
        return 0;
    *left -= a + size - *base;
    *base = a + size;
    return a;
}

/* Size BAR (i) of (f) (decoding must be off) and give it an address;
 * returns how many BAR slots it used (2 for a 64-bit one). */
static unsigned bar_setup(pci_func_t *f, unsigned i, pci_windows_t *w)
{
    unsigned off = PCI_BAR0 + 4 * i;
    uint32_t orig = pci_cfg_read32(f, off);
    bool io = orig & 1, is64 = !io && ((orig >> 1) & 3) == 2;
    pci_cfg_write32(f, off, 0xffffffffu);
    uint32_t lo = pci_cfg_read32(f, off) & (io ? ~3u : ~15u);
    uint64_t cur = orig & (io ? ~3u : ~15u), size;
    if (is64) {
        uint32_t hi = pci_cfg_read32(f, off + 4);
        pci_cfg_write32(f, off + 4, 0xffffffffu);
        uint64_t mask = ((uint64_t)pci_cfg_read32(f, off + 4) << 32) | lo;
        cur |= (uint64_t)hi << 32;
        size = mask ? ~mask + 1 : 0;
    } else {
        uint32_t mask = lo | (io ? 0xffff0000u : 0);
        size = lo ? (uint32_t)(~mask + 1) : 0;
    }
    if (size == 0) {
        pci_cfg_write32(f, off, orig);
        return is64 ? 2 : 1;
    }
    if (w->reassign || cur == 0) {
        cur = io ? take(&w->io_base, &w->io_size, size)
            : (is64 && w->mem64_size) ? take(&w->mem64_base, &w->mem64_size, size)
            : take(&w->mem32_base, &w->mem32_size, size);
        if (!cur)
            printk(KLOG_WARN, "pci %02x:%02x.%u: no room for BAR%u (%lu bytes)",
                   f->bus, f->dev, f->fn, i, (unsigned long)size);
    }
    pci_cfg_write32(f, off, (uint32_t)cur | (orig & (io ? 3u : 15u)));
    if (is64)
        pci_cfg_write32(f, off + 4, (uint32_t)(cur >> 32));
    f->bar[i] = cur;
    f->bar_size[i] = cur ? size : 0;
    if (io)
        f->bar_is_io |= (uint8_t)(1u << i);
    return is64 ? 2 : 1;
}

static void func_setup(pci_func_t *f, pci_windows_t *w, pci_irq_fn irq_of)
{
    uint32_t id = pci_cfg_read32(f, 0);
    f->vendor = (uint16_t)id;
    f->device = (uint16_t)(id >> 16);
    uint32_t cls = pci_cfg_read32(f, 0x08);
    f->class_code = (uint8_t)(cls >> 24);
    f->subclass = (uint8_t)(cls >> 16);
    f->int_pin = pci_cfg_read8(f, PCI_INT_PIN);
    uint16_t cmd = pci_cfg_read16(f, PCI_COMMAND);
    pci_cfg_write16(f, PCI_COMMAND, (uint16_t)(cmd & ~(PCI_CMD_IO | PCI_CMD_MEM)));
    if ((pci_cfg_read8(f, 0x0e) & 0x7f) == 0) /* ordinary header: 6 BARs */
        for (unsigned i = 0; i < 6;)
            i += bar_setup(f, i, w);
    pci_cfg_write16(f, PCI_COMMAND,
                    (uint16_t)(cmd | PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER));
    f->irq = irq_of ? irq_of(f) : PCI_IRQ_NONE;
}

unsigned pci_enumerate(const pci_windows_t *win, unsigned max_bus,
                       pci_irq_fn irq_of, pci_visit_fn visit)
{
    pci_windows_t w = *win;
    unsigned found = 0;
    for (unsigned bus = 0; bus <= max_bus; bus++) {
        for (unsigned dev = 0; dev < 32; dev++) {
            for (unsigned fn = 0; fn < 8; fn++) {
                pci_func_t f = { .bus = (uint8_t)bus, .dev = (uint8_t)dev,
                                 .fn = (uint8_t)fn };
                if ((pci_cfg_read32(&f, 0) & 0xffff) == 0xffff) {
                    if (fn == 0)
                        break;
                    continue;
                }
                func_setup(&f, &w, irq_of);
                found++;
                visit(&f);
                if (fn == 0 && !(pci_cfg_read8(&f, 0x0e) & 0x80))
                    break; /* single-function device */
            }
        }
    }
    return found;
}
