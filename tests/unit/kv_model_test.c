/* KV model test: thousands of random put/delete/get/commit/abort/reopen
 * operations, with snapshots held across commits, checked against an
 * in-memory reference after every commit and every reopen. Seeded from
 * the run's seed (printed first; MOTE_SEED=<n> replays it). */
#include <stdio.h>

#include "tests/unit/kv_util.h"

#define NK  300
#define OPS 4000

typedef struct ref {
    const uint8_t *v[NK]; /* NULL = absent; buffers are never freed here */
    uint32_t n[NK];
} ref_t;

static char keys[NK][KV_MAX_KEY + 1];
static int order[NK]; /* key ids in key order */
static ref_t committed, txn, snapref;
static uint8_t rbuf[(1 << 20) + 4096];
static int reopens, commits, aborts, checks;

static void make_keys(void)
{
    for (int i = 0; i < NK; i++) {
        int len = 1 + (int)((i * 37u + 11) % KV_MAX_KEY);
        snprintf(keys[i], sizeof keys[i], "%c%03d", 'a' + i % 7, i);
        for (int j = (int)strlen(keys[i]); j < len; j++)
            keys[i][j] = (char)('a' + (i + j) % 26);
        keys[i][len < 4 ? 4 : len] = 0;
        order[i] = i;
    }
    for (int i = 1; i < NK; i++) /* insertion sort by key */
        for (int j = i; j > 0 && strcmp(keys[order[j - 1]], keys[order[j]]) > 0;
             j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

static uint32_t rand_len(void)
{
    uint64_t r = test_rand() % 1000;
    if (r < 3)
        return (uint32_t)(test_rand() % KV_MAX_VALUE) + 1; /* overflow, big */
    if (r < 60)
        return 1025 + (uint32_t)(test_rand() % 20000); /* overflow */
    return (uint32_t)(test_rand() % 400);
}

static void *allocs[OPS];
static int nallocs;

static const uint8_t *make_val(uint32_t n)
{
    uint8_t *v = malloc(n ? n : 1);
    allocs[nallocs++] = v;
    uint8_t x = (uint8_t)test_rand();
    for (uint32_t i = 0; i < n; i++)
        v[i] = (uint8_t)(x + i * 13 + (i >> 8));
    return v;
}

/* Every key of (t) (NULL: committed) matches (ref), by get and by scans. */
static void check_all(kv_txn_t *t, const ref_t *ref, const char *what)
{
    int bad = 0;
    for (int i = 0; i < NK && bad < 3; i++) {
        uint32_t n = 0;
        int e = kvt_get(t, keys[i], rbuf, sizeof rbuf, &n);
        if (!ref->v[i] ? e != KERR_NOT_FOUND
                       : e != KERR_OK || n != ref->n[i] ||
                             memcmp(rbuf, ref->v[i], n)) {
            printf("    %s: key %d: get %d len %u, want %s len %u\n", what, i,
                   e, n, ref->v[i] ? "value" : "absent", ref->n[i]);
            bad++;
        }
    }
    /* Scan in chunks of up to 16 records, continuing after the last key. */
    int pos = 0;
    char start[KV_MAX_KEY + 2] = "";
    uint32_t slen = 0;
    for (;;) {
        kv_req_t r;
        kv_req_init(&r, KOP_KV_SCAN, &kvt_kv, kvt_cb, NULL);
        r.txn = t;
        r.key = start;
        r.klen = slen;
        r.buf = rbuf;
        r.cap = sizeof rbuf;
        r.count = 16;
        if (kvt_run(&r) != KERR_OK) {
            printf("    %s: scan failed %d\n", what, r.work.result);
            bad++;
            break;
        }
        uint32_t off = 0, kl, vl;
        const uint8_t *kp, *vp;
        while (kv_scan_rec(rbuf, r.used, &off, &kp, &kl, &vp, &vl) == KERR_OK) {
            while (pos < NK && !ref->v[order[pos]])
                pos++;
            int id = pos < NK ? order[pos] : -1;
            if (id < 0 || kl != strlen(keys[id]) || memcmp(kp, keys[id], kl) ||
                vl != ref->n[id] || memcmp(vp, ref->v[id], vl)) {
                printf("    %s: scan record mismatch at %d\n", what, pos);
                bad++;
                break;
            }
            pos++;
            memcpy(start, kp, kl);
            start[kl] = 0; /* the successor of kp: kp followed by a 0 byte */
            slen = kl + 1;
        }
        if (r.found == 0 || bad)
            break;
    }
    while (pos < NK && !ref->v[order[pos]])
        pos++;
    if (pos != NK && !bad) {
        printf("    %s: scan ended early at %d\n", what, pos);
        bad++;
    }
    checks++;
    if (bad)
        test_failed = 1;
}

static void reopen(void)
{
    fake_reboot(NULL);
    kv_service_register();
    memset(&kvt_kv, 0, sizeof kvt_kv); /* a new boot: a new store struct */
    CHECK_EQ(kvt_open_cfg(40, 64), KERR_OK);
    reopens++;
    check_all(NULL, &committed, "after reopen");
}

TEST(kv_model_random_ops)
{
    make_keys();
    memset(&committed, 0, sizeof committed);
    kvt_disk(8192, 512);
    CHECK_EQ(kvt_open_cfg(40, 64), KERR_OK);
    kv_txn_t t, snap;
    int in_txn = 0, have_snap = 0;
    for (int op = 0; op < OPS && !test_failed; op++) {
        if (!in_txn) {
            CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
            txn = committed;
            in_txn = 1;
        }
        uint64_t r = test_rand() % 100;
        int id = (int)(test_rand() % NK);
        if (r < 55) {
            uint32_t n = rand_len();
            const uint8_t *v = make_val(n);
            CHECK_EQ(kvt_put(&t, keys[id], v, n), KERR_OK);
            txn.v[id] = v;
            txn.n[id] = n;
        } else if (r < 75) {
            int e = kvt_del(&t, keys[id]);
            CHECK_EQ(e, txn.v[id] ? KERR_OK : KERR_NOT_FOUND);
            txn.v[id] = NULL;
        } else if (r < 85) {
            uint32_t n;
            int e = kvt_get(&t, keys[id], rbuf, sizeof rbuf, &n);
            CHECK_EQ(e, txn.v[id] ? KERR_OK : KERR_NOT_FOUND);
            if (txn.v[id])
                CHECK(n == txn.n[id] && memcmp(rbuf, txn.v[id], n) == 0);
        } else if (r < 94) {
            CHECK_EQ(kvt_commit(&t), KERR_OK);
            committed = txn;
            in_txn = 0;
            commits++;
            check_all(NULL, &committed, "after commit");
            if (have_snap)
                check_all(&snap, &snapref, "old snapshot");
        } else if (r < 97) {
            CHECK_EQ(kvt_abort(&t), KERR_OK);
            in_txn = 0;
            aborts++;
            check_all(NULL, &committed, "after abort");
        } else if (r < 99) {
            if (have_snap) {
                kv_end(&snap);
                have_snap = 0;
            } else {
                CHECK_EQ(kv_begin(&kvt_kv, &snap, 0), KERR_OK);
                snapref = committed;
                have_snap = 1;
            }
        } else {
            /* Reboot with the txn open: only committed state survives. */
            in_txn = 0;
            have_snap = 0;
            reopen();
        }
    }
    if (in_txn) {
        CHECK_EQ(kvt_commit(&t), KERR_OK);
        committed = txn;
    }
    reopen();
    kv_stats_t st;
    kv_stats(&kvt_kv, &st);
    printf("    %d ops: %d commits, %d aborts, %d reopens, %d full checks; "
           "%llu keys, %u pages used, high water %u\n",
           OPS, commits, aborts, reopens, checks, (unsigned long long)st.nkeys,
           st.used_pages, st.high_water);
    while (nallocs)
        free(allocs[--nallocs]);
}
