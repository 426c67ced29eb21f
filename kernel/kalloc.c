/* The allocator: size classes and spans over the page heap
 * (kalloc_pages.c), and the global heap behind include/mote/kalloc.h.
 *
 * Classes: 16, 32, .., 256 in steps of 16, then 8 per doubling up to
 * KALLOC_SMALL_MAX (288, 320, .., 512, 576, ..). Every class size is a
 * multiple of 16, and of 2^k when it is a power of two times 1..8, so a
 * block at offset i * size in a page-aligned span is aligned to the
 * largest power of two dividing the size: an aligned request just picks
 * the first class whose size that alignment divides.
 *
 * A span serves one class. Its first descriptor holds a free list and a
 * bump pointer (blocks never used yet are not threaded up front, so a new
 * span costs O(pages) descriptor writes and touches no block). A span with
 * a free block is on its class's avail list; the fast path pops from the
 * list head's free list. When a span empties it goes back to the page heap
 * unless it is the class's only span with room: then it is kept (one per
 * class) so that a loop of kmalloc/kfree pairs does not take and give
 * pages each time. kalloc_trim, and any failing page allocation, returns
 * those kept spans.
 */
#include "kernel/kalloc_heap.h"
#include "kernel/kmem.h"
#include "kernel/kargs.h"
#include "lib/kstring.h"
#include "mote/kapp.h"
#include "mote/printk.h"

static uint32_t class_pages[KALLOC_CLASSES];
static uint32_t class_size[KALLOC_CLASSES]; /* cache of class_size_of */

static uint32_t class_size_of(unsigned cls)
{
    if (cls < 16)
        return (cls + 1) * 16;
    unsigned b = 8 + (cls - 16) / 8, m = (cls - 16) % 8;
    return (8 + m + 1) << (b - 3);
}

unsigned kalloc_class(size_t size)
{
    if (size <= 256)
        return size ? (unsigned)(size + 15) / 16 - 1 : 0;
    size_t v = size - 1;
    unsigned b = 63u - (unsigned)__builtin_clzll((unsigned long long)v);
    return 16 + (b - 8) * 8 + (unsigned)(v >> (b - 3)) - 8;
}

/* Fewest pages holding at least a few blocks (4 of the smallest classes,
 * one of the others: a span with fewer blocks empties sooner under random
 * frees) with at most 1/16 wasted at the span's end; the one wasting
 * least if none does. */
static uint32_t pages_for(uint32_t size)
{
    uint32_t want = size <= 256 ? 4 : 1;
    uint32_t best = KALLOC_SPAN_MAX_PAGES, best_waste = UINT32_MAX;
    for (uint32_t p = 1; p <= KALLOC_SPAN_MAX_PAGES; p++) {
        uint32_t bytes = p * KALLOC_PAGE, cap = bytes / size;
        if (cap == 0)
            continue;
        uint32_t waste = bytes - cap * size;
        if (cap >= want && waste * 16 <= bytes)
            return p;
        if (waste * 1024 / bytes < best_waste) {
            best_waste = waste * 1024 / bytes;
            best = p;
        }
    }
    return best;
}

uint32_t kalloc_class_size(unsigned cls)
{
    if (!class_size[cls])
        class_size[cls] = class_size_of(cls);
    return class_size[cls];
}

uint32_t kalloc_class_pages(unsigned cls)
{
    if (!class_pages[cls])
        class_pages[cls] = pages_for(kalloc_class_size(cls));
    return class_pages[cls];
}

void kalloc_heap_init(kalloc_heap_t *h, bool debug)
{
    memset(h, 0, sizeof *h);
    h->debug = debug;
    for (unsigned c = 0; c < KALLOC_CLASSES; c++)
        kalloc_class_pages(c);
}

/* --- spans -------------------------------------------------------------- */

static void avail_push(kalloc_heap_t *h, kpage_t *s)
{
    s->prev = NULL;
    s->next = h->avail[s->cls];
    if (s->next)
        s->next->prev = s;
    else
        h->avail_tail[s->cls] = s;
    h->avail[s->cls] = s;
    s->listed = 1;
}

