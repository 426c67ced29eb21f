/* The allocator (kernel/kalloc*.c): size classes, a randomized model test
 * with every byte checked, fragmentation under a mixed workload, running
 * out of memory, the global API and kmem's hand-over, and each of debug
 * mode's detections (through a report hook, and once through the default
 * panic). */
#include <stdlib.h>
#include <string.h>

#include "kernel/kalloc_heap.h"
#include "kernel/kmem.h"
#include "mote/kalloc.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

/* A heap over a fresh arena of (mib) MiB. */
static kalloc_heap_t heap;
static void *arena;

static kalloc_heap_t *new_heap(size_t mib, bool debug)
{
    free(arena);
    arena = malloc(mib << 20);
    kalloc_heap_init(&heap, debug);
    CHECK(kalloc_heap_add(&heap, (uintptr_t)arena + 8, (mib << 20) - 8));
    return &heap;
}

TEST(classes_round_up_by_at_most_an_eighth)
{
    uint32_t prev = 0;
    for (unsigned c = 0; c < KALLOC_CLASSES; c++) {
        uint32_t s = kalloc_class_size(c);
        CHECK(s > prev && s % 16 == 0);
        CHECK_EQ(kalloc_class(s), c);
        if (c + 1 < KALLOC_CLASSES)
            CHECK_EQ(kalloc_class(s + 1), c + 1);
        if (prev >= 128)
            CHECK((s - prev - 1) * 8 <= prev + 1);
        uint32_t p = kalloc_class_pages(c), cap = p * KALLOC_PAGE / s;
        CHECK(p >= 1 && p <= KALLOC_SPAN_MAX_PAGES && cap >= 1);
        CHECK((p * KALLOC_PAGE - cap * s) * 8 <= p * KALLOC_PAGE);
        prev = s;
    }
    CHECK_EQ(kalloc_class_size(KALLOC_CLASSES - 1), KALLOC_SMALL_MAX);
    CHECK_EQ(kalloc_class(0), 0);
}

/* --- the model test ------------------------------------------------------ */

typedef struct blk {
    uint8_t *p;
    size_t size, align;
    uint64_t seed;
} blk_t;

static uint8_t pat(uint64_t seed, size_t i)
{
    return (uint8_t)((seed >> (i % 7 * 8)) + i * 131);
}

static void fill(const blk_t *b)
{
    for (size_t i = 0; i < b->size; i++)
        b->p[i] = pat(b->seed, i);
}

static bool intact(const blk_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b->p[i] != pat(b->seed, i))
            return false;
    return true;
}

/* Mostly small, some medium, a few large: the shapes a kernel asks for. */
static size_t rand_size(void)
{
    uint64_t r = test_rand();
    switch (r % 16) {
    case 0: return (r >> 8) % 3;                       /* 0..2 */
    case 1: return (r >> 8) % 16384;
    case 2: return (r >> 8) % 32 == 0 ? (r >> 16) % 200000 : (r >> 16) % 1024;
    case 3: return (r >> 8) % 4096;
    default: return 1 + (r >> 8) % 256;
    }
}

static size_t rand_align(void)
{
    uint64_t r = test_rand() % 32;
    return r < 28 ? 16 : (size_t)1 << (5 + r % 4 * 3); /* 32 .. 16 KiB */
}

#define LIVE_MAX 4096

static int model_reports;

static void model_hook(const kalloc_report_t *r)
{
    (void)r;
    model_reports++;
}

/* (nops) random allocations, frees and reallocs on (h), each block filled
 * with its own pattern and checked in full before it is freed or moved. */
