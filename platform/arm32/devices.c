/* mote arm32: devices from the FDT, served by drivers/virtio.
 *
 * platform/shared/fdt_virtio.c finds the virtio-mmio windows and the PCIe
 * bridge; platform/shared/fdt_arm.c translates GIC specifiers and routes
 * each found device's line, level-triggered, to virtio_irq (PCI INTx is
 * swizzled over four SPIs). No MSI yet: platform_msi_alloc says so, and
 * virtio-pci falls back to INTx (virt's GICv2m frame would add it).
 * 32-bit: every window must lie below 4 GiB. With QEMU's default
 * highmem=on the ECAM does not (it sits at 256 GiB, next to a 64-bit
 * window at 512 GiB): PCI is then left unused, with a hint.
 */
#include "drivers/virtio/virtio.h"
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/arm32/arm32.h"
#include "platform/shared/fdt_arm.h"
#include "platform/shared/fdt_rtc.h"
#include "platform/shared/fdt_virtio.h"
#include "platform/shared/gic.h"

#define LIMIT (1ull << 32)

void arm32_devices_init(const fdt_t *f)
{
    unsigned m = fdt_virtio_mmio(f, &fdt_arm_virtio_irq, LIMIT);
    unsigned p = fdt_virtio_pci(f, &fdt_arm_virtio_irq, LIMIT);
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

/* virt's PL031. */
uint64_t platform_wallclock_ns(void)
{
    return fdt_rtc_wallclock(&arm32_fdt, LIMIT);
}

int platform_msi_alloc(uint64_t *addr, uint32_t *data)
{
    (void)addr, (void)data;
    return -1;
}
