/* Boot-time bump allocator over the platform's free RAM ranges. */
#include "kernel/kmem.h"
#include "lib/kstring.h"
#include "mote/printk.h"

#define KMEM_MAX_RANGES 8

static struct range {
    uintptr_t next, end;
} ranges[KMEM_MAX_RANGES];
static int nranges;

void kmem_add(uintptr_t base, size_t size)
{
    if (nranges == KMEM_MAX_RANGES) {
        printk(KLOG_WARN, "kmem: range %#lx+%#zx ignored (table full)",
               (unsigned long)base, size);
        return;
    }
    ranges[nranges].next = base;
    ranges[nranges].end = base + size;
    nranges++;
}

void *kmem_alloc_raw(size_t size, size_t align)
{
    KASSERT(align && (align & (align - 1)) == 0);
    for (int i = 0; i < nranges; i++) {
        uintptr_t p = (ranges[i].next + align - 1) & ~(uintptr_t)(align - 1);
        if (p >= ranges[i].next && p <= ranges[i].end &&
            ranges[i].end - p >= size) {
            ranges[i].next = p + size;
            return (void *)p;
        }
    }
    return NULL;
}

void *kmem_alloc(size_t size, size_t align)
{
    void *p = kmem_alloc_raw(size, align);
    if (p)
        memset(p, 0, size);
    return p;
}

size_t kmem_free_bytes(void)
{
    size_t n = 0;
    for (int i = 0; i < nranges; i++)
        n += ranges[i].end - ranges[i].next;
    return n;
}

size_t kmem_largest_free(void)
{
    size_t best = 0;
    for (int i = 0; i < nranges; i++) {
        uintptr_t p = (ranges[i].next + 63) & ~(uintptr_t)63;
        if (p >= ranges[i].next && p < ranges[i].end && ranges[i].end - p > best)
            best = ranges[i].end - p;
    }
    return best;
}

void kmem_reset(void)
{
    nranges = 0;
}
