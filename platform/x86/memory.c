/* mote x86: RAM for kmem, and the exit device. */
#include "arch_io.h"
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "x86.h"

#define EXIT_PORT 0xf4 /* -device isa-debug-exit,iobase=0xf4 */

extern char __kernel_start[], __kernel_end[];
uint64_t x86_ram_top;

/* Give [base, end) to kmem, minus what is below 1 MiB (firmware, boot
 * info), the kernel image, and what early boot did not map. */
void x86_add_ram(uint64_t base, uint64_t end)
{
    uint64_t kbeg = (uintptr_t)__kernel_start, kend = (uintptr_t)__kernel_end;
    if (base < 0x100000)
        base = 0x100000;
    if (end > X86_MAP_LIMIT)
        end = X86_MAP_LIMIT;
    if (sizeof(uintptr_t) == 4 && end > 0xfe000000u)
        end = 0xfe000000u; /* x32: stay below the MMIO hole */
    if (end > x86_ram_top)
        x86_ram_top = end;
    if (base < kbeg && end > kbeg) {
        x86_add_ram(base, kbeg);
        base = kbeg;
    }
    if (base < kend && end > base)
        base = end < kend ? end : kend;
    if (end > base)
        kmem_add((uintptr_t)base, (size_t)(end - base));
}

/* CMOS registers 0x34/0x35 hold RAM above 16 MiB in 64 KiB units (QEMU
 * fills them): the fallback when the loader gave no memory map. */
void x86_cmos_ram(void)
{
    uint32_t lo = x86_cmos_read(0x34), hi = x86_cmos_read(0x35);
    uint64_t above16 = (uint64_t)((hi << 8) | lo) << 16;
    x86_add_ram(0x100000, (16ull << 20) + above16);
}

uint64_t platform_dma_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p; /* identity-mapped (or paging off) */
}

/* isa-debug-exit makes QEMU exit with status (code << 1) | 1, so a guest
 * code 0 shows as host status 1. Without the device we halt for good. */
_Noreturn void platform_exit(int code)
{
    outb(EXIT_PORT, (uint8_t)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

unsigned long platform_irq_save(void)
{
    unsigned long f;
    __asm__ volatile("pushf; pop %0; cli" : "=r"(f)::"memory");
    return f;
}

void platform_irq_restore(unsigned long flags)
{
    if (flags & 0x200)
        __asm__ volatile("sti" ::: "memory");
}
