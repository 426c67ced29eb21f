/* mote x32: from the multiboot entry to kmain, and platform_init.
 *
 * boot.S calls x32_main with the multiboot magic and the physical address
 * of the multiboot information: flags (bit 0 memory sizes, bit 2 command
 * line, bit 6 memory map), then the fields each flag vouches for. Paging
 * stays off: everything below 4 GiB is reachable as is. */
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "lib/kstring.h"
#include "mote/kapp.h"
#include "mote/printk.h"
#include "x32.h"
#include "x86.h"

#define MB_BOOT_MAGIC 0x2BADB002u
#define MB_INFO_MEM (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MMAP (1u << 6)

typedef struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4];
    uint32_t mmap_length, mmap_addr;
} mb_info_t;

typedef struct __attribute__((packed)) mb_mmap {
    uint32_t size; /* of the rest of this entry */
    uint64_t addr, len;
    uint32_t type;
} mb_mmap_t;

_Noreturn void x32_main(uint32_t magic, uint32_t info);

static const mb_info_t *mbi;
static char cmdline[512];

_Noreturn void x32_main(uint32_t magic, uint32_t info)
{
    x86_serial_init();
    x32_idt_init();
    mbi = magic == MB_BOOT_MAGIC ? (const mb_info_t *)(uintptr_t)info : NULL;
    if (mbi && (mbi->flags & MB_INFO_CMDLINE) && mbi->cmdline) {
        const char *s = (const char *)(uintptr_t)mbi->cmdline;
        size_t n = strlen(s);
        n = n < sizeof cmdline ? n : sizeof cmdline - 1;
        memcpy(cmdline, s, n);
    }
    kmain(cmdline);
}

static void memory_init(void)
{
    if (!mbi || !(mbi->flags & MB_INFO_MMAP)) {
        printk(KLOG_WARN, "x32: no multiboot memory map, sizing RAM from CMOS");
        x86_cmos_ram();
        return;
    }
    uintptr_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
    while (p + sizeof(mb_mmap_t) <= end) {
        const mb_mmap_t *m = (const mb_mmap_t *)p;
        if (m->type == 1)
            x86_add_ram(m->addr, m->addr + m->len);
        p += m->size + 4;
    }
}

/* Paging is off: anything below 4 GiB is reachable, nothing above. */
bool x86_map_uc(uint64_t base, uint64_t size)
{
    return base + size <= X86_MAP_LIMIT;
}

/* Boot argument x32.crash=ud executes an invalid instruction on purpose,
 * so tests can check the exception report. */
static void crash_on_request(void)
{
    const char *c = kargs_get("x32.crash");
    if (c && c[0] == 'u' && c[1] == 'd') {
        printk(KLOG_WARN, "x32: invalid opcode requested by x32.crash=ud");
        __asm__ volatile("ud2");
    }
}

void platform_init(void)
{
    memory_init();
    printk(KLOG_INFO, "x32: %lu KiB free RAM", (unsigned long)(kmem_free_bytes() >> 10));
    x86_lapic_init();
    x86_timer_init();
    x86_devices_init(cmdline);
    crash_on_request();
}
