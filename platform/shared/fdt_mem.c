/* mote: free RAM from the device tree (see fdt_mem.h). */
#include "platform/shared/fdt_mem.h"
#include "kernel/kmem.h"
#include "mote/printk.h"

/* Hand [base, end) minus (holes) to kmem. A hole before index i did not
 * touch [base, end), so it cannot touch a piece of it either. */
static void add_free(uint64_t base, uint64_t end, const fdt_mem_range_t *holes,
                     int n)
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
    if (end > base)
        kmem_add((uintptr_t)base, (size_t)(end - base));
}

/* Regions under /reserved-memory (firmware such as OpenSBI declares
 * itself there) into h[k..]; returns the new count, or -1 if they do not
 * all fit. */
static int reserved_nodes(const fdt_t *f, fdt_mem_range_t *h, int k)
{
    int rm = fdt_path(f, "/reserved-memory"), depth = 0;
    if (rm == FDT_NONE)
        return k;
    for (int c = fdt_next_node(f, rm, &depth); c != FDT_NONE && depth > 0;
         c = fdt_next_node(f, c, &depth)) {
        uint64_t a, s;
        for (uint32_t i = 0; fdt_reg(f, c, i, &a, &s) == KERR_OK; i++) {
            if (k == FDT_MEM_MAX_HOLES)
                return -1;
            h[k++] = (fdt_mem_range_t){a, s > UINT64_MAX - a ? UINT64_MAX : a + s};
        }
    }
    return k;
}

/* The caller's holes, the DTB and its reservations (the memreserve block
 * and /reserved-memory); returns the count, or -1 if they do not fit. */
static int collect_holes(const fdt_t *f, const fdt_mem_range_t *extra, int n,
                         fdt_mem_range_t *h)
{
    int k = 0;
    for (int i = 0; i < n && k < FDT_MEM_MAX_HOLES; i++)
        h[k++] = extra[i];
    uint64_t blob = (uintptr_t)f->blob, a, s;
    if (k < FDT_MEM_MAX_HOLES)
        h[k++] = (fdt_mem_range_t){blob, blob + f->size};
    for (uint32_t i = 0; fdt_mem_rsv(f, i, &a, &s) == KERR_OK; i++) {
        if (k == FDT_MEM_MAX_HOLES) {
            printk(KLOG_WARN, "fdt: too many memory reservations, RAM unused");
            return -1;
        }
        h[k++] = (fdt_mem_range_t){a, s > UINT64_MAX - a ? UINT64_MAX : a + s};
    }
    k = reserved_nodes(f, h, k);
    if (k < 0)
        printk(KLOG_WARN, "fdt: too many memory reservations, RAM unused");
    return k;
}

void fdt_mem_init(const fdt_t *f, const fdt_mem_range_t *holes, int n,
                  uint64_t limit)
{
    fdt_mem_range_t h[FDT_MEM_MAX_HOLES];
    int k = collect_holes(f, holes, n, h);
    if (k < 0)
        return; /* unknown reservations: handing out RAM would be unsafe */
    for (int m = fdt_find_device_type(f, FDT_NONE, "memory"); m != FDT_NONE;
         m = fdt_find_device_type(f, m, "memory")) {
        uint64_t base, size;
        for (uint32_t i = 0; fdt_reg(f, m, i, &base, &size) == KERR_OK; i++)
            if (base < limit)
                add_free(base, size > limit - base ? limit : base + size, h, k);
    }
}
