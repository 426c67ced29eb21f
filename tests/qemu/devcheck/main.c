/* devcheck: a test application that drives the device services the way the
 * echo app does not. Built by tests/qemu/run.py with APP=../tests/qemu/devcheck
 * and booted on every row. It prints "devcheck: ok NAME" or
 * "devcheck: FAIL NAME: why" per check, then "devcheck: done N failed" and
 * shuts down with code 0 (all passed) or 1.
 *
 *   validate   ksubmit refuses malformed block requests (kblk.h) and unknown
 *              devices without side effects
 *   rng        reads of 0, 1, 4097 and 65536 bytes, submitted together
 *   blk        BLK_REQS multi-segment writes submitted at once (more than the
 *              ring holds: the driver queues the rest), one more queued and
 *              cancelled, a flush, then a read-back with other segmentation.
 *              The host then checks the image file (pattern below) and that
 *              the cancelled write never reached it.
 *   net        MAC, link and MTU from the device
 *   alloc      the allocator through all of memory: blocks of mixed sizes
 *              until nothing is left, each filled with a pattern of its
 *              address and checked, freed in two interleaved passes; then
 *              the heap must be back where it started with every free
 *              run merged (one allocation of the largest run succeeds)
 *
 * Disk pattern: byte at absolute offset o is (o/512 * 7 + o%512 * 13 + 5)
 * & 0xff for sectors BLK_FIRST .. BLK_FIRST + BLK_REQS*4 - 1. */
#include "lib/kstring.h"
#include "mote/kalloc.h"
#include "mote/mote.h"

#define BLK_FIRST 8
#define BLK_REQS 64
#define BLK_SECTORS 4 /* per request */
#define CANCEL_SECTOR 1000

static unsigned failed;

static void report(const char *name, int ok, const char *why)
{
    if (ok)
        printk(KLOG_INFO, "devcheck: ok %s", name);
    else
        printk(KLOG_ERR, "devcheck: FAIL %s: %s", name, why);
    failed += !ok;
}

static uint8_t pattern(uint64_t o)
{
    return (uint8_t)((o / 512) * 7 + (o % 512) * 13 + 5);
}

/* --- validation --------------------------------------------------------- */

static _Alignas(16) uint8_t vbuf[4096];

static void never(kwork_t *w)
{
    (void)w;
    kpanic("devcheck: a refused request completed");
}

static kerr_t try_blk(kop_t op, uint32_t dev, uint64_t sector, kseg_t *segs,
                      uint32_t nsegs)
{
    static kblk_req_t r;
    kblk_req_init(&r, op, dev, sector, segs, nsegs, never, NULL);
    kerr_t err = ksubmit(&r.work);
    if (err == KERR_OK)
        kpanic("devcheck: a malformed request was accepted");
    return err;
}

static void check_validation(const kblk_info_t *info)
{
    kseg_t seg[KBLK_MAX_SEGS + 1];
    for (unsigned i = 0; i <= KBLK_MAX_SEGS; i++)
        seg[i] = (kseg_t){ vbuf, info->sector_size };
    kseg_t odd = { vbuf + 1, info->sector_size };
    kseg_t short_len = { vbuf, 100 };
    kseg_t two = { vbuf, 2 * info->sector_size };
    int ok = try_blk(KOP_BLK_READ, 0, 0, &odd, 1) == KERR_INVALID &&
             try_blk(KOP_BLK_READ, 0, 0, &short_len, 1) == KERR_INVALID &&
             try_blk(KOP_BLK_READ, 0, info->sectors - 1, &two, 1) == KERR_INVALID &&
             try_blk(KOP_BLK_READ, 0, 0, seg, 0) == KERR_INVALID &&
             try_blk(KOP_BLK_WRITE, 0, 0, seg, KBLK_MAX_SEGS + 1) == KERR_INVALID &&
             try_blk(KOP_BLK_FLUSH, 0, 0, seg, 1) == KERR_INVALID &&
             try_blk(KOP_BLK_READ, 7, 0, seg, 1) == KERR_NO_DEVICE;
    report("validate-blk", ok, "a malformed request got the wrong error");
    kblk_info_t bi;
    knet_info_t ni;
    report("validate-dev", kblk_info(3, &bi) == KERR_NO_DEVICE &&
                               knet_info(3, &ni) == KERR_NO_DEVICE,
           "info for device 3 did not say KERR_NO_DEVICE");
}

/* --- rng ---------------------------------------------------------------- */

static const uint32_t rng_len[4] = { 0, 1, 4097, 65536 };
static krng_req_t rng[4];
static uint8_t rng_buf[4][65536];
static unsigned rng_left;
static void blk_start(void);

