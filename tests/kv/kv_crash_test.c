/* KV crash consistency: power loss at every write and flush boundary.
 *
 * A workload of small transactions (puts, deletes, overflow values, an
 * occasional abort) runs on the fake disk, which is set to lose power at
 * its k-th write or flush submission, for every k until the workload
 * finishes without reaching it. At the loss, every write that was not
 * durable (completed or in flight) survives or vanishes independently per
 * sector (fake_blk_crash): dropped, reordered and torn writes. The store
 * is then opened again and must hold exactly the last acknowledged commit
 * or, if a commit was in flight, possibly that one; then it must accept a
 * new commit and reopen cleanly (its free-page map is right).
 *
 * The workload draws from its own generator, so it is the same for every
 * k; the disk's completion order and the crash draw from the test seed.
 *
 * A commit writes its pages as runs of contiguous pages, one multi-segment
 * request each, all queued at once: the write slots take a run each and a
 * completed write starts the next run (kv_io.c). The sweeps with one or
 * two write slots and wide transactions make every commit go through that
 * queue, so the power also goes between chained writes, with runs of many
 * pages in flight (checked: multi-page requests and chained writes seen).
 */
#include <stdio.h>

#include "tests/unit/kv_util.h"

#define NKEY     48
#define NTXN     40
#define MAXSTATE (NTXN + 1)

typedef struct state {
    uint16_t n[NKEY];   /* value length; 0xffff = absent */
    uint8_t seed[NKEY]; /* value contents generator */
} state_t;

static state_t states[MAXSTATE]; /* states[j]: after the j-th commit */
static uint8_t vbuf[64 << 10], sbuf[256 << 10];
static uint64_t wl_state;
static long crash_points, in_flight_seen, in_flight_applied;
static int big_txns;    /* bigger txns with more overflow: the cache spills */
static int wide_txns;   /* many small puts per txn: commits of many runs */
static uint32_t wslots; /* write slots of the store (0: default) */
static uint64_t spills, wreqs, wpages, wchained;

static uint32_t wl_rand(void)
{
    wl_state = wl_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(wl_state >> 33);
}

static void key_of(int i, char *k)
{
    snprintf(k, 16, "key%02d%s", i, i % 5 ? "" : "-longer-key-name");
}

static uint32_t val_of(const state_t *s, int i, uint8_t *v)
{
    for (uint32_t j = 0; j < s->n[i]; j++)
        v[j] = (uint8_t)(s->seed[i] + j * 7);
    return s->n[i];
}

/* Run the workload; returns the number of commits acknowledged, and sets
 * *inflight if the power went while a commit was under way. */
static int workload(uint64_t wseed, int *inflight)
{
    char k[16];
    state_t cur;
    wl_state = wseed;
    memset(&cur, 0xff, sizeof cur.n);
    memset(cur.seed, 0, sizeof cur.seed);
    states[0] = cur;
    *inflight = 0;
    int acked = 0;
    for (int x = 0; x < NTXN; x++) {
        kv_txn_t t;
        if (kv_begin(&kvt_kv, &t, 1) != KERR_OK)
            return -1;
        state_t next = states[acked];
        int nops = 1 + (int)(wl_rand() % (big_txns ? 24 : 6)), e = KERR_OK;
        if (wide_txns)
            nops = 16 + (int)(wl_rand() % 32);
        /* The first big txn alone dirties more pages than the cache has
         * (24 overflow values of 2-4 pages each): it always spills. */
        int first_big = big_txns && x == 0;
        if (first_big)
            nops = 24;
        for (int o = 0; o < nops && e == KERR_OK; o++) {
            int i = (int)(wl_rand() % NKEY);
            key_of(i, k);
            if (wl_rand() % 4 == 0 && !first_big) {
                e = kvt_del(&t, k);
                if (e == KERR_NOT_FOUND)
                    e = KERR_OK;
                next.n[i] = 0xffff;
            } else {
                uint32_t r = wl_rand() % (big_txns ? 3 : wide_txns ? 8 : 20);
                if (first_big)
                    r = 0;
                next.n[i] = (uint16_t)(r == 0 ? 1025 + wl_rand() % 12000
                                              : wl_rand() % 300);
                next.seed[i] = (uint8_t)wl_rand();
                val_of(&next, i, vbuf);
                e = kvt_put(&t, k, vbuf, next.n[i]);
            }
        }
        if (e == KVT_POWER_OFF)
            return acked;
        if (e != KERR_OK)
            return -1;
        if (wl_rand() % 10 == 0) {
            e = kvt_abort(&t);
        } else {
            states[acked + 1] = next;
            e = kvt_commit(&t);
            if (e == KVT_POWER_OFF) {
                *inflight = 1;
                return acked;
            }
            acked++;
        }
        if (e != KERR_OK)
            return e == KVT_POWER_OFF ? acked : -1;
    }
    return acked;
}

