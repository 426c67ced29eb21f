/* mote riscv: devices from the FDT, served by drivers/virtio.
 *
 * virtio-mmio: QEMU virt lists eight "virtio,mmio" windows; each is probed
 * (an empty slot reads device id 0 and is skipped) and a found device's
 * PLIC source is routed to virtio_irq.
 * PCI: the "pci-host-ecam-generic" bridge. Under -bios none (rv32) and
 * OpenSBI (rv64) no firmware assigns BARs, so pci_enumerate assigns every
 * one from the bridge's "ranges" windows: only windows the CPU can address
 * (rv32 skips the 64-bit window above 4 GiB, and 64-bit BARs then come
 * from the 32-bit window). INTx pins go through the "interrupt-map"
 * (swizzled over four PLIC sources). No MSI: virt's riscv PCI has none
 * without an IMSIC (aia=aplic-imsic), so virtio-pci falls back to INTx.
 */
#include "drivers/virtio/virtio.h"
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/riscv/plic.h"
#include "platform/riscv/riscv.h"
#include "platform/shared/fdt_pci.h"
#include "platform/shared/pci.h"

static fdt_pci_host_t host;

static unsigned mmio_devices(const fdt_t *f)
{
    unsigned n = 0;
    for (int v = fdt_find_compatible(f, FDT_NONE, "virtio,mmio"); v != FDT_NONE;
         v = fdt_find_compatible(f, v, "virtio,mmio")) {
        uint64_t base, size;
        unsigned irq;
        if (fdt_reg(f, v, 0, &base, &size) || base > UINTPTR_MAX ||
            !riscv_fdt_irq(f, v, 0, &irq))
            continue;
        if (virtio_mmio_probe((uintptr_t)base, irq)) {
            plic_enable(irq, virtio_irq);
            n++;
        }
    }
    return n;
}

static unsigned pci_irq_of(const pci_func_t *fn)
{
    int ctrl;
    uint32_t spec[1], n;
    if (!fn->int_pin ||
        fdt_pci_intx(&riscv_fdt, &host, fn->bus, fn->dev, fn->fn, fn->int_pin,
                     &ctrl, spec, &n, 1) ||
        n != 1 || ctrl != plic_fdt_node())
        return PCI_IRQ_NONE;
    return spec[0];
}

static void pci_visit(pci_func_t *fn)
{
    if (virtio_pci_probe(fn) && fn->irq != PCI_IRQ_NONE)
        plic_enable(fn->irq, virtio_irq);
}

/* A window drivers can use: bus and CPU addresses agree (true on virt, as
 * drivers take a BAR's bus address for its CPU address) and the CPU can
 * address all of it. */
static bool usable(const fdt_pci_window_t *w)
{
    return w->size && w->cpu == w->pci && w->cpu + w->size - 1 <= UINTPTR_MAX;
}

/* I/O space is handed out above 4 KiB so no BAR gets address 0, which
 * pci.c reads as "unassigned". */
static void windows(pci_windows_t *w)
{
    *w = (pci_windows_t){.reassign = true};
    if (usable(&host.mem32))
        w->mem32_base = host.mem32.pci, w->mem32_size = host.mem32.size;
    if (usable(&host.mem64))
        w->mem64_base = host.mem64.pci, w->mem64_size = host.mem64.size;
    if (host.io.size > 0x1000)
        w->io_base = host.io.pci + 0x1000, w->io_size = host.io.size - 0x1000;
}

static unsigned pci_devices(const fdt_t *f)
{
    int node = fdt_find_compatible(f, FDT_NONE, "pci-host-ecam-generic");
    if (node == FDT_NONE || fdt_pci_host(f, node, &host) != KERR_OK ||
        host.ecam > UINTPTR_MAX)
        return 0;
    pci_windows_t w;
    windows(&w);
    pci_ecam_init((uintptr_t)host.ecam);
    /* Only bus 0: nothing numbers bridges' secondary buses. */
    return pci_enumerate(&w, 0, pci_irq_of, pci_visit);
}

void riscv_devices_init(const fdt_t *f)
{
    unsigned m = mmio_devices(f);
    unsigned p = pci_devices(f);
    printk(KLOG_INFO, "riscv: %u virtio-mmio devices, %u PCI functions", m, p);
    virtio_start();
}

void platform_poll(void) { virtio_poll(); }

int platform_msi_alloc(uint64_t *addr, uint32_t *data)
{
    (void)addr, (void)data;
    return -1;
}
