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
#include "platform/shared/fdt_rtc.h"
#include "platform/shared/fdt_virtio.h"

/* A PLIC specifier is one cell: the source number, level-triggered. */
static bool plic_translate(const fdt_t *f, int ctrl, const uint32_t *spec,
                           uint32_t n, unsigned *line, bool *edge)
{
    (void)f;
    if (ctrl != plic_fdt_node() || n != 1)
        return false;
    *line = spec[0];
    *edge = false;
    return true;
}

static void plic_route(unsigned line, bool edge)
{
    (void)edge;
    plic_enable(line, virtio_irq);
}

static const fdt_virtio_irq_t plic_irq = {plic_translate, plic_route};

/* The highest address + 1 the CPU can reach (no MMU: all of it). */
static uint64_t addr_limit(void)
{
    return (uint64_t)UINTPTR_MAX + 1 ? (uint64_t)UINTPTR_MAX + 1 : UINT64_MAX;
}

void riscv_devices_init(const fdt_t *f)
{
    uint64_t limit = addr_limit();
    unsigned m = fdt_virtio_mmio(f, &plic_irq, limit);
    unsigned p = fdt_virtio_pci(f, &plic_irq, limit);
    printk(KLOG_INFO, "riscv: %u virtio-mmio devices, %u PCI functions", m, p);
    virtio_start();
}

void platform_poll(void) { virtio_poll(); }

/* virt's goldfish RTC. */
uint64_t platform_wallclock_ns(void) { return fdt_rtc_wallclock(&riscv_fdt, addr_limit()); }

int platform_msi_alloc(uint64_t *addr, uint32_t *data)
{
    (void)addr, (void)data;
    return -1;
}
