/* mote arm64: devices from the FDT, served by drivers/virtio.
 *
 * platform/shared/fdt_virtio.c does the walking: every "virtio,mmio" node
 * (QEMU virt lists 32; an empty slot reads device id 0 and is skipped) and
 * the "pci-host-ecam-generic" bridge (BARs assigned from its "ranges", as
 * no firmware ran under -kernel; INTx through its "interrupt-map", four
 * swizzled level-triggered SPIs). What is arm64's: GIC specifiers to INTIDs
 * and routing a line to virtio_irq, and MSI.
 * MSI: with GICv2 QEMU adds a GICv2m frame ("arm,gic-v2m-frame"), which
 * turns a device's write of an SPI number to its SETSPI register into
 * that (edge-triggered) SPI. platform_msi_alloc hands out those SPIs, one
 * per call, so each virtio-pci device gets its own MSI-X line. Without a
 * frame (GICv3 has an ITS instead, not supported) it returns -1 and
 * virtio-pci uses INTx.
 */
#include "arch_io.h"
#include "drivers/virtio/virtio.h"
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/arm64/arm64.h"
#include "platform/shared/fdt_arm.h"
#include "platform/shared/fdt_rtc.h"
#include "platform/shared/fdt_virtio.h"
#include "platform/shared/gic.h"

#define V2M_MSI_TYPER 0x008
#define V2M_MSI_SETSPI_NS 0x040
#define MAPPED (1ull << 40) /* mmu.c maps the first TiB */

static struct {
    uint64_t frame;      /* 0: no GICv2m */
    unsigned next, end;  /* free SPIs (as INTIDs) [next, end) */
} v2m;

static void v2m_init(const fdt_t *f)
{
    int n = fdt_find_compatible(f, FDT_NONE, "arm,gic-v2m-frame");
    uint64_t base, size;
    if (n == FDT_NONE || fdt_reg(f, n, 0, &base, &size) || base >= MAPPED)
        return;
    uint32_t typer = mmio_read32((uintptr_t)base + V2M_MSI_TYPER);
    uint32_t first = typer >> 16 & 0x3ff, count = typer & 0x3ff;
    if (fdt_prop_u32(f, n, "arm,msi-base-spi", 0, &first) == KERR_OK)
        (void)fdt_prop_u32(f, n, "arm,msi-num-spis", 0, &count);
    if (first < 32 || first + count > GIC_MAX_IRQ)
        return;
    v2m.frame = base, v2m.next = first, v2m.end = first + count;
}

int platform_msi_alloc(uint64_t *addr, uint32_t *data)
{
    if (!v2m.frame || v2m.next >= v2m.end)
        return -1;
    unsigned line = v2m.next++;
    *addr = v2m.frame + V2M_MSI_SETSPI_NS;
    *data = line;
    gic_enable(line, true, virtio_irq);
    return (int)line;
}

void arm64_devices_init(const fdt_t *f)
{
    v2m_init(f);
    unsigned m = fdt_virtio_mmio(f, &fdt_arm_virtio_irq, MAPPED);
    unsigned p = fdt_virtio_pci(f, &fdt_arm_virtio_irq, MAPPED);
    printk(KLOG_INFO, "arm64: %u virtio-mmio devices, %u PCI functions", m, p);
    virtio_start();
}

void platform_poll(void) { virtio_poll(); }

/* virt's PL031. */
uint64_t platform_wallclock_ns(void) { return fdt_rtc_wallclock(&arm64_fdt, MAPPED); }
