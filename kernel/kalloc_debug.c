/* The allocator's debug mode (boot argument kalloc_debug=1).
 *
 * Each allocation takes a raw block (kalloc.c) a little larger than asked
 * and lays it out as
 *
 *   [free-list word][header][front canary][user data][back canary]
 *
 * The header (at a fixed place, so it is found from the block alone)
 * records the size and the sites of allocation and free. Fresh pages are
 * filled with KALLOC_POISON when a span or run is made, and a freed block
 * is poisoned everywhere but its free-list word and header. So:
 *
 *   - overrun:  a canary byte changed, seen when the block is freed;
 *   - double free: the header says FREED (the header outlives the free);
 *   - use after free: a poisoned byte changed, seen when the block leaves
 *     the quarantine (the last KALLOC_QUAR frees are held back from reuse)
 *     and again when the raw block is handed out next;
 *   - bad free: the pointer is not the start of a live block.
 *
 * Reads after free are not caught (only writes leave a trace). Reports go
 * to the heap's hook if it has one (tests), else they are printed and the
 * kernel panics.
 */
#include "kernel/kalloc_heap.h"
#include "lib/kstring.h"
#include "mote/printk.h"

#define LIVE 0x4b4c4956u   /* header magic of a live block */
#define FREED 0x4b465245u  /* ... and of a freed one */
#define CANARY 0xca
#define BACK_MIN 16        /* back canary bytes at least */

typedef struct hdr {
    uint32_t magic;
    uint32_t offset;       /* user pointer - block */
    size_t size;           /* as requested */
    const char *afile, *ffile;
    int aline, fline;
} hdr_t;

#define HDR_AT sizeof(void *)              /* after the free-list word */
#define HDR_END (HDR_AT + sizeof(hdr_t))
#define PREFIX ((HDR_END + 15) & ~(size_t)15)

static const char *site(const char *f)
{
    return f ? f : "?";
}

void kalloc_fault(kalloc_heap_t *h, const kalloc_report_t *r)
{
    if (h->report) {
        h->report(r);
        return;
    }
    static const char *const what[] = {
        "?", "free of a pointer kmalloc did not return", "double free",
        "write after free", "overrun (canary changed)",
    };
    printk(KLOG_ERR, "kalloc: %s: %p (%zu bytes) allocated at %s:%d, freed at %s:%d",
           what[r->kind], r->ptr, r->size, site(r->alloc_file), r->alloc_line,
           site(r->free_file), r->free_line);
    kpanic_at(r->file, r->line, "kalloc: %s", what[r->kind]);
}

static void fault(kalloc_heap_t *h, kalloc_fault_t kind, const void *p,
                  const hdr_t *hd, const char *file, int line)
{
    kalloc_report_t r = {kind, p, 0, file, line, NULL, 0, NULL, 0};
    if (hd && (hd->magic == LIVE || hd->magic == FREED)) {
        r.size = hd->size;
        r.alloc_file = hd->afile;
        r.alloc_line = hd->aline;
        r.free_file = hd->ffile;
        r.free_line = hd->fline;
    }
    kalloc_fault(h, &r);
}

/* Do all bytes of [p, p+n) equal (c)? */
static bool all(const uint8_t *p, size_t n, uint8_t c)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != c)
            return false;
    return true;
}

/* Poison still intact over the freed block (b) of (size) bytes? */
static void check_poison(kalloc_heap_t *h, uintptr_t b, size_t size,
                         const char *file, int line)
{
    const hdr_t *hd = (const hdr_t *)(b + HDR_AT);
    if (!all((const uint8_t *)b + HDR_END, size - HDR_END, KALLOC_POISON)) {
        fault(h, KALLOC_USE_AFTER_FREE,
              (const void *)(b + (hd->magic == FREED ? hd->offset : PREFIX)),
              hd, file, line);
        memset((void *)(b + HDR_END), KALLOC_POISON, size - HDR_END); /* once */
    }
}