static void rng_done(kwork_t *w)
{
    krng_req_t *r = KCONTAINER_OF(w, krng_req_t, work);
    unsigned zero = 0;
    for (uint32_t i = 0; i < r->len; i++)
        zero += ((uint8_t *)r->buf)[i] == 0;
    char name[32];
    ksnprintf(name, sizeof name, "rng-%u", (unsigned)r->len);
    /* A random buffer has ~len/256 zero bytes; all-zero means unfilled. */
    report(name, w->result == KERR_OK && (r->len < 64 || zero < r->len / 16),
           w->result ? kerr_str(w->result) : "buffer not filled");
    if (--rng_left == 0)
        blk_start();
}

static void rng_start(void)
{
    rng_left = 4;
    for (unsigned i = 0; i < 4; i++) {
        krng_req_init(&rng[i], rng_buf[i], rng_len[i], rng_done, NULL);
        kerr_t err = ksubmit(&rng[i].work);
        if (err) {
            report("rng-submit", 0, kerr_str(err));
            kshutdown(1);
            return;
        }
    }
}

/* --- blk ---------------------------------------------------------------- */

typedef struct breq {
    kblk_req_t req;
    kseg_t seg[4];
} breq_t;

static breq_t wr[BLK_REQS], rd[BLK_REQS], cancelled, flush;
static _Alignas(16) uint8_t wbuf[BLK_REQS][BLK_SECTORS * 512];
static _Alignas(16) uint8_t rbuf[BLK_REQS][BLK_SECTORS * 512];
static _Alignas(16) uint8_t cbuf[512];
static unsigned blk_left, blk_errors;
static void net_check(void);

static void read_done(kwork_t *w)
{
    blk_errors += w->result != KERR_OK;
    if (--blk_left)
        return;
    int same = 1;
    for (unsigned i = 0; i < BLK_REQS; i++)
        same &= memcmp(wbuf[i], rbuf[i], sizeof wbuf[i]) == 0;
    report("blk-readback", !blk_errors && same,
           blk_errors ? "a read failed" : "data read back differs");
    net_check();
}

static void flush_done(kwork_t *w)
{
    report("blk-flush", w->result == KERR_OK, kerr_str(w->result));
    blk_left = BLK_REQS;
    blk_errors = 0;
    for (unsigned i = 0; i < BLK_REQS; i++) {
        breq_t *b = &rd[i];
        for (unsigned k = 0; k < BLK_SECTORS; k++) /* 4 x 512 this time */
            b->seg[k] = (kseg_t){ rbuf[i] + 512 * k, 512 };
        kblk_req_init(&b->req, KOP_BLK_READ, 0, BLK_FIRST + BLK_SECTORS * i, b->seg,
                      BLK_SECTORS, read_done, NULL);
        if (ksubmit(&b->req.work))
            kpanic("devcheck: read submit");
    }
}

static void write_done(kwork_t *w)
{
    if (w == &cancelled.req.work) {
        report("blk-cancel-queued", w->result == KERR_CANCELLED, kerr_str(w->result));
    } else {
        blk_errors += w->result != KERR_OK;
    }
    if (--blk_left)
        return;
    report("blk-write-queued", blk_errors == 0, "a write failed");
    kblk_req_init(&flush.req, KOP_BLK_FLUSH, 0, 0, NULL, 0, flush_done, NULL);
    if (ksubmit(&flush.req.work))
        kpanic("devcheck: flush submit");
}

static void blk_start(void)
{
    kblk_info_t info;
    if (kblk_info(0, &info) != KERR_OK || info.sector_size != 512) {
        report("blk-info", 0, "no 512-byte-sector disk");
        net_check();
        return;
    }
    check_validation(&info);
    blk_left = BLK_REQS + 1;
    for (unsigned i = 0; i < BLK_REQS; i++) {
        breq_t *b = &wr[i];
        uint64_t sector = BLK_FIRST + BLK_SECTORS * i;
        for (unsigned k = 0; k < sizeof wbuf[i]; k++)
            wbuf[i][k] = pattern(sector * 512 + k);
        /* 3 segments: 512 + 1024 + 512 */
        b->seg[0] = (kseg_t){ wbuf[i], 512 };
        b->seg[1] = (kseg_t){ wbuf[i] + 512, 1024 };
        b->seg[2] = (kseg_t){ wbuf[i] + 1536, 512 };
        kblk_req_init(&b->req, KOP_BLK_WRITE, 0, sector, b->seg, 3, write_done, NULL);
        if (ksubmit(&b->req.work))
            kpanic("devcheck: write submit");
    }
    /* The ring is full by now: this one waits in the driver, so it can be
     * retracted, and the host checks it never reached the disk. */
    memset(cbuf, 0xee, sizeof cbuf);
    cancelled.seg[0] = (kseg_t){ cbuf, 512 };
    kblk_req_init(&cancelled.req, KOP_BLK_WRITE, 0, CANCEL_SECTOR, cancelled.seg, 1,
                  write_done, NULL);
    if (ksubmit(&cancelled.req.work) || kcancel(&cancelled.req.work))
        kpanic("devcheck: cancel submit");
}

