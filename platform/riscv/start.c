/* mote riscv: from entry.S to kmain, and the console.
 *
 * Both loaders pass the DTB in a1 (QEMU's reset ROM with -bios none,
 * OpenSBI's fw_dynamic otherwise; QEMU puts it near the end of RAM). Until
 * the DTB names the UART, the console is the virt machine's 16550 at
 * 0x10000000, so even a missing DTB gets reported.
 */
#include "mote/kapp.h"
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/riscv/plic.h"
#include "platform/riscv/riscv.h"
#include "platform/shared/uart16550.h"

#define VIRT_UART 0x10000000u
#define DTB_MAX (2u << 20)

unsigned long riscv_hartid;
fdt_t riscv_fdt;

void platform_console_write(const char *s, size_t n) { uart16550_write(s, n); }

int riscv_cpu_node(const fdt_t *f)
{
    int cpus = fdt_path(f, "/cpus");
    uint32_t reg;
    for (int c = fdt_find_device_type(f, cpus, "cpu"); c != FDT_NONE;
         c = fdt_find_device_type(f, c, "cpu"))
        if (fdt_parent(f, c) == cpus && !fdt_prop_u32(f, c, "reg", 0, &reg) &&
            reg == riscv_hartid)
            return c;
    return FDT_NONE;
}

uint32_t riscv_cpu_intc(const fdt_t *f)
{
    uint32_t ph;
    int intc = fdt_subnode(f, riscv_cpu_node(f), "interrupt-controller");
    return intc == FDT_NONE || fdt_prop_u32(f, intc, "phandle", 0, &ph) ? 0 : ph;
}

/* The stdout-path UART if it is a 16550, else the first ns16550a. */
static void console_init(const fdt_t *f)
{
    const char *out = fdt_prop_str(f, fdt_path(f, "/chosen"), "stdout-path");
    int u = out ? fdt_path(f, out) : FDT_NONE;
    if (u == FDT_NONE || !fdt_prop_has_str(f, u, "compatible", "ns16550a"))
        u = fdt_find_compatible(f, FDT_NONE, "ns16550a");
    uint64_t base, size;
    uint32_t shift = 0, width = 1, clock = 0;
    if (u == FDT_NONE || fdt_reg(f, u, 0, &base, &size))
        return;
    fdt_prop_u32(f, u, "reg-shift", 0, &shift);
    fdt_prop_u32(f, u, "reg-io-width", 0, &width);
    fdt_prop_u32(f, u, "clock-frequency", 0, &clock);
    uart16550_mmio_init((uintptr_t)base, shift, width);
    uart16550_init(clock);
}

_Noreturn void riscv_start(unsigned long hartid, const void *dtb)
{
    riscv_hartid = hartid;
    uart16550_mmio_init(VIRT_UART, 0, 1);
    if (fdt_init(&riscv_fdt, dtb, DTB_MAX) != KERR_OK)
        kpanic("no valid device tree at a1=%p", dtb);
    console_init(&riscv_fdt);
    riscv_exit_init(&riscv_fdt);
    plic_init(&riscv_fdt);
    riscv_timer_init(&riscv_fdt);
    kmain(fdt_bootargs(&riscv_fdt));
}

/* Boot argument "riscv.fault=1" makes a deliberate store access fault (an
 * address no device or RAM decodes) so tests can watch the whole panic
 * path: report, registers, exit status 0x7f through the test device. */
static void self_test_fault(void)
{
    if (kargs_get_ulong("riscv.fault", 0) == 1)
        *(volatile uint32_t *)(uintptr_t)0x8u = 0xdead;
}

void platform_init(void)
{
    riscv_memory_init(&riscv_fdt);
    printk(KLOG_INFO, "riscv: hart %lu, %s-mode, DTB at %p, timer %s, %zu KiB "
           "free RAM, cmdline \"%s\"", riscv_hartid, RISCV_MODE_NAME,
           (const void *)riscv_fdt.blob, riscv_clock_name(),
           kmem_free_bytes() / 1024, fdt_bootargs(&riscv_fdt));
    self_test_fault();
    riscv_devices_init(&riscv_fdt);
}
