/* bench/kv: the mote KV store against LMDB, side by side in one run, on
 * the same file system with the same durability (every commit flushed).
 *
 * This is a mote application (hosted platform): the store runs on block
 * device 0, a file whose flush is fdatasync. Phases: load n keys (commits
 * of 1000), random reads (64 in flight), single-put durable commits,
 * batched commits of `batch` puts, a full scan. Then lmdb_side.c runs the
 * same workload on LMDB in the same process, and one markdown table row
 * per phase is printed. Boot arguments: n reads singles batches batch vlen
 * lmdb=<path> cache=<pages>.
 */
#include "bench/kv/lmdb_side.h"
#include "lib/kstring.h"
#include "mote/kv.h"
#include "mote/mote.h"

#define DEPTH  64
#define MAXLAT (1u << 20)
#define MEM    (160u << 20)

enum { P_LOAD, P_READ, P_SINGLE, P_BATCH, P_SCAN, P_READ1, P_DONE };

static struct {
    kv_store_t kv;
    kv_config_t cfg;
    kv_req_t open, commit, scan;
    kv_txn_t txn;
    kv_req_t req[DEPTH];
    char key[DEPTH][17];
    _Alignas(8) char val[DEPTH][4096];
    uint64_t t_sub[DEPTH];
    uint32_t n, reads, singles, batches, batch, vlen;
    int phase;
    uint32_t issued, done, target, commits, inflight, gi, gd, committing;
    uint64_t t0, c0, w0, cpu0;
    kvb_result_t res[6];
    uint32_t depth, round;
} b;

static uint64_t lat[MAXLAT];
static _Alignas(4096) uint8_t mem[MEM];
static _Alignas(8) uint8_t scanbuf[256 << 10];
static uint64_t rng = 12345;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng >> 33) % n);
}

static void next_phase(void);
static void fill(void);

static double secs(void)
{
    return (double)(ktime_now() - b.t0) / 1e9;
}

static void fail(const char *what, kerr_t e)
{
    printk(KLOG_ERR, "kvbench: %s: %s", what, kerr_str(e));
    kshutdown(1);
}

static void commit_done(kwork_t *w)
{
    if (w->result) {
        fail("commit", w->result);
        return;
    }
    if (b.phase == P_SINGLE || b.phase == P_BATCH)
        lat[b.commits] = ktime_now() - b.c0;
    b.commits++;
    b.committing = 0;
    fill();
}

static void commit(void)
{
    kv_req_init(&b.commit, KOP_KV_COMMIT, &b.kv, commit_done, NULL);
    b.commit.txn = &b.txn;
    kerr_t e = ksubmit(&b.commit.work);
    if (e)
        fail("commit submit", e);
}

static void op_done(kwork_t *w)
{
    uint32_t i = (uint32_t)(uintptr_t)w->ctx;
    if (w->result) {
        fail(b.phase == P_READ || b.phase == P_READ1 ? "get" : "put",
             w->result);
        return;
    }
    if (b.phase == P_READ || b.phase == P_READ1)
        lat[b.done] = ktime_now() - b.t_sub[i];
    b.done++;
    b.gd++;
    b.inflight--;
    fill();
}

/* Submit slot (i) as the next get or put. */
static void issue(uint32_t i)
{
    kv_req_t *r = &b.req[i];
    int get = b.phase == P_READ || b.phase == P_READ1;
    uint32_t k = b.phase == P_LOAD ? b.issued : rnd(b.n);
    kv_req_init(r, get ? KOP_KV_GET : KOP_KV_PUT, &b.kv, op_done,
                (void *)(uintptr_t)i);
    kvb_key(k, b.key[i]);
    r->key = b.key[i];
    r->klen = 16;
    if (get) {
        r->buf = b.val[i];
        r->cap = sizeof b.val[i];
    } else {
        kvb_val(k, b.commits + 1, b.val[i], b.vlen);
        r->txn = &b.txn;
        r->val = b.val[i];
        r->vlen = b.vlen;
    }
    b.issued++;
    b.inflight++;
    b.t_sub[i] = ktime_now();
    kerr_t e = ksubmit(&r->work);
    if (e)
        fail("submit", e);
}

/* Size of write group (commit) number (g) of the phase. */
static uint32_t group_size(uint32_t g)
{
    if (b.phase == P_LOAD)
        return b.n - g * 1000 < 1000 ? b.n - g * 1000 : 1000;
    return b.phase == P_SINGLE ? 1 : b.batch;
}

