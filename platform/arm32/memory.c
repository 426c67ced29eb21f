/* mote arm32: free RAM for kmem (platform/shared/fdt_mem.c does the work).
 *
 * 32-bit: only RAM below 4 GiB is usable (no LPAE mapping, 32-bit
 * pointers); on virt with highmem=off all of it (at most 3 GiB, from
 * 0x40000000) is. Holes besides the DTB: the kernel image with its stack
 * and translation table, and the last MiB below 4 GiB, which mmu.c leaves
 * unmapped (and where a range's base + size would wrap to 0). */
#include "kernel/platform.h"
#include "platform/arm32/arm32.h"
#include "platform/shared/fdt_mem.h"

#define LIMIT (1ull << 32)

extern char __kernel_start[], __kernel_end[];

void arm32_memory_init(const fdt_t *f)
{
    const fdt_mem_range_t holes[] = {
        {(uintptr_t)__kernel_start, (uintptr_t)__kernel_end},
        {LIMIT - (1u << 20), LIMIT},
    };
    fdt_mem_init(f, holes, 2, LIMIT);
}

/* Identity-mapped and no IOMMU: the bus address is the pointer. */
uint64_t platform_dma_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}
