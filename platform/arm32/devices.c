/* mote arm32: devices from the FDT, served by drivers/virtio.
 *
 * platform/shared/fdt_virtio.c finds the virtio-mmio windows and the PCIe
 * bridge; this file supplies the GIC side: a 3-cell arm,gic specifier
 * becomes an INTID (virtio-mmio SPIs are edge-triggered on virt, PCI INTx
 * level-triggered, swizzled over four SPIs) and a found device's line is
 * routed to virtio_irq. No MSI yet: platform_msi_alloc says so, and
 * virtio-pci falls back to INTx (virt's GICv2m frame would add it).
 * 32-bit: every window must lie below 4 GiB. With QEMU's default
 * highmem=on the ECAM does not (it sits at 256 GiB, next to a 64-bit
 * window at 512 GiB): PCI is then left unused, with a hint.
 */
#include "drivers/virtio/virtio.h"
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/arm32/arm32.h"
#include "platform/shared/fdt_virtio.h"
#include "platform/shared/gic.h"

#define LIMIT (1ull << 32)

static bool gic_translate(const fdt_t *f, int ctrl, const uint32_t *spec,
                          uint32_t n, unsigned *line, bool *edge)
{
    (void)f, (void)ctrl; /* virt has one interrupt controller, the GIC */
    return n == 3 && gic_fdt_irq(spec, line, edge);
}

static void route(unsigned line, bool edge)
{
    gic_enable(line, edge, virtio_irq);
}

static const fdt_virtio_irq_t gic_irqs = {gic_translate, route};

void arm32_devices_init(const fdt_t *f)
{
    unsigned m = fdt_virtio_mmio(f, &gic_irqs, LIMIT);
    unsigned p = fdt_virtio_pci(f, &gic_irqs, LIMIT);
    if (!p &&
        fdt_find_compatible(f, FDT_NONE, "pci-host-ecam-generic") != FDT_NONE)
        printk(KLOG_WARN, "arm32: no PCI (run with -machine virt,highmem=off)");
    printk(KLOG_INFO, "arm32: %u virtio-mmio devices, %u PCI functions", m, p);
    virtio_start();
}

void platform_poll(void)
{
    virtio_poll();
}

int platform_msi_alloc(uint64_t *addr, uint32_t *data)
{
    (void)addr, (void)data;
    return -1;
}