static uint32_t group(void)
{
    return b.phase == P_SINGLE ? 1 : b.batch;
}

/* Keep DEPTH requests in flight; after each write group, commit it. */
static void fill(void)
{
    if (b.phase == P_READ || b.phase == P_READ1) {
        while (b.inflight < b.depth && b.issued < b.target)
            issue(b.issued % DEPTH);
        if (b.done == b.target)
            next_phase();
        return;
    }
    if (b.committing)
        return;
    if (b.commits == b.target) {
        next_phase();
        return;
    }
    uint32_t gsize = group_size(b.commits);
    if (!b.txn.open) {
        kerr_t e = kv_begin(&b.kv, &b.txn, 1);
        if (e) {
            fail("begin", e);
            return;
        }
        b.c0 = ktime_now();
        b.gi = b.gd = 0;
    }
    while (b.inflight < DEPTH && b.gi < gsize) {
        b.gi++;
        issue(b.issued % DEPTH);
    }
    if (b.gd == gsize && b.inflight == 0) {
        b.committing = 1;
        commit();
    }
}

static void scan_done(kwork_t *w)
{
    if (w->result) {
        fail("scan", w->result);
        return;
    }
    b.done += b.scan.found;
    if (b.scan.found == 0) {
        next_phase();
        return;
    }
    /* Continue after the last key: copy it, append a 0 byte. */
    uint32_t off = 0, kl = 0, vl, last = 0;
    const uint8_t *k, *v;
    while (kv_scan_rec(scanbuf, b.scan.used, &off, &k, &kl, &v, &vl) == KERR_OK)
        last = (uint32_t)(k - scanbuf);
    static char start[KV_MAX_KEY + 1];
    memcpy(start, scanbuf + last, kl);
    start[kl] = 0;
    kv_req_init(&b.scan, KOP_KV_SCAN, &b.kv, scan_done, NULL);
    b.scan.key = start;
    b.scan.klen = kl + 1;
    b.scan.buf = scanbuf;
    b.scan.cap = sizeof scanbuf;
    ksubmit(&b.scan.work);
}

#define ROUNDS 5

static kvb_result_t lres[6];

static int slot_of(int phase)
{
    return phase == P_LOAD ? 4 : phase == P_READ1 ? 5 : phase - 1;
}

/* The same phase on LMDB, right after ours: both see the same machine. */
static int lmdb_phase(kvb_result_t *l)
{
    switch (b.phase) {
    case P_LOAD: return kvb_lmdb_phase(KVB_LOAD, b.n, 0, 0, b.vlen, l);
    case P_READ:
    case P_READ1: return kvb_lmdb_phase(KVB_READ, b.n, b.target, 0, b.vlen, l);
    case P_SINGLE:
    case P_BATCH:
        return kvb_lmdb_phase(KVB_WRITE, b.n, b.target, group(), b.vlen, l);
    default: return kvb_lmdb_phase(KVB_SCAN, b.n, 0, 0, b.vlen, l);
    }
}

/* Our result of the phase (or read round) just done into (r). */
static void measure(kvb_result_t *r)
{
    double s = secs();
    double cpu = (double)(kvb_cpu_ns() - b.cpu0);
    double bytes = (double)(16 + b.vlen);
    switch (b.phase) {
    case P_LOAD:
        r->ops_per_s = b.n / s;
        r->write_amp = (double)(kvb_wchar() - b.w0) / (b.n * bytes);
        break;
    case P_READ:
    case P_READ1:
        r->cpu_ops_per_s = b.target / (cpu / 1e9); /* before the sort */
        kvb_stats(lat, b.target, s, r);
        break;
    case P_SINGLE:
    case P_BATCH:
        kvb_stats(lat, b.commits, s, r);
        r->ops_per_s = (double)b.commits * group() / s;
        r->write_amp =
            (double)(kvb_wchar() - b.w0) / (b.commits * group() * bytes);
        break;
    default: r->ops_per_s = b.done / s; break;
    }
}

/* Reads run in ROUNDS alternating rounds (ours, LMDB's); each side keeps
 * its best round. Returns 1 if another round follows. */
