/* Allocator benchmark: mote's kalloc beside glibc malloc and mimalloc.
 *
 *   allocbench kalloc|glibc|mimalloc speed|frag
 *
 * speed: a live set of SLOTS blocks; each step frees a random slot and
 *        allocates a new block of a random size there (one pair), writing
 *        its first and last byte. The size/slot sequence is drawn up
 *        front (same seed for every allocator), so only the allocator is
 *        timed. Prints pairs per second.
 * frag:  a live set of about 8 MiB of mixed sizes, replaced at random
 *        500,000 times (the workload of tests/unit/kalloc_test.c). Prints
 *        the peak bytes asked for and each allocator's own peak footprint:
 *        kalloc: pages held by spans and runs plus their page descriptors;
 *        glibc: mallinfo2 arena + mmapped bytes (sampled every 64 steps);
 *        mimalloc: peak committed bytes (mi_process_info) less those
 *        committed at start. Also the process's peak RSS growth (VmHWM).
 *
 * Built twice by bench/alloc/run.py: with -DWITH_MIMALLOC -lmimalloc for
 * the mimalloc runs only, since libmimalloc.so also takes over malloc and
 * free for the whole process (a "glibc" run in that binary is mimalloc).
 *
 * Output: one line "key=value ..." for bench/alloc/run.py.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdlib.h>
#ifdef WITH_MIMALLOC
#include <mimalloc.h>
#else /* never called: this binary must not link mimalloc (it interposes malloc) */
#define mi_malloc(n) ((void)(n), abort(), (void *)0)
#define mi_free(p) ((void)(p), abort())
static void mi_process_info(size_t *a, size_t *b, size_t *c, size_t *d, size_t *e,
                            size_t *f, size_t *g, size_t *h)
{
    (void)a, (void)b, (void)c, (void)d, (void)e, (void)f, (void)g, (void)h;
    abort();
}
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "kernel/kalloc_heap.h"

/* --- what kalloc.c needs from the rest of the kernel ------------------- */

int klog_level;
void printk(int level, const char *fmt, ...) { (void)level; (void)fmt; }
_Noreturn void kpanic_at(const char *file, int line, const char *fmt, ...)
{
    fprintf(stderr, "panic at %s:%d: %s\n", file, line, fmt);
    abort();
}
unsigned long kargs_get_ulong(const char *key, unsigned long fallback)
{
    (void)key;
    return fallback;
}
void kmem_handover(void (*claim)(uintptr_t, size_t), void *(*a)(size_t, size_t))
{
    (void)claim;
    (void)a;
}

/* --- the three allocators behind one interface -------------------------- */

static kalloc_heap_t heap;
static int which; /* 0 kalloc, 1 glibc, 2 mimalloc */

static void *xalloc(size_t n)
{
    switch (which) {
    case 0: return kalloc_heap_alloc(&heap, n, 16, __FILE__, __LINE__);
    case 1: return malloc(n);
    default: return mi_malloc(n);
    }
}

static void xfree(void *p)
{
    switch (which) {
    case 0: kalloc_heap_free(&heap, p, __FILE__, __LINE__); break;
    case 1: free(p); break;
    default: mi_free(p); break;
    }
}

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Mostly small, some medium, a few large (as tests/unit/kalloc_test.c). */
static size_t mixed_size(void)
{
    uint64_t r = next();
    switch (r % 16) {
    case 0: return (r >> 8) % 3;
    case 1: return (r >> 8) % 16384;
    case 2: return (r >> 8) % 32 == 0 ? (r >> 16) % 200000 : (r >> 16) % 1024;
    case 3: return (r >> 8) % 4096;
    default: return 1 + (r >> 8) % 256;
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long status_kib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0)
            v = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

#define SLOTS 10000
#define STEPS (1 << 21)

static void speed(void)
{
    static void *slot[SLOTS];
    static uint32_t size[STEPS], idx[STEPS];
    for (int i = 0; i < STEPS; i++) {
        size[i] = (uint32_t)mixed_size();
        idx[i] = (uint32_t)(next() % SLOTS);
    }
    for (int i = 0; i < SLOTS; i++)
        slot[i] = xalloc(mixed_size());
    double t0 = now();
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < STEPS; i++) {
            uint32_t k = idx[i];
            xfree(slot[k]);
            char *p = xalloc(size[i]);
            if (!p && size[i]) {
                fprintf(stderr, "out of memory\n");
                exit(1);
            }
            if (size[i]) {
                p[0] = 1;
                p[size[i] - 1] = 2;
            }
            slot[k] = p;
        }
    double dt = now() - t0;
    printf("pairs_per_s=%.0f\n", 4.0 * STEPS / dt);
}

static size_t footprint(size_t mi_base)
{
    if (which == 0) {
        kalloc_stats_t s;
        kalloc_heap_stats(&heap, &s);
        return (size_t)s.peak_held + (size_t)(s.peak_held / KALLOC_PAGE) * sizeof(kpage_t);
    }
    if (which == 1) {
        struct mallinfo2 m = mallinfo2();
        return m.arena + m.hblkhd;
    }
    size_t e, u, sy, rss, prss, commit, pcommit = 0, pf;
    mi_process_info(&e, &u, &sy, &rss, &prss, &commit, &pcommit, &pf);
    return pcommit - mi_base;
}

static void frag(void)
{
    static struct { void *p; size_t n; } live[20000];
    size_t n = 0, bytes = 0, peak = 0, peak_fp = 0, mi_base = 0;
    long rss0 = status_kib("VmRSS:");
    if (which == 2) {
        size_t e, u, sy, rss, prss, commit = 0, pcommit, pf;
        mi_process_info(&e, &u, &sy, &rss, &prss, &commit, &pcommit, &pf);
        mi_base = commit;
    }
    for (int step = 0; step < 500000; step++) {
        if (n < 20000 && (bytes < (8u << 20) || n == 0)) {
            live[n].n = mixed_size();
            live[n].p = xalloc(live[n].n);
            memset(live[n].p, 1, live[n].n);
            bytes += live[n++].n;
        } else {
            size_t i = next() % n;
            xfree(live[i].p);
            bytes -= live[i].n;
            live[i] = live[--n];
        }
        if (bytes > peak)
            peak = bytes;
        if (which == 1 && step % 64 == 0) {
            size_t f = footprint(0);
            peak_fp = f > peak_fp ? f : peak_fp;
        }
    }
    if (which != 1)
        peak_fp = footprint(mi_base);
    long hwm = status_kib("VmHWM:");
    printf("peak_asked=%zu peak_footprint=%zu peak_rss_growth=%ld\n", peak, peak_fp,
           (hwm - rss0) * 1024);
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    which = strcmp(argv[1], "kalloc") == 0 ? 0 : strcmp(argv[1], "glibc") == 0 ? 1 : 2;
    if (which == 0) {
        size_t size = (size_t)1 << 30;
        void *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        kalloc_heap_init(&heap, false);
        kalloc_heap_add(&heap, (uintptr_t)m, size);
    }
    if (strcmp(argv[2], "speed") == 0)
        speed();
    else
        frag();
    return 0;
}
