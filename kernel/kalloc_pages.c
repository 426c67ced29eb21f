/* The allocator's page heap: runs of whole pages, coalescing on free.
 *
 * Free runs sit in 64 bins: bin i < 32 holds runs of exactly i+1 pages,
 * bin 32+k runs of [2^(5+k), 2^(6+k)) pages (the last bin everything
 * longer). A 64-bit mask of non-empty bins finds the first bin that can
 * hold a request in one step; only in a ranged bin is the list scanned.
 * Runs are always maximal (a freed run merges with free neighbours at
 * once), so a split leaves pieces whose neighbours are all in use.
 */
#include "kernel/kalloc_heap.h"

static unsigned bin_of(size_t n)
{
    if (n <= 32)
        return (unsigned)n - 1;
    unsigned log2 = 63u - (unsigned)__builtin_clzll((unsigned long long)n);
    unsigned b = 32 + log2 - 5;
    return b < KALLOC_BINS ? b : KALLOC_BINS - 1;
}

static void bin_unlink(kalloc_heap_t *h, kpage_t *pg)
{
    unsigned b = bin_of(pg->npages);
    if (pg->prev)
        pg->prev->next = pg->next;
    else
        h->bin[b] = pg->next;
    if (pg->next)
        pg->next->prev = pg->prev;
    if (!h->bin[b])
        h->binmask &= ~(1ull << b);
}

/* Make [pg, pg+n) one free run in its bin. */
static void run_free(kalloc_heap_t *h, kpage_t *pg, size_t n)
{
    kpage_t *last = pg + n - 1;
    last->kind = KPAGE_FREE;
    last->npages = (uint32_t)n;
    last->back = (uint32_t)(n - 1);
    pg->kind = KPAGE_FREE;
    pg->npages = (uint32_t)n;
    pg->back = 0;
    unsigned b = bin_of(n);
    pg->prev = NULL;
    pg->next = h->bin[b];
    if (pg->next)
        pg->next->prev = pg;
    h->bin[b] = pg;
    h->binmask |= 1ull << b;
}

static kalloc_area_t *area_of_desc(kalloc_heap_t *h, const kpage_t *pg)
{
    for (int i = 0; i < h->nareas; i++) {
        kalloc_area_t *a = &h->area[i];
        if (pg >= a->desc && pg < a->desc + a->npages)
            return a;
    }
    return NULL;
}

uintptr_t kpages_addr(kalloc_heap_t *h, const kpage_t *pg)
{
    kalloc_area_t *a = area_of_desc(h, pg);
    return a->base + (uintptr_t)(pg - a->desc) * KALLOC_PAGE;
}

kpage_t *kpages_desc(kalloc_heap_t *h, const void *p)
{
    for (int i = 0; i < h->nareas; i++) {
        kalloc_area_t *a = &h->area[i];
        uintptr_t off = (uintptr_t)p - a->base;
        if ((uintptr_t)p >= a->base && off / KALLOC_PAGE < a->npages)
            return &a->desc[off / KALLOC_PAGE];
    }
    return NULL;
}

/* The first run in bin (b) that holds (need) pages. */
static kpage_t *bin_find(kalloc_heap_t *h, unsigned b, size_t need)
{
    for (kpage_t *pg = h->bin[b]; pg; pg = pg->next)
        if (pg->npages >= need)
            return pg;
    return NULL;
}

kpage_t *kpages_take(kalloc_heap_t *h, size_t n, size_t align)
{
    if (n == 0 || n > UINT32_MAX / 2 || align > UINT32_MAX / 2)
        return NULL;
    size_t need = n + align - 1;
    kpage_t *pg = NULL;
    for (unsigned b = bin_of(need); b < KALLOC_BINS && !pg; b++) {
        uint64_t m = h->binmask >> b;
        if (!m)
            return NULL;
        b += (unsigned)__builtin_ctzll(m);
        pg = bin_find(h, b, need);
    }
    if (!pg)
        return NULL;
    bin_unlink(h, pg);
    size_t len = pg->npages, front = 0;
    if (align > 1) {
        uintptr_t addr = kpages_addr(h, pg), mask = align * KALLOC_PAGE - 1;
        front = (((addr + mask) & ~mask) - addr) / KALLOC_PAGE;
    }
    if (front)
        run_free(h, pg, front);
    kpage_t *run = pg + front;
    if (len - front > n)
        run_free(h, run + n, len - front - n);
    run->npages = (uint32_t)n;
    run->back = 0;
    return run;
}

void kpages_give(kalloc_heap_t *h, kpage_t *pg)
{
    kalloc_area_t *a = area_of_desc(h, pg);
    size_t n = pg->npages;
    kpage_t *end = pg + n;
    if (pg > a->desc && pg[-1].kind == KPAGE_FREE) {
        kpage_t *before = pg - 1 - pg[-1].back;
        bin_unlink(h, before);
        n += before->npages;
        pg = before;
    }
    if (end < a->desc + a->npages && end->kind == KPAGE_FREE) {
        bin_unlink(h, end);
        n += end->npages;
    }
    run_free(h, pg, n);
}

size_t kpages_largest_free(kalloc_heap_t *h)
{
    size_t best = 0;
    for (int b = KALLOC_BINS - 1; b >= 0 && !best; b--)
        for (kpage_t *pg = h->bin[b]; pg; pg = pg->next)
            if (pg->npages > best)
                best = pg->npages;
    return best;
}

/* Descriptors first, pages after, both inside [base, base+size). */
bool kalloc_heap_add(kalloc_heap_t *h, uintptr_t base, size_t size)
{
    uintptr_t start = (base + 15) & ~(uintptr_t)15;
    if (h->nareas == KALLOC_MAX_AREAS || start < base || size < start - base)
        return false;
    size -= start - base;
    size_t n = size / (KALLOC_PAGE + sizeof(kpage_t));
    uintptr_t pages = 0;
    for (; n; n--) {
        pages = (start + n * sizeof(kpage_t) + KALLOC_PAGE - 1) &
                ~(uintptr_t)(KALLOC_PAGE - 1);
        if (pages - start <= size && (size - (pages - start)) / KALLOC_PAGE >= n)
            break;
    }
    if (n == 0)
        return false;
    kalloc_area_t *a = &h->area[h->nareas++];
    a->base = pages;
    a->npages = n;
    a->desc = (kpage_t *)start;
    h->total_pages += n;
    run_free(h, a->desc, n);
    return true;
}
