/* mote riscv: free RAM for kmem, from the FDT (platform/shared/fdt_mem.c:
 * /memory minus the DTB, its reservations and /reserved-memory, where
 * OpenSBI declares itself) minus the kernel image. On rv32, RAM above
 * 4 GiB cannot be addressed and is left alone. */
#include "kernel/platform.h"
#include "platform/riscv/riscv.h"
#include "platform/shared/fdt_mem.h"

extern char __kernel_start[], __kernel_end[];

void riscv_memory_init(const fdt_t *f)
{
    fdt_mem_range_t kernel = {(uintptr_t)__kernel_start, (uintptr_t)__kernel_end};
    uint64_t limit = sizeof(uintptr_t) == 4 ? 1ull << 32 : UINT64_MAX;
    fdt_mem_init(f, &kernel, 1, limit);
}

uint64_t platform_dma_addr(const void *p) { return (uint64_t)(uintptr_t)p; }