static void model(kalloc_heap_t *h, size_t nops)
{
    static blk_t live[LIVE_MAX];
    size_t nlive = 0, ops = 0, oom = 0;
    for (; ops < nops; ops++) {
        uint64_t r = test_rand() % 100;
        if (r < 50 && nlive < LIVE_MAX) {
            blk_t b = {NULL, rand_size(), rand_align(), test_rand()};
            b.p = kalloc_heap_alloc(h, b.size, b.align, __FILE__, __LINE__);
            if (!b.p) {
                oom++;
                continue;
            }
            CHECK(((uintptr_t)b.p & (b.align - 1)) == 0);
            CHECK(kalloc_heap_usable(h, b.p) >= b.size);
            fill(&b);
            live[nlive++] = b;
        } else if (r < 90 && nlive) {
            size_t i = test_rand() % nlive;
            if (!intact(&live[i], live[i].size)) {
                CHECK(!"a live block changed");
                return;
            }
            kalloc_heap_free(h, live[i].p, __FILE__, __LINE__);
            live[i] = live[--nlive];
        } else if (nlive) {
            blk_t *b = &live[test_rand() % nlive];
            size_t n = rand_size();
            uint8_t *q = kalloc_heap_realloc(h, b->p, n, __FILE__, __LINE__);
            if (!q) {
                oom++;
                continue;
            }
            b->p = q;
            if (!intact(b, n < b->size ? n : b->size)) {
                CHECK(!"realloc lost the common prefix");
                return;
            }
            b->size = n;
            b->align = 16;
            CHECK(((uintptr_t)q & 15) == 0);
            fill(b);
        }
        if (ops % 100000 == 0) {
            kalloc_stats_t s;
            kalloc_heap_stats(h, &s);
            uint64_t live_blocks = 0;
            for (unsigned c = 0; c < KALLOC_CLASSES; c++)
                live_blocks += s.cls[c].live;
            CHECK_EQ(live_blocks + s.large_live, nlive + h->qcount); /* quarantine */
            CHECK(s.held + s.free == s.total);
        }
    }
    for (size_t i = 0; i < nlive; i++) {
        CHECK(intact(&live[i], live[i].size));
        kalloc_heap_free(h, live[i].p, __FILE__, __LINE__);
    }
    kalloc_heap_trim(h);
    kalloc_stats_t s;
    kalloc_heap_stats(h, &s);
    printf("    %zu ops%s, %zu out-of-memory, peak held %llu KiB\n", ops,
           h->debug ? " (debug mode)" : "", oom, (unsigned long long)(s.peak_held >> 10));
    CHECK_EQ(s.held, 0);
    CHECK_EQ(s.in_use, 0);
    CHECK_EQ(s.largest_free, s.total); /* every run merged back */
}

TEST(model_random_ops_keep_every_byte)
{
    model(new_heap(48, false), 2000000);
}

/* The same in debug mode: its layout and quarantine must be invisible to
 * correct code (no report, same contents). */
TEST(model_in_debug_mode_reports_nothing)
{
    kalloc_heap_t *h = new_heap(48, true);
    h->report = model_hook;
    model_reports = 0;
    model(h, 200000);
    CHECK_EQ(model_reports, 0);
}

/* --- fragmentation ------------------------------------------------------- */

/* A live set of ~8 MiB of mixed sizes, replaced at random 500,000 times.
 * Overhead = (peak pages held - peak bytes asked for) / peak bytes asked
 * for; the stated bound is 25% (docs/alloc.md). */
TEST(fragmentation_stays_under_a_quarter)
{
    kalloc_heap_t *h = new_heap(64, false);
    static blk_t live[20000];
    size_t n = 0, bytes = 0, peak_bytes = 0;
    for (int step = 0; step < 500000; step++) {
        if (n < 20000 && (bytes < (8u << 20) || n == 0)) {
            size_t sz = rand_size();
            live[n].size = sz;
            live[n].p = kalloc_heap_alloc(h, sz, 16, __FILE__, __LINE__);
            CHECK(live[n].p != NULL);
            bytes += sz;
            n++;
        } else {
            size_t i = test_rand() % n;
            kalloc_heap_free(h, live[i].p, __FILE__, __LINE__);
            bytes -= live[i].size;
            live[i] = live[--n];
        }
        if (bytes > peak_bytes)
            peak_bytes = bytes;
    }
    kalloc_stats_t s;
    kalloc_heap_stats(h, &s);
    double over = ((double)s.peak_held - (double)peak_bytes) / (double)peak_bytes;
    printf("    peak asked %zu KiB, peak held %llu KiB: overhead %.1f%% (bound 25%%)\n",
           peak_bytes >> 10, (unsigned long long)(s.peak_held >> 10), over * 100);
    printf("    now: asked %zu KiB, blocks %llu KiB, held %llu KiB\n", bytes >> 10,
           (unsigned long long)(s.in_use >> 10), (unsigned long long)(s.held >> 10));
    CHECK(over < 0.25);
    for (size_t i = 0; i < n; i++)
        kalloc_heap_free(h, live[i].p, __FILE__, __LINE__);
}

TEST(running_out_returns_null_and_everything_comes_back)
{
    kalloc_heap_t *h = new_heap(4, false);
    static void *p[100000];
    size_t n = 0;
    while (n < 100000 && (p[n] = kalloc_heap_alloc(h, 1 + n % 3000, 16, __FILE__, __LINE__)))
        n++;
    CHECK(n > 1000 && n < 100000);
    CHECK(kalloc_heap_alloc(h, 1 << 20, 16, __FILE__, __LINE__) == NULL);
    for (size_t i = 0; i < n; i += 2)
        kalloc_heap_free(h, p[i], __FILE__, __LINE__);
    for (size_t i = 1; i < n; i += 2)
        kalloc_heap_free(h, p[i], __FILE__, __LINE__);
    kalloc_stats_t s;
    kalloc_heap_stats(h, &s);
    CHECK(s.held <= 2 * KALLOC_SPAN_MAX_PAGES * KALLOC_PAGE * 8); /* kept spans */
    /* A failing page allocation trims the kept spans: the whole heap fits. */
    void *all = kalloc_heap_alloc(h, (size_t)s.total, 16, __FILE__, __LINE__);
    CHECK(all != NULL);
    kalloc_heap_free(h, all, __FILE__, __LINE__);
    CHECK(kalloc_heap_alloc(h, (size_t)s.total + 1, 16, __FILE__, __LINE__) == NULL);
    CHECK(kalloc_heap_alloc(h, SIZE_MAX - 100, 16, __FILE__, __LINE__) == NULL);
}

