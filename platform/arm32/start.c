/* mote arm32: from boot.S to kmain, and the console.
 *
 * Where the DTB is: QEMU passes its address in r2 only when it boots the
 * image as a Linux kernel (zImage/uImage); for an ELF (-kernel mote.elf) it
 * puts the DTB at the start of RAM (0x40000000 on virt) and leaves r2
 * alone, which is why link.ld starts the kernel 2 MiB in. arm32_start
 * accepts either. Until the DTB names the UART, the console is the virt
 * machine's PL011 at 0x09000000, so even a missing DTB gets reported.
 */
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "mote/kapp.h"
#include "mote/printk.h"
#include "platform/arm32/arm32.h"
#include "platform/shared/fdt_arm.h"
#include "platform/shared/gic.h"
#include "platform/shared/pl011.h"

#define VIRT_UART 0x09000000u
#define VIRT_RAM  0x40000000u
#define DTB_MAX   (2u << 20)

fdt_t arm32_fdt;
static uint32_t entry_mode;

void platform_console_write(const char *s, size_t n)
{
    pl011_write(s, n);
}

static const void *find_dtb(uint32_t r2)
{
    if (r2 >= VIRT_RAM && fdt_total_size((const void *)(uintptr_t)r2))
        return (const void *)(uintptr_t)r2;
    return (const void *)(uintptr_t)VIRT_RAM;
}

_Noreturn void arm32_start(uint32_t r2, uint32_t mode)
{
    pl011_init(VIRT_UART);
    entry_mode = mode;
    const void *dtb = find_dtb(r2);
    if (fdt_init(&arm32_fdt, dtb, DTB_MAX) != KERR_OK)
        kpanic("no valid device tree (r2=%#x, RAM start)", (unsigned)r2);
    arm32_mmu_init(&arm32_fdt);
    fdt_arm_console(&arm32_fdt);
    arm32_exit_init(&arm32_fdt);
    fdt_arm_gic(&arm32_fdt);
    arm32_timer_init(fdt_arm_timer_irq(&arm32_fdt));
    kmain(fdt_bootargs(&arm32_fdt));
}

/* Boot argument "arm32.fault=N" makes a deliberate exception so tests can
 * watch the whole panic path (report, registers, exit status 0x7f through
 * semihosting): 1 a data abort (a store through a NULL pointer, into
 * mmu.c's guard section), 2 an undefined instruction, 3 a prefetch abort
 * (a call into the guard section). */
static void self_test_fault(void)
{
    unsigned long k = kargs_get_ulong("arm32.fault", 0);
    if (k == 1)
        *(volatile uint32_t *)(uintptr_t)0x10u = 0xdead;
    if (k == 2)
        __asm__ volatile("udf #42");
    if (k == 3)
        ((void (*)(void))(uintptr_t)0x101u)(); /* T32 code at 0x100 */
}

void platform_init(void)
{
    arm32_memory_init(&arm32_fdt);
    printk(KLOG_INFO,
           "arm32: entered in %s mode, %zu KiB free RAM, cmdline \"%s\"",
           entry_mode == 0x1a   ? "HYP"
           : entry_mode == 0x13 ? "SVC"
                                : "other",
           kmem_free_bytes() / 1024, fdt_bootargs(&arm32_fdt));
    self_test_fault();
    arm32_devices_init(&arm32_fdt);
}