static void avail_unlink(kalloc_heap_t *h, kpage_t *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        h->avail[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    else
        h->avail_tail[s->cls] = s->prev;
    s->listed = 0;
}

/* A span that has become sparse goes to the back of the list: the denser
 * ones fill first, so this one drains and its pages go back. */
static void avail_to_tail(kalloc_heap_t *h, kpage_t *s)
{
    unsigned c = s->cls;
    if (h->avail_tail[c] == s)
        return;
    avail_unlink(h, s);
    s->next = NULL;
    s->prev = h->avail_tail[c];
    s->prev->next = s;
    h->avail_tail[c] = s;
    s->listed = 1;
}

/* Pages for a run of (n) pages aligned to (align) pages; empties the kept
 * spans into the page heap and retries before giving up. */
static kpage_t *take_pages(kalloc_heap_t *h, size_t n, size_t align)
{
    kpage_t *pg = kpages_take(h, n, align);
    if (!pg) {
        kalloc_heap_trim(h);
        pg = kpages_take(h, n, align);
        if (!pg)
            return NULL;
    }
    h->held_pages += n;
    if (h->held_pages > h->peak_pages)
        h->peak_pages = h->held_pages;
    if (h->debug)
        memset((void *)kpages_addr(h, pg), KALLOC_POISON, n * KALLOC_PAGE);
    return pg;
}

static void give_pages(kalloc_heap_t *h, kpage_t *pg)
{
    h->held_pages -= pg->npages;
    kpages_give(h, pg);
}

static kpage_t *span_new(kalloc_heap_t *h, unsigned cls)
{
    uint32_t n = kalloc_class_pages(cls);
    kpage_t *s = take_pages(h, n, 1);
    if (!s)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        s[i].kind = KPAGE_SMALL;
        s[i].back = i;
    }
    s->npages = n;
    s->cls = (uint8_t)cls;
    s->free = NULL;
    s->bump = kpages_addr(h, s);
    s->used = 0;
    s->cap = (uint16_t)(n * KALLOC_PAGE / kalloc_class_size(cls));
    h->spans[cls]++;
    avail_push(h, s);
    return s;
}

static void span_release(kalloc_heap_t *h, kpage_t *s)
{
    if (s->listed)
        avail_unlink(h, s);
    h->spans[s->cls]--;
    give_pages(h, s);
}

void kalloc_heap_trim(kalloc_heap_t *h)
{
    if (h->debug)
        kalloc_dbg_flush(h);
    for (unsigned c = 0; c < KALLOC_CLASSES; c++) {
        kpage_t *s = h->empty[c];
        h->empty[c] = NULL;
        if (s && s->used == 0)
            span_release(h, s);
    }
}

/* --- raw blocks (both modes) -------------------------------------------- */

static void *small_alloc(kalloc_heap_t *h, unsigned cls)
{
    kpage_t *s = h->avail[cls];
    if (!s && !(s = span_new(h, cls)))
        return NULL;
    void *b = s->free;
    if (b)
        s->free = *(void **)b;
    else {
        b = (void *)s->bump;
        s->bump += class_size[cls];
    }
    if (h->empty[cls] == s)
        h->empty[cls] = NULL;
    if (++s->used == s->cap)
        avail_unlink(h, s);
    h->live[cls]++;
    return b;
}

static void *large_alloc(kalloc_heap_t *h, size_t size, size_t align)
{
    size_t n = size / KALLOC_PAGE + (size % KALLOC_PAGE != 0);
    size_t a = align > KALLOC_PAGE ? align / KALLOC_PAGE : 1;
    if (size > SIZE_MAX - KALLOC_PAGE)
        return NULL;
    kpage_t *pg = take_pages(h, n ? n : 1, a);
    if (!pg)
        return NULL;
    n = pg->npages;
    /* Every descriptor, so an interior pointer finds the run's start. */
    for (size_t i = 0; i < n; i++) {
        pg[i].kind = KPAGE_LARGE;
        pg[i].back = (uint32_t)i;
    }
    h->large_live++;
    return (void *)kpages_addr(h, pg);
}

/* Smallest class whose blocks (size) fits and (align) divides. */
static int aligned_class(size_t size, size_t align)
{
    if (size < align)
        size = align;
    if (size > KALLOC_SMALL_MAX || align > KALLOC_PAGE)
        return -1;
    for (unsigned c = kalloc_class(size); c < KALLOC_CLASSES; c++)
        if (kalloc_class_size(c) % align == 0)
            return (int)c;
    return -1;
}