TEST(alloc_free_pairs_do_not_grow_the_heap)
{
    kalloc_heap_t *h = new_heap(4, false);
    for (int i = 0; i < 10000; i++) {
        void *p = kalloc_heap_alloc(h, 100, 16, __FILE__, __LINE__);
        void *q = kalloc_heap_alloc(h, 100000, 16, __FILE__, __LINE__);
        kalloc_heap_free(h, p, __FILE__, __LINE__);
        kalloc_heap_free(h, q, __FILE__, __LINE__);
    }
    kalloc_stats_t s;
    kalloc_heap_stats(h, &s);
    CHECK_EQ(s.peak_held, (kalloc_class_pages(kalloc_class(100)) + 25) * KALLOC_PAGE);
    CHECK_EQ(s.in_use, 0);
}

/* --- the global heap ----------------------------------------------------- */

TEST(global_api_and_kmem_handover)
{
    void *boot = kmem_alloc(1000, 64);  /* before: the bump allocator */
    CHECK(boot != NULL && ((uintptr_t)boot & 63) == 0);
    kalloc_stats_t s0;
    kalloc_stats(&s0);
    CHECK(s0.total > (15u << 20) - (1u << 20));
    uint8_t *a = kmalloc(10);
    CHECK(a && ((uintptr_t)a & 15) == 0 && kmalloc_usable(a) >= 10);
    uint32_t *z = kcalloc(1000, sizeof *z);
    for (int i = 0; i < 1000; i++)
        CHECK(z[i] == 0);
    CHECK(kcalloc(SIZE_MAX / 2, 4) == NULL);
    memset(a, 7, 10);
    a = krealloc(a, 5000);
    CHECK(a && a[0] == 7 && a[9] == 7);
    void *al = kmalloc_aligned(100, 4096);
    CHECK(al && ((uintptr_t)al & 4095) == 0);
    void *big = kmalloc_aligned(300000, 1 << 16);
    CHECK(big && ((uintptr_t)big & 0xffff) == 0);
    uint8_t *pg = kpages(3);
    CHECK(pg && ((uintptr_t)pg & 4095) == 0 && pg[0] == 0 && pg[3 * 4096 - 1] == 0);
    void *after = kmem_alloc(100, 16);  /* after: served by kalloc, zeroed */
    CHECK(after && kpages_desc(kalloc_global(), after) != NULL);
    kalloc_stats_t s;
    kalloc_stats(&s);
    CHECK(s.in_use >= 10 + 4000 + 5000 + 300000 + 3 * 4096);
    kfree(a);
    kfree(z);
    kfree(al);
    kfree(big);
    kfree(pg);
    kfree(NULL);
    kalloc_trim();
    kalloc_stats(&s);
    CHECK_EQ(s.in_use, kalloc_class_size(kalloc_class(100))); /* kmem's */
    CHECK(FAKE_PANICS(kfree(boot)));     /* the boot allocator's: not ours */
    int x;
    CHECK(FAKE_PANICS(kfree(&x)));
    CHECK(strstr(fake_console(), "was not allocated by kmalloc"));
    kalloc_print_stats();
    CHECK(strstr(fake_console(), "kalloc: 0 KiB in use"));
}

/* --- debug mode ---------------------------------------------------------- */

static kalloc_report_t last;
static int nreports;

static void hook(const kalloc_report_t *r)
{
    last = *r;
    nreports++;
}

static kalloc_heap_t *debug_heap(void)
{
    kalloc_heap_t *h = new_heap(4, true);
    h->report = hook;
    nreports = 0;
    memset(&last, 0, sizeof last);
    return h;
}

#define ALLOC(h, n) kalloc_heap_alloc((h), (n), 16, __FILE__, __LINE__)
#define FREE(h, p) kalloc_heap_free((h), (p), __FILE__, __LINE__)

