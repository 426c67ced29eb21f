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
#include "platform/shared/fdt_arm.h"
#include "platform/shared/gic.h"
#include "platform/shared/pl011.h"

#define VIRT_UART 0x09000000u
#define VIRT_RAM 0x40000000u
#define DTB_MAX (2u << 20)

fdt_t arm64_fdt;
static uint64_t entry_el;

void platform_console_write(const char *s, size_t n) { pl011_write(s, n); }

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
    fdt_arm_console(&arm64_fdt);
    arm64_exit_init(&arm64_fdt);
    fdt_arm_gic(&arm64_fdt);
    arm64_timer_init(fdt_arm_timer_irq(&arm64_fdt));
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
