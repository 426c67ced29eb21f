/* mote x64: from the PVH entry to kmain, and the small platform calls.
 *
 * boot.S calls x64_main with the physical address of the PVH
 * hvm_start_info (xen/arch-x86/hvm/start_info.h): it gives the command
 * line and the E820-style memory map. Everything here runs with
 * interrupts off; platform_wait (timer.c) is the only place that enables
 * them. */
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "lib/kstring.h"
#include "mote/kapp.h"
#include "mote/printk.h"
#include "x64.h"

#define PVH_MAGIC 0x336ec578u
#define E820_RAM 1

typedef struct {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries, reserved;
} pvh_start_info_t;

typedef struct {
    uint64_t addr, size;
    uint32_t type, reserved;
} pvh_memmap_t;

extern char __kernel_start[], __kernel_end[];
_Noreturn void x64_main(uint32_t start_info);

static const pvh_start_info_t *start_info;
static char cmdline[512];

static void copy_cmdline(void)
{
    const char *s = start_info ? (const char *)(uintptr_t)start_info->cmdline_paddr : NULL;
    if (!s)
        return;
    size_t n = strlen(s);
    if (n >= sizeof cmdline)
        n = sizeof cmdline - 1;
    memcpy(cmdline, s, n);
    cmdline[n] = 0;
}

_Noreturn void x64_main(uint32_t info)
{
    x86_serial_init();
    x64_idt_init();
    const pvh_start_info_t *si = (const pvh_start_info_t *)(uintptr_t)info;
    start_info = (si && si->magic == PVH_MAGIC) ? si : NULL;
    copy_cmdline();
    kmain(cmdline);
}

static void memory_init(void)
{
    if (!start_info || start_info->version < 1 || !start_info->memmap_entries) {
        printk(KLOG_WARN, "x64: no PVH memory map, sizing RAM from CMOS");
        x86_cmos_ram();
        return;
    }
    const pvh_memmap_t *m = (const pvh_memmap_t *)(uintptr_t)start_info->memmap_paddr;
    for (uint32_t i = 0; i < start_info->memmap_entries; i++)
        if (m[i].type == E820_RAM)
            x86_add_ram(m[i].addr, m[i].addr + m[i].size);
}

/* Boot argument x64.crash=pf takes a page fault on purpose (an address
 * beyond the identity map), so tests can check the exception report. */
static void crash_on_request(void)
{
    const char *c = kargs_get("x64.crash");
    if (c && c[0] == 'p' && c[1] == 'f') {
        printk(KLOG_WARN, "x64: page fault requested by x64.crash=pf");
        (void)*(volatile uint32_t *)(uintptr_t)(1ull << 40);
    }
}

void platform_init(void)
{
    memory_init();
    printk(KLOG_INFO, "x64: %lu KiB free RAM, kernel %lu KiB",
           (unsigned long)(kmem_free_bytes() >> 10),
           (unsigned long)((__kernel_end - __kernel_start) >> 10));
    x86_lapic_init();
    x86_timer_init();
    x86_devices_init(cmdline);
    crash_on_request();
}