TEST(debug_clean_use_reports_nothing)
{
    kalloc_heap_t *h = debug_heap();
    for (int i = 0; i < 5000; i++) {
        size_t n = test_rand() % 5000;
        uint8_t *p = kalloc_heap_alloc(h, n, (size_t)16 << (i % 4), __FILE__, __LINE__);
        CHECK(p && kalloc_heap_usable(h, p) == n);
        memset(p, 0x55, n);
        FREE(h, p);
    }
    kalloc_heap_trim(h);
    CHECK_EQ(nreports, 0);
}

TEST(debug_catches_double_free)
{
    kalloc_heap_t *h = debug_heap();
    int la = __LINE__ + 1;
    void *p = ALLOC(h, 40);
    int lf = __LINE__ + 1;
    FREE(h, p);
    CHECK_EQ(nreports, 0);
    int ld = __LINE__ + 1;
    FREE(h, p);
    CHECK_EQ(nreports, 1);
    CHECK_EQ(last.kind, KALLOC_DOUBLE_FREE);
    CHECK(last.ptr == p && last.size == 40);
    CHECK(strcmp(last.file, __FILE__) == 0 && last.line == ld);
    CHECK(last.alloc_line == la && last.free_line == lf);
    /* Still caught after the block left the quarantine. */
    kalloc_dbg_flush(h);
    FREE(h, p);
    CHECK_EQ(nreports, 2);
    CHECK_EQ(last.kind, KALLOC_DOUBLE_FREE);
}

TEST(debug_catches_overrun_and_underrun)
{
    kalloc_heap_t *h = debug_heap();
    int la = __LINE__ + 1;
    uint8_t *p = ALLOC(h, 24);
    p[24] = 1;                          /* one byte past the end */
    int lf = __LINE__ + 1;
    FREE(h, p);
    CHECK_EQ(nreports, 1);
    CHECK_EQ(last.kind, KALLOC_OVERRUN);
    CHECK(last.ptr == p && last.line == lf && last.alloc_line == la);
    p = kalloc_heap_alloc(h, 3000, 256, __FILE__, __LINE__);
    p[-1] = 0;                          /* one before the start */
    FREE(h, p);
    CHECK_EQ(nreports, 2);
    CHECK_EQ(last.kind, KALLOC_OVERRUN);
    p = ALLOC(h, 200000);               /* a large run: canary to its end */
    p[200000 + 100] = 0;
    FREE(h, p);
    CHECK_EQ(nreports, 3);
    CHECK_EQ(last.kind, KALLOC_OVERRUN);
}

TEST(debug_catches_write_after_free)
{
    kalloc_heap_t *h = debug_heap();
    int la = __LINE__ + 1;
    uint8_t *p = ALLOC(h, 64);
    int lf = __LINE__ + 1;
    FREE(h, p);
    p[10] = 0;                          /* write after free */
    kalloc_dbg_flush(h);                /* leaves the quarantine: checked */
    CHECK_EQ(nreports, 1);
    CHECK_EQ(last.kind, KALLOC_USE_AFTER_FREE);
    CHECK(last.ptr == p && last.alloc_line == la && last.free_line == lf);
    /* A write after the quarantine: caught when the block is reused. */
    uint8_t *q = ALLOC(h, 64);
    FREE(h, q);
    kalloc_dbg_flush(h);
    q[63] = 1;
    int lr = __LINE__ + 1;
    uint8_t *r = ALLOC(h, 64);
    CHECK(r == q);                      /* the same block came back */
    CHECK_EQ(nreports, 2);
    CHECK_EQ(last.kind, KALLOC_USE_AFTER_FREE);
    CHECK(last.line == lr);
}

TEST(debug_catches_bad_frees)
{
    kalloc_heap_t *h = debug_heap();
    uint8_t *p = ALLOC(h, 64);
    FREE(h, p + 16);                    /* interior pointer */
    CHECK_EQ(nreports, 1);
    CHECK_EQ(last.kind, KALLOC_BAD_FREE);
    int x;
    FREE(h, &x);                        /* not in the heap */
    CHECK_EQ(nreports, 2);
    CHECK_EQ(last.kind, KALLOC_BAD_FREE);
    FREE(h, p);
    CHECK_EQ(nreports, 2);
}

/* No hook: the boot argument turns debug mode on, and a detection prints
 * the sites and panics. */
TEST(debug_boot_argument_reports_and_panics)
{
    fake_boot("kalloc_debug=1");
    CHECK(kalloc_global()->debug);
    char *p = kmalloc(32);
    kfree(p);
    int line = __LINE__ + 1;
    CHECK(FAKE_PANICS(kfree(p)));
    char want[128];
    snprintf(want, sizeof want, "%s:%d", __FILE__, line);
    CHECK(strstr(fake_console(), "double free"));
    CHECK(strstr(fake_console(), want));
    CHECK(strstr(fake_console(), "kalloc: debug mode"));
}
