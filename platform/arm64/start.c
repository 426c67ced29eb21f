/* mote arm64: from boot.S to kmain, and the console.
 *
 * Where the DTB is: QEMU passes its address in x0 only when it boots the
 * image as a Linux kernel; for an ELF (-kernel mote.elf) x0 is 0 and QEMU
 * puts the DTB at the start of RAM (0x40000000 on virt), which is why
 * link.ld starts the kernel 2 MiB in. arm64_start accepts either. Until the
 * DTB names the UART, the console is the virt machine's PL011 at
 * 0x09000000, so even a missing DTB gets reported.
 */
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "mote/kapp.h"
#include "mote/printk.h"
#include "platform/arm64/arm64.h"
#include "platform/shared/gic.h"
#include "platform/shared/pl011.h"

#define VIRT_UART 0x09000000u
#define VIRT_RAM 0x40000000u
#define DTB_MAX (2u << 20)

fdt_t arm64_fdt;
static uint64_t entry_el;

void platform_console_write(const char *s, size_t n) { pl011_write(s, n); }

/* GIC INTID of interrupt (index) of (node) (3-cell GIC specifiers). */
static bool fdt_gic_irq(const fdt_t *f, int node, uint32_t index, unsigned *irq,
                        bool *edge)
{
    uint32_t c[3];
    for (uint32_t i = 0; i < 3; i++)
        if (fdt_prop_u32(f, node, "interrupts", 3 * index + i, &c[i]))
            return false;
    return gic_fdt_irq(c, irq, edge);
}

static void console_init(const fdt_t *f)
{
    const char *out = fdt_prop_str(f, fdt_path(f, "/chosen"), "stdout-path");
    int u = out ? fdt_path(f, out) : FDT_NONE;
    if (u == FDT_NONE || !fdt_prop_has_str(f, u, "compatible", "arm,pl011"))
        u = fdt_find_compatible(f, FDT_NONE, "arm,pl011");
    uint64_t base, size;
    if (u != FDT_NONE && fdt_reg(f, u, 0, &base, &size) == KERR_OK)
        pl011_init((uintptr_t)base);
}

/* GICv2 (virt's default) or GICv3 (gic-version=3, KVM on most hosts):
 * reg 0 is the distributor, reg 1 the CPU interface (v2) or the first
 * redistributor region (v3). */
static void gic_init_fdt(const fdt_t *f)
{
    bool v3 = false;
    int g = fdt_find_compatible(f, FDT_NONE, "arm,cortex-a15-gic");
    if (g == FDT_NONE)
        g = fdt_find_compatible(f, FDT_NONE, "arm,gic-400");
    if (g == FDT_NONE)
        v3 = (g = fdt_find_compatible(f, FDT_NONE, "arm,gic-v3")) != FDT_NONE;
    uint64_t d, c, size;
    if (g == FDT_NONE || fdt_reg(f, g, 0, &d, &size) ||
        fdt_reg(f, g, 1, &c, &size))
        kpanic("no GICv2 or GICv3 in the device tree");
    if (v3)
        gic_init_v3((uintptr_t)d, (uintptr_t)c);
    else
        gic_init((uintptr_t)d, (uintptr_t)c);
}

/* The virtual timer's PPI: third entry of the architected timer node. */
static unsigned timer_irq(const fdt_t *f)
{
    int t = fdt_find_compatible(f, FDT_NONE, "arm,armv8-timer");
    unsigned irq;
    bool edge;
    if (t == FDT_NONE || !fdt_gic_irq(f, t, 2, &irq, &edge))
        return 27; /* the architected default (PPI 11) */
    return irq;
}

/* Runs with the MMU off: x0 is 8-byte aligned by the boot protocol, so
 * the header reads are aligned. */
static const void *find_dtb(void *x0)
{
    if (x0 && ((uintptr_t)x0 & 7) == 0 && fdt_total_size(x0))
        return x0;
    return (const void *)(uintptr_t)VIRT_RAM;
}

_Noreturn void arm64_start(void *x0, uint64_t el)
{
    entry_el = el;
    pl011_init(VIRT_UART);
    const void *dtb = find_dtb(x0);
    arm64_mmu_init(dtb);
    if (fdt_init(&arm64_fdt, dtb, DTB_MAX) != KERR_OK)
        kpanic("no valid device tree (x0=%p, RAM start)", x0);
    arm64_mmu_map_ram(&arm64_fdt);
    console_init(&arm64_fdt);
    arm64_exit_init(&arm64_fdt);
    gic_init_fdt(&arm64_fdt);
    arm64_timer_init(timer_irq(&arm64_fdt));
    kmain(fdt_bootargs(&arm64_fdt));
}

/* Boot argument "arm64.fault=1" makes a deliberate data abort (an address
 * past the 1 TiB map) so tests can watch the whole panic path: report,
 * registers, exit status 0x7f through semihosting. */
static void self_test_fault(void)
{
    if (kargs_get_ulong("arm64.fault", 0) == 1)
        *(volatile uint32_t *)(uintptr_t)0x20000000000ull = 0xdead;
}

void platform_init(void)
{
    arm64_memory_init(&arm64_fdt);
    printk(KLOG_INFO, "arm64: entered at EL%u, %zu KiB free RAM, cmdline \"%s\"",
           (unsigned)entry_el, kmem_free_bytes() / 1024, fdt_bootargs(&arm64_fdt));
    self_test_fault();
    arm64_devices_init(&arm64_fdt);
}
