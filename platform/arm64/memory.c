/* mote arm64: free RAM for kmem (platform/shared/fdt_mem.c): the FDT's
 * /memory minus the kernel image with its BSS and stack, the DTB and its
 * /memreserve/ entries, below the 1 TiB mmu.c maps. */
#include "kernel/platform.h"
#include "platform/arm64/arm64.h"
#include "platform/shared/fdt_mem.h"

extern char __kernel_start[], __kernel_end[];

void arm64_memory_init(const fdt_t *f)
{
    fdt_mem_range_t image = {(uintptr_t)__kernel_start, (uintptr_t)__kernel_end};
    fdt_mem_init(f, &image, 1, 1ull << 40);
}

uint64_t platform_dma_addr(const void *p) { return (uint64_t)(uintptr_t)p; }