/* --- alloc -------------------------------------------------------------- */

/* Blocks are chained through their first word (the test needs no memory
 * of its own); one word in every page of a block, and its last word, hold
 * address ^ ALLOC_KEY. Not every word: x64 under KVM takes ~15 us per
 * store here, so a full fill of 128 MiB would take minutes (the host model
 * test, tests/unit/kalloc_test.c, checks every byte). */
#define ALLOC_STRIDE (KALLOC_PAGE / sizeof(uintptr_t))
#define ALLOC_KEY ((uintptr_t)0x5a17c3e9u)
static const size_t alloc_sizes[] = { 1 << 20, 70000, 5000, 1000, 100, 16 };

static void alloc_fill(uintptr_t *b, size_t n)
{
    size_t last = n / sizeof *b - 1;
    for (size_t i = 1; i < last; i += ALLOC_STRIDE)
        b[i] = (uintptr_t)&b[i] ^ ALLOC_KEY;
    b[last] = (uintptr_t)&b[last] ^ ALLOC_KEY;
}

static int alloc_intact(const uintptr_t *b, size_t n)
{
    size_t last = n / sizeof *b - 1;
    for (size_t i = 1; i < last; i += ALLOC_STRIDE)
        if (b[i] != ((uintptr_t)&b[i] ^ ALLOC_KEY))
            return 0;
    return b[last] == ((uintptr_t)&b[last] ^ ALLOC_KEY);
}

/* Allocate until even the smallest size fails; returns the chain, with
 * the count and bytes in (*count, *bytes). */
static uintptr_t *alloc_all(size_t *count, size_t *bytes)
{
    uintptr_t *head = NULL;
    unsigned k = 0, big = 0;
    for (;;) {
        size_t n = alloc_sizes[k];
        uintptr_t *b = kmalloc(n);
        if (!b) {
            if (++k == sizeof alloc_sizes / sizeof *alloc_sizes)
                return head;
            continue;
        }
        alloc_fill(b, kmalloc_usable(b));
        b[0] = (uintptr_t)head;
        head = b;
        (*count)++;
        *bytes += n;
        if (k == 0 && ++big % 4 == 0) /* mix: some small ones between big */
            for (unsigned i = 1; i < 6; i++)
                if ((b = kmalloc(alloc_sizes[i]))) {
                    alloc_fill(b, kmalloc_usable(b));
                    b[0] = (uintptr_t)head;
                    head = b;
                    (*count)++;
                    *bytes += alloc_sizes[i];
                }
    }
}

static void alloc_check(void)
{
    kalloc_stats_t s0, s;
    kalloc_trim();
    kalloc_stats(&s0);
    size_t count = 0, bytes = 0, bad = 0, freed = 0;
    uintptr_t *head = alloc_all(&count, &bytes);
    kalloc_stats(&s);
    int exhausted = s.free == 0; /* 16 bytes failed: not one page left */
    /* Two passes: every other block, then the rest, so that freed runs
     * have to merge with neighbours freed earlier. */
    for (int pass = 0; pass < 2; pass++) {
        uintptr_t **link = &head;
        for (size_t i = 0; *link; i++) {
            uintptr_t *b = *link;
            if (pass == 0 && i % 2) {
                link = (uintptr_t **)&b[0];
                continue;
            }
            bad += !alloc_intact(b, kmalloc_usable(b));
            *link = (uintptr_t *)b[0];
            kfree(b);
            freed++;
        }
    }
    kalloc_trim();
    kalloc_stats(&s);
    /* The largest run, less room for debug mode's header and canaries
     * (boot argument kalloc_debug=1). */
    void *all = kmalloc((size_t)s.largest_free - KALLOC_PAGE);
    printk(KLOG_INFO, "devcheck: alloc %zu blocks, %zu KiB of %llu KiB; largest run after %llu KiB",
           count, bytes >> 10, (unsigned long long)(s0.total >> 10),
           (unsigned long long)(s.largest_free >> 10));
    report("alloc", count > 100 && exhausted && bad == 0 && freed == count &&
                        s.held == s0.held && s.free == s0.free && all != NULL,
           bad ? "a block's pattern changed" : !exhausted ? "memory left after exhaustion"
           : "the heap did not come back as it was");
    kfree(all);
}

/* --- net ---------------------------------------------------------------- */

static void net_check(void)
{
    knet_info_t ni;
    static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    kerr_t err = knet_info(0, &ni);
    report("net-info", err == KERR_OK && memcmp(ni.mac, qemu_mac, 6) == 0 &&
                           ni.link_up && ni.mtu == 1500,
           err ? kerr_str(err) : "unexpected MAC, link or MTU");
    alloc_check();
    printk(KLOG_INFO, "devcheck: done %u failed", failed);
    kshutdown(failed ? 1 : 0);
}

void app_main(void)
{
    rng_start();
}