/* The store holds state (s) exactly: every key by a full scan. */
static int holds(const state_t *s)
{
    uint32_t found, used, off = 0, kl, vl;
    const uint8_t *kp, *vp;
    if (kvt_scan(NULL, NULL, 0, sbuf, sizeof sbuf, &found, &used) != KERR_OK)
        return 0;
    char k[16];
    /* Keys sort as key00-longer.., key01, ...: walk both in order. */
    int ids[NKEY], n = 0;
    for (int i = 0; i < NKEY; i++)
        ids[n++] = i;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            char a[16], b[16];
            key_of(ids[j - 1], a);
            key_of(ids[j], b);
            if (strcmp(a, b) < 0)
                break;
            int tmp = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = tmp;
        }
    for (int x = 0; x < n; x++) {
        int i = ids[x];
        if (s->n[i] == 0xffff)
            continue;
        if (kv_scan_rec(sbuf, used, &off, &kp, &kl, &vp, &vl) != KERR_OK)
            return 0;
        key_of(i, k);
        if (kl != strlen(k) || memcmp(kp, k, kl) || vl != val_of(s, i, vbuf) ||
            memcmp(vp, vbuf, vl))
            return 0;
    }
    return kv_scan_rec(sbuf, used, &off, &kp, &kl, &vp, &vl) == KERR_NOT_FOUND;
}

static int reopen(uint32_t cache)
{
    fake_reboot(NULL);
    kv_service_register();
    memset(&kvt_kv, 0, sizeof kvt_kv);
    return kvt_open_slots(cache, 0, wslots);
}

/* One crash at op (k); 1 if the workload finished before reaching it. */
static int crash_at(uint64_t wseed, uint64_t k, uint32_t pages, uint32_t sector,
                    uint32_t cache)
{
    kvt_disk(pages, sector);
    fake_blk_power_off_after(k);
    int inflight = 0;
    memset(states[0].n, 0xff, sizeof states[0].n);
    int acked = kvt_open_slots(cache, 0, wslots) == KERR_OK
                    ? workload(wseed, &inflight)
                    : 0;
    kv_stats_t st;
    if (kvt_kv.priv) {
        kv_stats(&kvt_kv, &st);
        spills += st.spills;
        wreqs += st.write_reqs;
        wpages += st.page_writes;
        wchained += st.write_chained;
    }
    if (!fake_blk_powered_off())
        return 1;
    if (acked < 0) {
        printf("    k=%llu: workload failed before the power loss\n",
               (unsigned long long)k);
        test_failed = 1;
        return 1;
    }
    crash_points++;
    fake_blk_crash();
    int e = reopen(cache);
    if (e != KERR_OK) {
        printf("    k=%llu: reopen failed: %d\n", (unsigned long long)k, e);
        test_failed = 1;
        return 0;
    }
    int ok = holds(&states[acked]);
    if (!ok && inflight && holds(&states[acked + 1]))
        ok = 1, in_flight_applied++;
    in_flight_seen += inflight;
    if (!ok) {
        printf("    k=%llu (wseed %llu): store holds neither commit %d%s\n",
               (unsigned long long)k, (unsigned long long)wseed, acked,
               inflight ? " nor the one in flight" : "");
        test_failed = 1;
        return 0;
    }
    /* Still a working store: a new commit, then a clean reopen. */
    if (kvt_put1("after-crash", "yes") != KERR_OK || reopen(cache) != KERR_OK) {
        printf("    k=%llu: store unusable after recovery\n",
               (unsigned long long)k);
        test_failed = 1;
        return 0;
    }
    uint32_t n;
    char b[8];
    if (kvt_get(NULL, "after-crash", b, sizeof b, &n) != KERR_OK || n != 3) {
        printf("    k=%llu: commit after recovery lost\n",
               (unsigned long long)k);
        test_failed = 1;
    }
    return 0;
}

static void sweep(uint64_t wseed, uint32_t pages, uint32_t sector,
                  uint32_t cache)
{
    for (uint64_t k = 1; k < 100000 && !test_failed; k++)
        if (crash_at(wseed, k, pages, sector, cache))
            break;
}

TEST(kv_crash_every_boundary)
{
    uint64_t base = test_seed() * 1000;
    for (int w = 0; w < 18 && !test_failed; w++)
        sweep(base + (uint64_t)w, 192, w % 3 == 2 ? 4096 : 512,
              w % 2 ? KV_MIN_CACHE : 64);
    /* Transactions bigger than the cache: pages spill before the commit. */
    big_txns = 1;
    for (int w = 0; w < 2 && !test_failed; w++)
        sweep(base + 100 + (uint64_t)w, 384, 512, KV_MIN_CACHE);
    /* Wide txns through one or two write slots: every commit queues runs
     * behind busy slots, so writes are chained from completions. */
    big_txns = 0;
    wide_txns = 1;
    long before = crash_points;
    wreqs = wpages = wchained = 0;
    for (int w = 0; w < 3 && !test_failed; w++) {
        wslots = 1 + (uint32_t)(w & 1);
        sweep(base + 200 + (uint64_t)w, 512, w == 2 ? 4096 : 512, 64);
    }
    wslots = 0;
    wide_txns = 0;
    printf("    %ld crash points tried; a commit was in flight at %ld of "
           "them and survived at %ld; %llu spills before a commit\n",
           crash_points, in_flight_seen, in_flight_applied,
           (unsigned long long)spills);
    printf("    wide txns: %ld crash points, %llu pages in %llu write "
           "requests, %llu chained from a completion\n",
           crash_points - before, (unsigned long long)wpages,
           (unsigned long long)wreqs, (unsigned long long)wchained);
    CHECK(spills > 0);
    CHECK(crash_points > 3000);
    CHECK(crash_points - before > 300);
    CHECK(wpages > 2 * wreqs); /* runs of pages, not one request a page */
    CHECK(wchained > wreqs / 8);
}
