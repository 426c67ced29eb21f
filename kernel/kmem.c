/* Boot-time bump allocator over the platform's free RAM ranges, until the
 * allocator takes them over (kmem.h). */
#include "kernel/kmem.h"
#include "lib/kstring.h"
#include "mote/printk.h"

#define KMEM_MAX_RANGES 8

static struct range {
    uintptr_t next, end;
} ranges[KMEM_MAX_RANGES];
static int nranges;
static void *(*forward)(size_t size, size_t align);

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

void *kmem_alloc(size_t size, size_t align)
{
    KASSERT(align && (align & (align - 1)) == 0);
    if (forward)
        return forward(size, align);
    for (int i = 0; i < nranges; i++) {
        uintptr_t p = (ranges[i].next + align - 1) & ~(uintptr_t)(align - 1);
        if (p >= ranges[i].next && p <= ranges[i].end &&
            ranges[i].end - p >= size) {
            ranges[i].next = p + size;
            memset((void *)p, 0, size);
            return (void *)p;
        }
    }
    return NULL;
}

size_t kmem_free_bytes(void)
{
    size_t n = 0;
    for (int i = 0; i < nranges; i++)
        n += ranges[i].end - ranges[i].next;
    return n;
}

void kmem_handover(void (*claim)(uintptr_t base, size_t size),
                   void *(*alloc)(size_t size, size_t align))
{
    for (int i = 0; i < nranges; i++)
        if (ranges[i].end != ranges[i].next)
            claim(ranges[i].next, ranges[i].end - ranges[i].next);
    nranges = 0;
    forward = alloc;
}

void kmem_reset(void)
{
    nranges = 0;
    forward = NULL;
}