void *kalloc_dbg_alloc(kalloc_heap_t *h, size_t size, size_t align,
                       const char *file, int line)
{
    size_t a = align < 16 ? 16 : align;
    size_t extra = PREFIX + (a - 16) + BACK_MIN;
    if (size > SIZE_MAX - extra)
        return NULL;
    uintptr_t b = (uintptr_t)kalloc_raw_alloc(h, size + extra, 16);
    if (!b)
        return NULL;
    size_t bsize = 0;
    kalloc_raw_block(h, (void *)b, &bsize);
    check_poison(h, b, bsize, file, line);
    uintptr_t user = (b + PREFIX + a - 1) & ~(uintptr_t)(a - 1);
    hdr_t *hd = (hdr_t *)(b + HDR_AT);
    *hd = (hdr_t){LIVE, (uint32_t)(user - b), size, file, NULL, line, 0};
    memset((void *)(b + HDR_END), CANARY, user - b - HDR_END);
    memset((void *)(user + size), CANARY, b + bsize - user - size);
    return (void *)user;
}

/* The live block (p) starts, with its header, or 0 after a report. */
static uintptr_t live_block(kalloc_heap_t *h, const void *p, size_t *bsize,
                            const char *file, int line)
{
    uintptr_t b = kalloc_raw_block(h, p, bsize);
    if (!b) {
        fault(h, KALLOC_BAD_FREE, p, NULL, file, line);
        return 0;
    }
    const hdr_t *hd = (const hdr_t *)(b + HDR_AT);
    if (hd->magic == FREED && b + hd->offset == (uintptr_t)p) {
        fault(h, KALLOC_DOUBLE_FREE, p, hd, file, line);
        return 0;
    }
    if (hd->magic != LIVE || b + hd->offset != (uintptr_t)p) {
        fault(h, KALLOC_BAD_FREE, p, NULL, file, line);
        return 0;
    }
    return b;
}

static void quarantine_evict(kalloc_heap_t *h, const char *file, int line)
{
    uintptr_t b = (uintptr_t)h->quar[h->qhead];
    h->qhead = (h->qhead + 1) % KALLOC_QUAR;
    h->qcount--;
    size_t bsize = 0;
    kalloc_raw_block(h, (void *)b, &bsize);
    check_poison(h, b, bsize, file, line);
    kalloc_raw_free(h, (void *)b, file, line);
}

void kalloc_dbg_free(kalloc_heap_t *h, void *p, const char *file, int line)
{
    size_t bsize = 0;
    uintptr_t b = live_block(h, p, &bsize, file, line);
    if (!b)
        return;
    hdr_t *hd = (hdr_t *)(b + HDR_AT);
    uintptr_t user = (uintptr_t)p;
    if (!all((const uint8_t *)b + HDR_END, user - b - HDR_END, CANARY) ||
        !all((const uint8_t *)user + hd->size, b + bsize - user - hd->size, CANARY))
        fault(h, KALLOC_OVERRUN, p, hd, file, line);
    hd->magic = FREED;
    hd->ffile = file;
    hd->fline = line;
    memset((void *)(b + HDR_END), KALLOC_POISON, bsize - HDR_END);
    if (h->qcount == KALLOC_QUAR)
        quarantine_evict(h, file, line);
    h->quar[(h->qhead + h->qcount) % KALLOC_QUAR] = (void *)b;
    h->qcount++;
}

size_t kalloc_dbg_usable(kalloc_heap_t *h, const void *p)
{
    size_t bsize = 0;
    uintptr_t b = kalloc_raw_block(h, p, &bsize);
    if (!b)
        return 0;
    const hdr_t *hd = (const hdr_t *)(b + HDR_AT);
    return hd->magic == LIVE && b + hd->offset == (uintptr_t)p ? hd->size : 0;
}

void kalloc_dbg_flush(kalloc_heap_t *h)
{
    while (h->qcount)
        quarantine_evict(h, __FILE__, __LINE__);
}