static int finish_phase(void)
{
    kvb_result_t r = {0}, l = {0};
    int slot = slot_of(b.phase);
    measure(&r);
    if (lmdb_phase(&l)) {
        fail("lmdb", KERR_IO);
        return 1;
    }
    int reads = b.phase == P_READ || b.phase == P_READ1;
    if (!reads || r.ops_per_s > b.res[slot].ops_per_s)
        b.res[slot] = r;
    if (!reads || l.ops_per_s > lres[slot].ops_per_s)
        lres[slot] = l;
    if (r.cpu_ops_per_s > b.res[slot].cpu_ops_per_s) /* best round each */
        b.res[slot].cpu_ops_per_s = r.cpu_ops_per_s;
    if (l.cpu_ops_per_s > lres[slot].cpu_ops_per_s)
        lres[slot].cpu_ops_per_s = l.cpu_ops_per_s;
    return reads && ++b.round < ROUNDS;
}

static void report(void)
{
    kputs("| phase | mote ops/s | LMDB ops/s | mote/LMDB | mote p99 us | LMDB "
          "p99 us | mote WA | LMDB WA |\n");
    kputs("|---|---|---|---|---|---|---|---|\n");
    const char *names[6] = {
        "random read (64 in flight)",      "put + durable commit",
        "batched commit of 100 (per put)", "full scan (records)",
        "load (1000 per commit)",          "random read (1 in flight)"};
    static const int order[6] = {4, 0, 5, 1, 2, 3};
    for (int i = 0; i < 6; i++)
        kvb_print(names[order[i]], &b.res[order[i]], &lres[order[i]]);
    kv_stats_t st;
    kv_stats(&b.kv, &st);
    printk(KLOG_INFO, "kvbench: mote store: %u pages used of %u, high water %u",
           st.used_pages, st.npages, st.high_water);
    printk(KLOG_INFO,
           "kvbench: mote store: %llu pages written in %llu write requests, "
           "%llu flushes, %llu pages read",
           (unsigned long long)st.page_writes,
           (unsigned long long)st.write_reqs, (unsigned long long)st.flushes,
           (unsigned long long)st.page_reads);
    kvb_lmdb_close();
    kshutdown(0);
}

static void start_round(void)
{
    b.issued = b.done = b.commits = b.inflight = 0;
    b.c0 = 0;
    b.t0 = ktime_now();
    b.w0 = kvb_wchar();
    b.cpu0 = kvb_cpu_ns();
}

static void next_phase(void)
{
    if (finish_phase()) {
        start_round(); /* another read round */
        fill();
        return;
    }
    b.phase++;
    b.round = 0;
    start_round();
    switch (b.phase) {
    case P_READ: b.target = b.reads / ROUNDS; break;
    case P_READ1:
        b.target = b.reads / 4 / ROUNDS;
        b.depth = 1;
        break;
    case P_SINGLE: b.target = b.singles; break;
    case P_BATCH: b.target = b.batches; break;
    case P_SCAN:
        kv_req_init(&b.scan, KOP_KV_SCAN, &b.kv, scan_done, NULL);
        b.scan.buf = scanbuf;
        b.scan.cap = sizeof scanbuf;
        ksubmit(&b.scan.work);
        return;
    default: report(); return;
    }
    fill();
}

static void open_done(kwork_t *w)
{
    if (w->result) {
        fail("open", w->result);
        return;
    }
    b.phase = P_LOAD;
    b.target = (b.n + 999) / 1000;
    b.t0 = ktime_now();
    b.w0 = kvb_wchar();
    fill();
}

void app_main(void)
{
    b.n = (uint32_t)kargs_get_ulong("n", 100000);
    b.reads = (uint32_t)kargs_get_ulong("reads", 200000);
    b.singles = (uint32_t)kargs_get_ulong("singles", 1000);
    b.batches = (uint32_t)kargs_get_ulong("batches", 100);
    b.batch = (uint32_t)kargs_get_ulong("batch", 100);
    b.vlen = (uint32_t)kargs_get_ulong("vlen", 100);
    b.depth = DEPTH;
    if (b.reads > MAXLAT || b.singles > MAXLAT || b.vlen > 4096) {
        fail("arguments", KERR_INVALID);
        return;
    }
    const char *path = kargs_get("lmdb");
    if (kvb_lmdb_open(path ? path : "build/kvbench.lmdb", 12345, MAXLAT)) {
        fail("lmdb open", KERR_IO);
        return;
    }
    b.cfg =
        (kv_config_t){.dev = 0,
                      .cache_pages = (uint32_t)kargs_get_ulong("cache", 16384),
                      .mem = mem,
                      .mem_size = sizeof mem};
    kv_req_init(&b.open, KOP_KV_OPEN, &b.kv, open_done, NULL);
    b.open.cfg = &b.cfg;
    kerr_t e = ksubmit(&b.open.work);
    if (e)
        fail("open submit", e);
}
