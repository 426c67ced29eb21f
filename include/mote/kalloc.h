/* mote: the kernel allocator.
 *
 * Memory whose life is shorter than the kernel's (a sandbox instance, a
 * connection's buffers, a cache sized when a store opens) comes from here
 * and goes back here. What is sized once at boot may still use the boot
 * allocator (kernel/kmem.h); once the first kmalloc runs, kmem_alloc is
 * served from this heap too.
 *
 * Design (docs/alloc.md): mimalloc-style. Small requests (up to
 * KALLOC_SMALL_MAX) are rounded to one of 80 size classes (8 per doubling,
 * at most 12.5% rounding) and served from spans of 1..32 pages that hold
 * blocks of one class, each with its own free list; a span that empties
 * goes back to the page heap (each class keeps at most one empty span, and
 * kalloc_trim or a failing page allocation gives those back too). Larger
 * requests get their own run of pages. Free page runs coalesce with their
 * neighbours. There is no lock: each event loop is single-threaded, and no
 * call may be made from an interrupt handler.
 *
 * Errors: an allocation returns NULL when no memory is left (never
 * panics). Freeing a pointer the heap did not hand out panics, reporting
 * the caller's file and line. With the boot argument kalloc_debug=1 the
 * heap also catches double frees, writes after free (freed memory is
 * poisoned and checked when it is reused) and overruns (canaries checked
 * at free), each reported with the file and line of the allocation, the
 * free and the detection.
 *
 * Every call runs in tick context. Costs: small allocations and frees are
 * O(1); page runs O(number of free-run size bins) plus, for a span, O(its
 * pages).
 */
#ifndef MOTE_KALLOC_H
#define MOTE_KALLOC_H

#include <stddef.h>
#include <stdint.h>

#define KALLOC_PAGE 4096u          /* page granule of the heap */
#define KALLOC_SMALL_MAX 65536u    /* larger requests get their own pages */
#define KALLOC_CLASSES 80          /* size classes 16 .. KALLOC_SMALL_MAX */
#define KALLOC_MIN_ALIGN 16u       /* every result is at least this aligned */

/* (size) bytes aligned to KALLOC_MIN_ALIGN, uninitialised, or NULL. A
 * (size) of 0 returns a unique pointer that must be freed. */
#define kmalloc(size) kmalloc_at((size), __FILE__, __LINE__)
/* (n) * (size) zeroed bytes, or NULL (also when the product overflows). */
#define kcalloc(n, size) kcalloc_at((n), (size), __FILE__, __LINE__)
/* Resize (p) (NULL: like kmalloc) to (size) bytes keeping the common
 * prefix; returns the new pointer, or NULL with (p) untouched. */
#define krealloc(p, size) krealloc_at((p), (size), __FILE__, __LINE__)
/* (size) bytes aligned to (align), a power of two (any size). */
#define kmalloc_aligned(size, align) \
    kmalloc_aligned_at((size), (align), __FILE__, __LINE__)
/* (npages) whole pages, page aligned, zeroed, sharing no page with any
 * other allocation. Freed with kfree. */
#define kpages(npages) kpages_at((npages), __FILE__, __LINE__)
/* Give back (p) (NULL: nothing). */
#define kfree(p) kfree_at((p), __FILE__, __LINE__)

void *kmalloc_at(size_t size, const char *file, int line);
void *kcalloc_at(size_t n, size_t size, const char *file, int line);
void *krealloc_at(void *p, size_t size, const char *file, int line);
void *kmalloc_aligned_at(size_t size, size_t align, const char *file, int line);
void *kpages_at(size_t npages, const char *file, int line);
void kfree_at(void *p, const char *file, int line);

/* Bytes usable at (p) (at least what was asked for). */
size_t kmalloc_usable(const void *p);

typedef struct kalloc_class_stats {
    uint32_t size;   /* block size of the class */
    uint32_t live;   /* blocks in use */
    uint32_t spans;  /* spans held (each KALLOC_PAGE * pages bytes) */
    uint32_t pages;  /* pages per span */
} kalloc_class_stats_t;

typedef struct kalloc_stats {
    uint64_t total;       /* bytes the heap manages (pages) */
    uint64_t in_use;      /* bytes in live blocks and large runs */
    uint64_t held;        /* bytes in pages given to spans or large runs */
    uint64_t peak_held;   /* highest value of held */
    uint64_t free;        /* bytes in free pages (total - held) */
    uint64_t largest_free;/* largest free run of pages, in bytes */
    uint64_t allocs, frees; /* calls so far */
    uint32_t large_live;  /* live allocations with their own pages */
    kalloc_class_stats_t cls[KALLOC_CLASSES];
} kalloc_stats_t;

/* Fill (s) with the heap's counters. O(classes + free bins). */
void kalloc_stats(kalloc_stats_t *s);

/* Print the counters and every class in use (the shell's "mem"). */
void kalloc_print_stats(void);

/* Give the page heap the empty spans classes keep for reuse. */
void kalloc_trim(void);

#endif