void *kalloc_raw_alloc(kalloc_heap_t *h, size_t size, size_t align)
{
    h->allocs++;
    if (align <= KALLOC_MIN_ALIGN && size <= KALLOC_SMALL_MAX)
        return small_alloc(h, kalloc_class(size));
    int c = aligned_class(size, align);
    return c >= 0 ? small_alloc(h, (unsigned)c) : large_alloc(h, size, align);
}

static _Noreturn void bad_free(const void *p, const char *file, int line)
{
    kpanic_at(file, line, "kfree: %p was not allocated by kmalloc", p);
}

void kalloc_raw_free(kalloc_heap_t *h, void *p, const char *file, int line)
{
    kpage_t *pg = kpages_desc(h, p);
    if (!pg)
        bad_free(p, file, line);
    h->frees++;
    kpage_t *s = pg - pg->back;
    if (s->kind == KPAGE_LARGE && pg == s) {
        h->large_live--;
        give_pages(h, s);
        return;
    }
    if (s->kind != KPAGE_SMALL || s->used == 0)
        bad_free(p, file, line);
    unsigned cls = s->cls;
    *(void **)p = s->free;
    s->free = p;
    h->live[cls]--;
    if (!s->listed)
        avail_push(h, s);
    if (--s->used) {
        if (s->used * 4 == s->cap)   /* not cap/4: fires once per drop */
            avail_to_tail(h, s);
        return;
    }
    /* Empty: keep it only if it is the class's one span with room and its
     * blocks are small (where alloc/free pairs are frequent and a span is
     * cheap to hold). */
    if (s->next || s->prev || h->empty[cls] || class_size[cls] > 1024) {
        span_release(h, s);
    } else {
        h->empty[cls] = s;
    }
}

uintptr_t kalloc_raw_block(kalloc_heap_t *h, const void *p, size_t *size)
{
    kpage_t *pg = kpages_desc(h, p);
    if (!pg)
        return 0;
    kpage_t *s = pg - pg->back;
    uintptr_t base = kpages_addr(h, s);
    if (s->kind == KPAGE_LARGE) {
        *size = (size_t)s->npages * KALLOC_PAGE;
        return base;
    }
    if (s->kind != KPAGE_SMALL)
        return 0;
    uint32_t bs = kalloc_class_size(s->cls);
    uintptr_t i = ((uintptr_t)p - base) / bs;
    if (i >= s->cap || base + i * bs >= s->bump)
        return 0;
    *size = bs;
    return base + i * bs;
}

/* --- the heap's calls --------------------------------------------------- */

void *kalloc_heap_alloc(kalloc_heap_t *h, size_t size, size_t align,
                        const char *file, int line)
{
    if (align == 0 || (align & (align - 1)))
        kpanic_at(file, line, "kmalloc: alignment %zu is not a power of two", align);
    if (h->debug)
        return kalloc_dbg_alloc(h, size, align, file, line);
    return kalloc_raw_alloc(h, size, align);
}

void kalloc_heap_free(kalloc_heap_t *h, void *p, const char *file, int line)
{
    if (!p)
        return;
    if (h->debug)
        kalloc_dbg_free(h, p, file, line);
    else
        kalloc_raw_free(h, p, file, line);
}

size_t kalloc_heap_usable(kalloc_heap_t *h, const void *p)
{
    if (h->debug)
        return kalloc_dbg_usable(h, p);
    size_t size = 0;
    uintptr_t b = kalloc_raw_block(h, p, &size);
    return b ? size - ((uintptr_t)p - b) : 0;
}

void *kalloc_heap_realloc(kalloc_heap_t *h, void *p, size_t size,
                          const char *file, int line)
{
    if (!p)
        return kalloc_heap_alloc(h, size, KALLOC_MIN_ALIGN, file, line);
    size_t have = kalloc_heap_usable(h, p);
    if (!h->debug && size <= have && size >= have / 2)
        return p;     /* same class or close enough: keep the block */
    void *q = kalloc_heap_alloc(h, size, KALLOC_MIN_ALIGN, file, line);
    if (!q)
        return NULL;
    memcpy(q, p, have < size ? have : size);
    kalloc_heap_free(h, p, file, line);
    return q;
}

