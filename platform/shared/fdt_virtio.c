/* mote: virtio devices from the device tree (see fdt_virtio.h).
 *
 * virtio-mmio: QEMU's virt machines list every transport slot (32 on arm);
 * each is probed, and an empty one (device id 0) is skipped.
 * PCI: under -kernel no firmware has run, so pci_enumerate assigns every
 * BAR; I/O space is handed out above 4 KiB so no BAR gets address 0, which
 * pci.c reads as "unassigned". Only bus 0 is scanned: nothing numbers
 * bridges' secondary buses, and QEMU puts virtio functions on bus 0.
 */
#include "platform/shared/fdt_virtio.h"
#include "drivers/virtio/virtio.h"
#include "mote/printk.h"
#include "platform/shared/fdt_pci.h"
#include "platform/shared/pci.h"

#define MAX_CELLS 4 /* interrupt specifier cells we accept */

/* pci_enumerate's callbacks take no context: the bridge being scanned. */
static struct {
    const fdt_t *f;
    const fdt_virtio_irq_t *irq;
    fdt_pci_host_t host;
} pci;

/* Interrupt (index) of (node), through its interrupt parent's cells. */
static bool node_irq(const fdt_t *f, const fdt_virtio_irq_t *irq, int node,
                     uint32_t index, unsigned *line, bool *edge)
{
    int ctrl = fdt_interrupt_parent(f, node);
    uint32_t n, spec[MAX_CELLS];
    if (ctrl == FDT_NONE ||
        fdt_prop_u32(f, ctrl, "#interrupt-cells", 0, &n) || n == 0 || n > MAX_CELLS)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (fdt_prop_u32(f, node, "interrupts", n * index + i, &spec[i]))
            return false;
    return irq->translate(f, ctrl, spec, n, line, edge);
}

unsigned fdt_virtio_mmio(const fdt_t *f, const fdt_virtio_irq_t *irq,
                         uint64_t limit)
{
    /* One pass over the tree, keeping the path to the current node, so
     * that no slot costs a walk from the root to find its parent; an empty
     * slot (most of them) is skipped before its interrupt is looked up,
     * which walks the tree too. Under TCG the 32 slots of arm64's virt
     * cost 18-29 ms of boot before (boot_trace=1). */
    unsigned found = 0;
    int path[FDT_MAX_DEPTH], d = 0;
    for (int v = fdt_next_node(f, FDT_NONE, &d); v != FDT_NONE; v = fdt_next_node(f, v, &d)) {
        if (d < 0 || d >= FDT_MAX_DEPTH)
            break;
        path[d] = v;
        if (!fdt_prop_has_str(f, v, "compatible", "virtio,mmio"))
            continue;
        uint64_t base, size;
        unsigned line;
        bool edge;
        if (fdt_reg_in(f, d > 0 ? path[d - 1] : FDT_NONE, v, 0, &base, &size) ||
            base >= limit || size > limit - base || !virtio_mmio_present((uintptr_t)base) ||
            !node_irq(f, irq, v, 0, &line, &edge))
            continue;
        if (virtio_mmio_probe((uintptr_t)base, line)) {
            irq->enable(line, edge);
            found++;
        }
    }
    return found;
}

static unsigned pci_irq_of(const pci_func_t *fn)
{
    int ctrl;
    uint32_t spec[MAX_CELLS], n;
    unsigned line;
    bool edge;
    if (!fn->int_pin ||
        fdt_pci_intx(pci.f, &pci.host, fn->bus, fn->dev, fn->fn, fn->int_pin,
                     &ctrl, spec, &n, MAX_CELLS) ||
        !pci.irq->translate(pci.f, ctrl, spec, n, &line, &edge))
        return PCI_IRQ_NONE;
    return line;
}

static void pci_visit(pci_func_t *fn)
{
    if (virtio_pci_probe(fn) && fn->irq != PCI_IRQ_NONE)
        pci.irq->enable(fn->irq, false); /* INTx is level-triggered */
}

static bool usable(const fdt_pci_window_t *w, uint64_t limit)
{
    return w->size && w->cpu == w->pci && w->cpu < limit &&
           w->size <= limit - w->cpu;
}

static void windows(pci_windows_t *w, uint64_t limit)
{
    const fdt_pci_host_t *h = &pci.host;
    *w = (pci_windows_t){.reassign = true};
    if (usable(&h->mem32, limit))
        w->mem32_base = h->mem32.pci, w->mem32_size = h->mem32.size;
    if (usable(&h->mem64, limit))
        w->mem64_base = h->mem64.pci, w->mem64_size = h->mem64.size;
    if (h->io.size > 0x1000)
        w->io_base = h->io.pci + 0x1000, w->io_size = h->io.size - 0x1000;
}

unsigned fdt_virtio_pci(const fdt_t *f, const fdt_virtio_irq_t *irq,
                        uint64_t limit)
{
    int node = fdt_find_compatible(f, FDT_NONE, "pci-host-ecam-generic");
    if (node == FDT_NONE || fdt_pci_host(f, node, &pci.host) != KERR_OK)
        return 0;
    if (pci.host.ecam >= limit || pci.host.ecam_size > limit - pci.host.ecam) {
        printk(KLOG_WARN, "pci: ECAM at %#llx is out of reach, PCI unused",
               (unsigned long long)pci.host.ecam);
        return 0;
    }
    pci.f = f, pci.irq = irq;
    pci_windows_t w;
    windows(&w, limit);
    pci_ecam_init((uintptr_t)pci.host.ecam);
    return pci_enumerate(&w, 0, pci_irq_of, pci_visit);
}
