/* mote riscv: free RAM for kmem, from the FDT's /memory nodes minus the
 * kernel image (with its stack), the DTB itself (the command line kmain
 * keeps lives in it), the DTB's /memreserve/ entries and the children of
 * /reserved-memory: that is where OpenSBI declares its own 2 MiB at the
 * start of RAM on rv64. On rv32 RAM above 4 GiB cannot be addressed and
 * is left out; below, nothing assumes where RAM lies. */
#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "platform/riscv/riscv.h"

#define MAX_HOLES 16

typedef struct range {
    uint64_t base, end;
} range_t;

extern char __kernel_start[], __kernel_end[];

/* Hand [base, end) minus (holes) to kmem. A hole before index i did not
 * touch [base, end), so it cannot touch a piece of it either. */
static void add_free(uint64_t base, uint64_t end, const range_t *holes, int n)
{
    for (int i = 0; i < n; i++) {
        if (holes[i].base < end && holes[i].end > base) {
            if (holes[i].base > base)
                add_free(base, holes[i].base, holes + i + 1, n - i - 1);
            if (holes[i].end < end)
                add_free(holes[i].end, end, holes + i + 1, n - i - 1);
            return;
        }
    }
    uint64_t top = (uint64_t)UINTPTR_MAX + 1; /* 0 on rv64: no limit */
    if (top && end > top)
        end = top;
    if (end > base)
        kmem_add((uintptr_t)base, (size_t)(end - base));
}

static int collect_holes(const fdt_t *f, range_t *h)
{
    int n = 0;
    h[n++] = (range_t){(uintptr_t)__kernel_start, (uintptr_t)__kernel_end};
    h[n++] = (range_t){(uintptr_t)f->blob, (uintptr_t)f->blob + f->size};
    uint64_t a, s;
    for (uint32_t i = 0; n < MAX_HOLES && fdt_mem_rsv(f, i, &a, &s) == KERR_OK; i++)
        h[n++] = (range_t){a, a + s};
    int rm = fdt_path(f, "/reserved-memory"), depth = 0;
    for (int c = fdt_next_node(f, rm, &depth); rm != FDT_NONE && c != FDT_NONE &&
                                                depth > 0 && n < MAX_HOLES;
         c = fdt_next_node(f, c, &depth))
        for (uint32_t i = 0; n < MAX_HOLES && fdt_reg(f, c, i, &a, &s) == KERR_OK; i++)
            h[n++] = (range_t){a, a + s};
    return n;
}

void riscv_memory_init(const fdt_t *f)
{
    range_t holes[MAX_HOLES];
    int n = collect_holes(f, holes);
    for (int m = fdt_find_device_type(f, FDT_NONE, "memory"); m != FDT_NONE;
         m = fdt_find_device_type(f, m, "memory")) {
        uint64_t base, size;
        for (uint32_t i = 0; fdt_reg(f, m, i, &base, &size) == KERR_OK; i++)
            add_free(base, base + size, holes, n);
    }
}

uint64_t platform_dma_addr(const void *p) { return (uint64_t)(uintptr_t)p; }