void kalloc_heap_stats(kalloc_heap_t *h, kalloc_stats_t *s)
{
    memset(s, 0, sizeof *s);
    s->total = (uint64_t)h->total_pages * KALLOC_PAGE;
    s->held = (uint64_t)h->held_pages * KALLOC_PAGE;
    s->peak_held = (uint64_t)h->peak_pages * KALLOC_PAGE;
    s->free = s->total - s->held;
    s->largest_free = (uint64_t)kpages_largest_free(h) * KALLOC_PAGE;
    s->allocs = h->allocs;
    s->frees = h->frees;
    s->large_live = h->large_live;
    uint64_t large = s->held;
    for (unsigned c = 0; c < KALLOC_CLASSES; c++) {
        kalloc_class_stats_t *k = &s->cls[c];
        k->size = kalloc_class_size(c);
        k->pages = kalloc_class_pages(c);
        k->live = h->live[c];
        k->spans = h->spans[c];
        s->in_use += (uint64_t)k->live * k->size;
        large -= (uint64_t)k->spans * k->pages * KALLOC_PAGE;
    }
    s->in_use += large;
}

/* --- the global heap ---------------------------------------------------- */

static kalloc_heap_t global;
static bool global_ready;

static void *kmem_forward(size_t size, size_t align)
{
    void *p = kalloc_heap_alloc(&global, size, align, __FILE__, __LINE__);
    if (p)
        memset(p, 0, size);
    return p;
}

static void claim(uintptr_t base, size_t size)
{
    if (!kalloc_heap_add(&global, base, size))
        printk(KLOG_WARN, "kalloc: range %#lx+%#zx ignored",
               (unsigned long)base, size);
}

kalloc_heap_t *kalloc_global(void)
{
    if (!global_ready) {
        kalloc_heap_init(&global, kargs_get_ulong("kalloc_debug", 0) != 0);
        kmem_handover(claim, kmem_forward);
        global_ready = true;
        if (global.debug)
            printk(KLOG_INFO, "kalloc: debug mode (poison, canaries, quarantine)");
    }
    return &global;
}

void kalloc_global_reset(void)
{
    global_ready = false;
}

void *kmalloc_at(size_t size, const char *file, int line)
{
    return kalloc_heap_alloc(kalloc_global(), size, KALLOC_MIN_ALIGN, file, line);
}

void *kmalloc_aligned_at(size_t size, size_t align, const char *file, int line)
{
    if (align < KALLOC_MIN_ALIGN)
        align = KALLOC_MIN_ALIGN;
    return kalloc_heap_alloc(kalloc_global(), size, align, file, line);
}

void *kcalloc_at(size_t n, size_t size, const char *file, int line)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = kmalloc_at(n * size, file, line);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *krealloc_at(void *p, size_t size, const char *file, int line)
{
    return kalloc_heap_realloc(kalloc_global(), p, size, file, line);
}

void *kpages_at(size_t npages, const char *file, int line)
{
    if (npages == 0 || npages > SIZE_MAX / KALLOC_PAGE)
        return NULL;
    size_t size = npages * KALLOC_PAGE;
    /* A page-aligned block whose size is a multiple of the page covers
     * whole pages of its own, in a span or in its own run. */
    void *p = kalloc_heap_alloc(kalloc_global(), size, KALLOC_PAGE, file, line);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree_at(void *p, const char *file, int line)
{
    kalloc_heap_free(kalloc_global(), p, file, line);
}

size_t kmalloc_usable(const void *p)
{
    return kalloc_heap_usable(kalloc_global(), p);
}

void kalloc_stats(kalloc_stats_t *s)
{
    kalloc_heap_stats(kalloc_global(), s);
}

void kalloc_print_stats(void)
{
    static kalloc_stats_t s; /* ~1.3 KiB: not on the stack */
    kalloc_stats(&s);
    printk(KLOG_INFO, "kalloc: %llu KiB in use, %llu KiB held (peak %llu), "
           "%llu KiB free of %llu (largest run %llu KiB), %u large",
           (unsigned long long)(s.in_use >> 10), (unsigned long long)(s.held >> 10),
           (unsigned long long)(s.peak_held >> 10), (unsigned long long)(s.free >> 10),
           (unsigned long long)(s.total >> 10),
           (unsigned long long)(s.largest_free >> 10), (unsigned)s.large_live);
    for (unsigned c = 0; c < KALLOC_CLASSES; c++)
        if (s.cls[c].spans)
            printk(KLOG_INFO, "kalloc:   class %5u: %u live in %u spans of %u pages",
                   (unsigned)s.cls[c].size, (unsigned)s.cls[c].live,
                   (unsigned)s.cls[c].spans, (unsigned)s.cls[c].pages);
}

void kalloc_trim(void)
{
    kalloc_heap_trim(kalloc_global());
}
