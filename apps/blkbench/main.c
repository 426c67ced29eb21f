/* blkbench: raw block device throughput and latency through the kernel's
 * request path, for bench/blk (hosted: the io_uring and epoll back ends).
 *
 * Phases, each for secs= seconds (default 2) with qd= requests in flight
 * (default 32), on random bs=-byte blocks (default 4096) of the first
 * span= MiB of device 0 (default 256, at most the device):
 *   randread   reads
 *   randwrite  writes (no flush: they may sit in the host's cache)
 *   commit     qd writes, then one flush, then again: a durable batch
 * One line per phase:
 *   blkbench: PHASE qd=N bs=N ops_per_s=N p50_us=N p99_us=N
 * (commit counts written blocks; its latency is per batch.) Ends with
 * "blkbench: done" and exits 0, or exits 1 on any I/O error. */
#include "lib/kstring.h"
#include "mote/mote.h"

#define MAX_QD 256
#define MAX_BS 65536
#define MAX_SAMPLES (1u << 18)

typedef struct slot {
    kblk_req_t req;
    kseg_t seg;
    uint64_t t0;
} slot_t;

static slot_t slots[MAX_QD];
static _Alignas(4096) uint8_t bufs[MAX_QD][MAX_BS];
static kblk_req_t flush_req;
static uint32_t lat_us[MAX_SAMPLES];
static uint32_t nlat;

static struct {
    unsigned qd, bs, phase, live;
    uint64_t blocks, t_start, t_end, ops, batch_t0;
    uint64_t rng;
    kblk_info_t info;
} b;

static const char *const phases[] = {"randread", "randwrite", "commit"};

static void next_phase(void);
static void issue(slot_t *s);

static uint64_t rnd(void)
{
    b.rng ^= b.rng << 13, b.rng ^= b.rng >> 7, b.rng ^= b.rng << 17;
    return b.rng;
}

static void sample(uint64_t ns)
{
    if (nlat < MAX_SAMPLES)
        lat_us[nlat++] = (uint32_t)(ns / 1000u);
}

static void fail(const char *what, kerr_t err)
{
    printk(KLOG_ERR, "blkbench: %s failed: %s", what, kerr_str(err));
    kshutdown(1);
}

/* Counting sort is overkill; a small insertion-free selection is enough:
 * sort the samples with a shell sort (no allocation). */
static void sort_samples(void)
{
    for (uint32_t gap = nlat / 2; gap; gap /= 2)
        for (uint32_t i = gap; i < nlat; i++)
            for (uint32_t j = i; j >= gap && lat_us[j - gap] > lat_us[j]; j -= gap) {
                uint32_t t = lat_us[j];
                lat_us[j] = lat_us[j - gap];
                lat_us[j - gap] = t;
            }
}

static void report(void)
{
    uint64_t ns = ktime_now() - b.t_start;
    sort_samples();
    uint32_t p50 = nlat ? lat_us[nlat / 2] : 0, p99 = nlat ? lat_us[nlat * 99 / 100] : 0;
    printk(KLOG_INFO, "blkbench: %s qd=%u bs=%u ops_per_s=%llu p50_us=%u p99_us=%u",
           phases[b.phase], b.qd, b.bs, (unsigned long long)(b.ops * KTIME_S / ns), p50, p99);
}

static void flushed(kwork_t *w)
{
    b.live--;
    if (w->result) {
        fail("flush", w->result);
        return;
    }
    sample(ktime_now() - b.batch_t0);
    if (ktime_now() >= b.t_end) {
        report();
        next_phase();
        return;
    }
    b.batch_t0 = ktime_now();
    for (unsigned i = 0; i < b.qd; i++)
        issue(&slots[i]);
}

static void done(kwork_t *w)
{
    slot_t *s = w->ctx;
    b.live--;
    if (w->result) {
        fail(phases[b.phase], w->result);
        return;
    }
    b.ops++;
    if (b.phase == 2) { /* commit: flush once the whole batch is written */
        if (b.live == 0) {
            kblk_req_init(&flush_req, KOP_BLK_FLUSH, 0, 0, NULL, 0, flushed, NULL);
            kerr_t err = ksubmit(&flush_req.work);
            if (err) {
                fail("flush", err);
                return;
            }
            b.live++;
        }
        return;
    }
    sample(ktime_now() - s->t0);
    if (ktime_now() < b.t_end)
        issue(s);
    else if (b.live == 0) {
        report();
        next_phase();
    }
}

static void issue(slot_t *s)
{
    uint64_t per = b.bs / b.info.sector_size;
    s->seg.buf = bufs[s - slots];
    s->seg.len = b.bs;
    kblk_req_init(&s->req, b.phase == 0 ? KOP_BLK_READ : KOP_BLK_WRITE, 0,
                  (rnd() % b.blocks) * per, &s->seg, 1, done, s);
    s->t0 = ktime_now();
    kerr_t err = ksubmit(&s->req.work);
    if (err) {
        fail("submit", err);
        return;
    }
    b.live++;
}

static void next_phase(void)
{
    static int started;
    if (started)
        b.phase++;
    started = 1;
    if (b.phase == 3) {
        printk(KLOG_INFO, "blkbench: done");
        kshutdown(0);
        return;
    }
    nlat = 0;
    b.ops = 0;
    b.t_start = b.batch_t0 = ktime_now();
    b.t_end = b.t_start + kargs_get_ulong("secs", 2) * KTIME_S;
    for (unsigned i = 0; i < b.qd; i++)
        issue(&slots[i]);
}

void app_main(void)
{
    b.qd = (unsigned)kargs_get_ulong("qd", 32);
    b.bs = (unsigned)kargs_get_ulong("bs", 4096);
    b.rng = 0x9e3779b97f4a7c15u;
    if (kblk_info(0, &b.info) != KERR_OK || b.info.read_only) {
        printk(KLOG_ERR, "blkbench: needs a writable block device 0 (drive=)");
        kshutdown(1);
        return;
    }
    if (b.qd < 1 || b.qd > MAX_QD || b.bs < b.info.sector_size || b.bs > MAX_BS ||
        b.bs % b.info.sector_size) {
        printk(KLOG_ERR, "blkbench: bad qd=%u or bs=%u", b.qd, b.bs);
        kshutdown(1);
        return;
    }
    uint64_t span = (uint64_t)kargs_get_ulong("span", 256) << 20;
    uint64_t dev = b.info.sectors * b.info.sector_size;
    b.blocks = (span < dev ? span : dev) / b.bs;
    for (unsigned i = 0; i < MAX_QD; i++)
        memset(bufs[i], (int)i, sizeof bufs[i]);
    next_phase();
}
