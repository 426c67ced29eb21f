/* mote: one allocator heap (kernel-internal; the seam tests use).
 *
 * include/mote/kalloc.h is the kernel's one global heap. This is the same
 * allocator as a value, so a test can build one over its own arena, turn
 * on debug mode and catch reports with a hook instead of a panic.
 *
 * Memory layout. The heap is made of areas (one per RAM range it was
 * given). Each area starts with an array of page descriptors (kpage_t, one
 * per page of the area, ~1.4% of it) followed by the pages themselves. A
 * page is always part of exactly one run:
 *   - a free run: its first and last descriptors say FREE and give the
 *     run's length (the last one also its distance to the first); it sits
 *     in a bin of the page heap by length. Interior descriptors are stale.
 *   - a span of one size class (SMALL): every descriptor points back to the
 *     first one, which holds the free list, the bump pointer and the count.
 *   - a large run (LARGE): first and last descriptors are written.
 * So the descriptor just before a run and just after it are always a run
 * boundary, which is what lets a freed run merge with its neighbours in
 * O(1) without any per-page scan.
 */
#ifndef MOTE_KALLOC_HEAP_H
#define MOTE_KALLOC_HEAP_H

#include <stdbool.h>
#include "mote/kalloc.h"

#define KALLOC_MAX_AREAS 8
#define KALLOC_BINS 64         /* free-run bins (see kalloc_pages.c) */
#define KALLOC_SPAN_MAX_PAGES 32
#define KALLOC_QUAR 64         /* debug: frees held back from reuse */

enum { KPAGE_FREE = 1, KPAGE_SMALL, KPAGE_LARGE };

typedef struct kpage {
    /* Hot: what kmalloc and kfree of a small block touch, first. */
    void *free;                /* SMALL: free blocks (first word: next) */
    uint32_t back;             /* distance to the run's first page */
    uint16_t used, cap;        /* SMALL: live blocks, blocks per span */
    uint8_t kind;              /* KPAGE_* */
    uint8_t cls;               /* SMALL: size class */
    uint8_t listed;            /* SMALL: in its class's avail list */
    uint32_t npages;           /* run length (first page; last of FREE) */
    uintptr_t bump;            /* SMALL: next never-used block */
    struct kpage *next, *prev; /* class avail list or free-run bin */
} kpage_t;

typedef struct kalloc_area {
    uintptr_t base;            /* first page */
    size_t npages;
    kpage_t *desc;             /* npages descriptors */
} kalloc_area_t;

/* What debug mode found (kalloc_report_t.kind). */
typedef enum {
    KALLOC_BAD_FREE = 1,       /* not a pointer this heap handed out */
    KALLOC_DOUBLE_FREE,
    KALLOC_USE_AFTER_FREE,     /* freed memory was written */
    KALLOC_OVERRUN,            /* a canary around the block was written */
} kalloc_fault_t;

typedef struct kalloc_report {
    kalloc_fault_t kind;
    const void *ptr;           /* the user pointer concerned */
    size_t size;               /* its requested size, if known */
    const char *file; int line;             /* where it was detected */
    const char *alloc_file; int alloc_line; /* where it was allocated */
    const char *free_file; int free_line;   /* where it was freed */
} kalloc_report_t;

typedef void (*kalloc_report_fn)(const kalloc_report_t *r);

typedef struct kalloc_heap {
    kalloc_area_t area[KALLOC_MAX_AREAS];
    int nareas;
    kpage_t *bin[KALLOC_BINS];  /* free runs by length */
    uint64_t binmask;           /* bit i: bin[i] non-empty */
    kpage_t *avail[KALLOC_CLASSES]; /* spans with a free block */
    kpage_t *avail_tail[KALLOC_CLASSES];
    kpage_t *empty[KALLOC_CLASSES]; /* one kept empty span per class */
    uint32_t live[KALLOC_CLASSES];
    uint32_t spans[KALLOC_CLASSES];
    size_t total_pages, held_pages, peak_pages;
    uint32_t large_live;
    uint64_t allocs, frees;
    bool debug;                 /* poison, canaries, quarantine */
    kalloc_report_fn report;    /* NULL: print and panic */
    void *quar[KALLOC_QUAR];    /* debug mode: recently freed blocks */
    unsigned qhead, qcount;     /* ring of quar: oldest, how many */
} kalloc_heap_t;

/* An empty heap with no memory. (debug) must be chosen now: blocks of the
 * two modes are laid out differently. */
void kalloc_heap_init(kalloc_heap_t *h, bool debug);

/* Give (h) the memory [base, base+size). Returns false if it is too small
 * to hold a page or the area table is full. */
bool kalloc_heap_add(kalloc_heap_t *h, uintptr_t base, size_t size);

/* The heap's calls; (file, line) name the caller for reports. */
void *kalloc_heap_alloc(kalloc_heap_t *h, size_t size, size_t align,
                        const char *file, int line);
void kalloc_heap_free(kalloc_heap_t *h, void *p, const char *file, int line);
void *kalloc_heap_realloc(kalloc_heap_t *h, void *p, size_t size,
                          const char *file, int line);
size_t kalloc_heap_usable(kalloc_heap_t *h, const void *p);
void kalloc_heap_stats(kalloc_heap_t *h, kalloc_stats_t *s);
void kalloc_heap_trim(kalloc_heap_t *h);

/* The global heap behind kalloc.h, built on first use from kmem's ranges. */
kalloc_heap_t *kalloc_global(void);
/* Forget the global heap (unit tests, with kmem_reset). */
void kalloc_global_reset(void);

/* --- between the allocator's files ----------------------------------- */

/* Size class of a small (size) (<= KALLOC_SMALL_MAX), its block size and
 * span length in pages. */
unsigned kalloc_class(size_t size);
uint32_t kalloc_class_size(unsigned cls);
uint32_t kalloc_class_pages(unsigned cls);

/* The page heap (kalloc_pages.c). A run of (n) pages aligned to (align)
 * pages (a power of two), its descriptors not yet written except the
 * first's npages; NULL if none. */
kpage_t *kpages_take(kalloc_heap_t *h, size_t n, size_t align);
/* Return the run starting at (pg) of pg->npages pages, merging. */
void kpages_give(kalloc_heap_t *h, kpage_t *pg);
/* Descriptor of the page holding (p), or NULL if (p) is in no area; and
 * the address of the page of (pg). */
kpage_t *kpages_desc(kalloc_heap_t *h, const void *p);
uintptr_t kpages_addr(kalloc_heap_t *h, const kpage_t *pg);
size_t kpages_largest_free(kalloc_heap_t *h);

/* Raw (mode-independent) block calls of kalloc.c. */
void *kalloc_raw_alloc(kalloc_heap_t *h, size_t size, size_t align);
void kalloc_raw_free(kalloc_heap_t *h, void *p, const char *file, int line);
/* Start and size of the block holding (p), or 0 if (p) is not in a live
 * span or run. */
uintptr_t kalloc_raw_block(kalloc_heap_t *h, const void *p, size_t *size);

/* Debug mode (kalloc_debug.c). */
void *kalloc_dbg_alloc(kalloc_heap_t *h, size_t size, size_t align,
                       const char *file, int line);
void kalloc_dbg_free(kalloc_heap_t *h, void *p, const char *file, int line);
size_t kalloc_dbg_usable(kalloc_heap_t *h, const void *p);
void kalloc_dbg_flush(kalloc_heap_t *h);   /* empty the quarantine */
void kalloc_fault(kalloc_heap_t *h, const kalloc_report_t *r);

#define KALLOC_POISON 0xdb     /* fills freed (debug) and fresh memory */

#endif
