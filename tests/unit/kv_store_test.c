/* KV store basics on the fake platform: open/format, put/get/delete,
 * commit and reopen, abort, big values, scans, snapshots, page reuse,
 * a small cache, cancellation and deadlines. */
#include <stdio.h>

#include "kernel/kloop.h"
#include "mote/ktime.h"
#include "tests/unit/kv_util.h"

static char vbuf[1 << 20 | 64];

TEST(kv_format_put_get_reopen)
{
    kvt_disk(256, 512);
    CHECK_EQ(kvt_open(), KERR_OK);
    kv_txn_t t;
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    CHECK_EQ(kvt_puts(&t, "hello", "world"), KERR_OK);
    uint32_t n;
    CHECK_EQ(kvt_get(&t, "hello", vbuf, sizeof vbuf, &n), KERR_OK);
    CHECK_EQ(n, 5);
    CHECK(memcmp(vbuf, "world", 5) == 0);
    /* Not visible outside the txn before commit. */
    CHECK_EQ(kvt_get(NULL, "hello", vbuf, sizeof vbuf, &n), KERR_NOT_FOUND);
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    CHECK_EQ(kvt_get(NULL, "hello", vbuf, sizeof vbuf, &n), KERR_OK);
    fake_reboot(NULL);
    kv_service_register();
    CHECK_EQ(kvt_open(), KERR_OK);
    CHECK_EQ(kvt_get(NULL, "hello", vbuf, sizeof vbuf, &n), KERR_OK);
    CHECK(n == 5 && memcmp(vbuf, "world", 5) == 0);
    CHECK_EQ(kvt_get(NULL, "nope", vbuf, sizeof vbuf, &n), KERR_NOT_FOUND);
    kv_stats_t st;
    kv_stats(&kvt_kv, &st);
    CHECK_EQ(st.nkeys, 1);
}

TEST(kv_many_keys_split_and_delete)
{
    kvt_disk(1024, 512);
    CHECK_EQ(kvt_open(), KERR_OK);
    kv_txn_t t;
    char k[32], v[64];
    for (int round = 0; round < 4; round++) {
        CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
        for (int i = round * 1000; i < (round + 1) * 1000; i++) {
            snprintf(k, sizeof k, "key%06d", (i * 7919) % 4000);
            snprintf(v, sizeof v, "value-%d-%0*d", i, i % 40, 0);
            CHECK_EQ(kvt_puts(&t, k, v), KERR_OK);
        }
        CHECK_EQ(kvt_commit(&t), KERR_OK);
    }
    kv_stats_t st;
    kv_stats(&kvt_kv, &st);
    CHECK_EQ(st.nkeys, 4000);
    /* Most puts landed in pages the txn already owned, edited in place. */
    printf("    %llu of 4000 puts edited a page in place\n",
           (unsigned long long)st.inplace);
    CHECK(st.inplace > 2000);
    for (int i = 0; i < 4000; i += 37) {
        snprintf(k, sizeof k, "key%06d", (i * 7919) % 4000);
        snprintf(v, sizeof v, "value-%d-%0*d", i, i % 40, 0);
        uint32_t n;
        CHECK_EQ(kvt_get(NULL, k, vbuf, sizeof vbuf, &n), KERR_OK);
        CHECK(n == strlen(v) && memcmp(vbuf, v, n) == 0);
    }
    /* Delete all but every 10th, in one txn; then check by scan. */
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    for (int i = 0; i < 4000; i++)
        if (i % 10) {
            snprintf(k, sizeof k, "key%06d", i);
            CHECK_EQ(kvt_del(&t, k), KERR_OK);
        }
    CHECK_EQ(kvt_del(&t, "key000001"), KERR_NOT_FOUND);
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    uint32_t found, used, off = 0;
    CHECK_EQ(kvt_scan(NULL, NULL, 0, vbuf, sizeof vbuf, &found, &used),
             KERR_OK);
    CHECK_EQ(found, 400);
    const uint8_t *kp, *vp;
    uint32_t kl, vl;
    for (int i = 0; i < 400; i++) {
        CHECK_EQ(kv_scan_rec(vbuf, used, &off, &kp, &kl, &vp, &vl), KERR_OK);
        snprintf(k, sizeof k, "key%06d", i * 10);
        CHECK(kl == strlen(k) && memcmp(kp, k, kl) == 0);
    }
    CHECK_EQ(kv_scan_rec(vbuf, used, &off, &kp, &kl, &vp, &vl), KERR_NOT_FOUND);
    /* Leaves that went under a quarter full were merged: ~20 KiB of data
     * must not keep the ~60 leaves 4000 keys needed. */
    kv_stats(&kvt_kv, &st);
    printf("    400 keys left in %u pages\n", st.used_pages);
    CHECK(st.used_pages < 24);
    /* Reopen walks the tree: same count. */
    fake_reboot(NULL);
    kv_service_register();
    CHECK_EQ(kvt_open(), KERR_OK);
    kv_stats(&kvt_kv, &st);
    CHECK_EQ(st.nkeys, 400);
}

static void fill(char *b, uint32_t n, uint32_t seed)
{
    for (uint32_t i = 0; i < n; i++)
        b[i] = (char)(seed * 31 + i * 7 + (i >> 9));
}

TEST(kv_big_values_overflow)
{
    static char want[1 << 20];
    kvt_disk(2048, 512);
    CHECK_EQ(kvt_open_cfg(48, 0), KERR_OK); /* far smaller than one value */
    kv_txn_t t;
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    fill(want, sizeof want, 1);
    CHECK_EQ(kvt_put(&t, "big", want, sizeof want), KERR_OK);
    CHECK_EQ(kvt_put(&t, "mid", want, 5000), KERR_OK);
    CHECK_EQ(kvt_puts(&t, "small", "x"), KERR_OK);
    uint32_t n;
    CHECK_EQ(kvt_get(&t, "big", vbuf, sizeof vbuf, &n), KERR_OK);
    CHECK(n == sizeof want && memcmp(vbuf, want, n) == 0);
    CHECK_EQ(kvt_get(&t, "big", vbuf, 100, &n), KERR_TOO_BIG);
    CHECK_EQ(n, sizeof want);
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    kv_stats_t st;
    kv_stats(&kvt_kv, &st);
    uint32_t used1 = st.used_pages;
    CHECK(used1 > 258 && used1 < 270);
    /* Replace the big value: old pages come back after the commit. */
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    fill(want, sizeof want, 2);
    CHECK_EQ(kvt_put(&t, "big", want, sizeof want - 3), KERR_OK);
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    kv_stats(&kvt_kv, &st);
    CHECK_EQ(st.used_pages, used1);
    fake_reboot(NULL);
    kv_service_register();
    CHECK_EQ(kvt_open_cfg(48, 0), KERR_OK);
    CHECK_EQ(kvt_get(NULL, "big", vbuf, sizeof vbuf, &n), KERR_OK);
    CHECK(n == sizeof want - 3 && memcmp(vbuf, want, n) == 0);
    CHECK_EQ(kvt_get(NULL, "mid", vbuf, sizeof vbuf, &n), KERR_OK);
    fill(want, 5000, 1);
    CHECK(n == 5000 && memcmp(vbuf, want, n) == 0);
    uint32_t found, used;
    CHECK_EQ(kvt_scan(NULL, NULL, 0, vbuf, sizeof vbuf, &found, &used),
             KERR_OK);
    CHECK_EQ(found, 1); /* big fills the buffer: mid no longer fits */
    CHECK_EQ(kvt_scan(NULL, "c", 0, vbuf, sizeof vbuf, &found, &used), KERR_OK);
    CHECK_EQ(found, 2);
    CHECK_EQ(kvt_scan(NULL, NULL, 0, vbuf, 1000, &found, &used), KERR_TOO_BIG);
    kv_stats(&kvt_kv, &st);
    CHECK_EQ(st.used_pages, used1);
    /* Delete frees everything but the metas. */
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    CHECK_EQ(kvt_del(&t, "big"), KERR_OK);
    CHECK_EQ(kvt_del(&t, "mid"), KERR_OK);
    CHECK_EQ(kvt_del(&t, "small"), KERR_OK);
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    kv_stats(&kvt_kv, &st);
    CHECK_EQ(st.used_pages, 2);
    CHECK_EQ(st.nkeys, 0);
}

TEST(kv_snapshot_isolation_and_abort)
{
    kvt_disk(512, 4096);
    CHECK_EQ(kvt_open(), KERR_OK);
    CHECK_EQ(kvt_put1("a", "1"), KERR_OK);
    kv_txn_t snap, t;
    CHECK_EQ(kv_begin(&kvt_kv, &snap, 0), KERR_OK);
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    kv_txn_t t2;
    CHECK_EQ(kv_begin(&kvt_kv, &t2, 1), KERR_BUSY);
    CHECK_EQ(kvt_puts(&t, "a", "2"), KERR_OK);
    CHECK_EQ(kvt_puts(&snap, "b", "2"), KERR_INVALID); /* read-only */
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    uint32_t n;
    CHECK_EQ(kvt_get(&snap, "a", vbuf, sizeof vbuf, &n), KERR_OK);
    CHECK(n == 1 && vbuf[0] == '1');
    CHECK_EQ(kvt_get(NULL, "a", vbuf, sizeof vbuf, &n), KERR_OK);
    CHECK(n == 1 && vbuf[0] == '2');
    /* The snapshot keeps the old pages from being reused. */
    for (int i = 0; i < 20; i++) {
        char v[8];
        snprintf(v, sizeof v, "%d", i);
        CHECK_EQ(kvt_put1("a", v), KERR_OK);
    }
    CHECK_EQ(kvt_get(&snap, "a", vbuf, sizeof vbuf, &n), KERR_OK);
    CHECK(n == 1 && vbuf[0] == '1');
    CHECK_EQ(kvt_abort(&snap), KERR_OK);
    /* Abort drops everything. */
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    CHECK_EQ(kvt_puts(&t, "zz", "gone"), KERR_OK);
    CHECK_EQ(kvt_del(&t, "a"), KERR_OK);
    CHECK_EQ(kvt_abort(&t), KERR_OK);
    CHECK_EQ(kvt_get(NULL, "zz", vbuf, sizeof vbuf, &n), KERR_NOT_FOUND);
    CHECK_EQ(kvt_get(NULL, "a", vbuf, sizeof vbuf, &n), KERR_OK);
    CHECK(n == 2 && memcmp(vbuf, "19", 2) == 0);
    kv_stats_t st;
    kv_stats(&kvt_kv, &st);
    CHECK_EQ(st.used_pages, 3);
}

/* A steady update load reuses freed pages: the high-water mark stops. */
TEST(kv_steady_updates_do_not_grow)
{
    kvt_disk(4096, 512);
    CHECK_EQ(kvt_open(), KERR_OK);
    char k[32], v[128];
    uint32_t hw_at[2] = {0, 0};
    kv_txn_t t;
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    for (int i = 0; i < 2000; i++) {
        snprintf(k, sizeof k, "k%05u", (unsigned)i);
        CHECK_EQ(
            kvt_puts(
                &t, k,
                "0000000000000000000000000000000000000000000000000000000000"),
            KERR_OK);
    }
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    for (int c = 0; c < 400; c++) {
        CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
        for (int i = 0; i < 20; i++) {
            snprintf(k, sizeof k, "k%05u", (unsigned)(test_rand() % 2000));
            snprintf(v, sizeof v, "%058d", c);
            CHECK_EQ(kvt_puts(&t, k, v), KERR_OK);
        }
        CHECK_EQ(kvt_commit(&t), KERR_OK);
        kv_stats_t st;
        kv_stats(&kvt_kv, &st);
        if (c == 99)
            hw_at[0] = st.high_water;
        if (c == 399)
            hw_at[1] = st.high_water;
        CHECK(st.used_pages < 400);
    }
    printf("    high water after 100 commits %u, after 400 %u\n", hw_at[0],
           hw_at[1]);
    CHECK(hw_at[1] <= hw_at[0] + hw_at[0] / 4);
}

/* Cache smaller than a txn's dirty set: pages are spilled early. */
TEST(kv_small_cache_spills)
{
    kvt_disk(4096, 512);
    CHECK_EQ(kvt_open_cfg(KV_MIN_CACHE, 0), KERR_OK);
    kv_txn_t t;
    char k[32], v[300];
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "key%07d", (i * 104729) % 100003);
        memset(v, 'a' + i % 26, sizeof v);
        CHECK_EQ(kvt_put(&t, k, v, 100 + i % 200), KERR_OK);
    }
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    fake_reboot(NULL);
    kv_service_register();
    CHECK_EQ(kvt_open_cfg(KV_MIN_CACHE, 0), KERR_OK);
    for (int i = 0; i < 3000; i += 7) {
        snprintf(k, sizeof k, "key%07d", (i * 104729) % 100003);
        uint32_t n;
        CHECK_EQ(kvt_get(NULL, k, vbuf, sizeof vbuf, &n), KERR_OK);
        CHECK(n == (uint32_t)(100 + i % 200) && vbuf[0] == 'a' + i % 26);
    }
}

TEST(kv_invalid_requests)
{
    kvt_disk(256, 512);
    kv_req_t r;
    kv_req_init(&r, KOP_KV_GET, &kvt_kv, kvt_cb, NULL);
    CHECK_EQ(ksubmit(&r.work), KERR_INVALID);   /* store not open */
    CHECK_EQ(kvt_open_cfg(8, 0), KERR_INVALID); /* cache too small */
    CHECK_EQ(kvt_open(), KERR_OK);
    kv_txn_t t;
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    char longkey[300];
    memset(longkey, 'k', sizeof longkey);
    longkey[255] = 0;
    CHECK_EQ(kvt_puts(&t, longkey, "ok"), KERR_OK);
    longkey[255] = 'k';
    longkey[256] = 0;
    CHECK_EQ(kvt_puts(&t, longkey, "no"), KERR_INVALID);
    CHECK_EQ(kvt_puts(&t, "", "no"), KERR_INVALID);
    CHECK_EQ(kvt_put(&t, "big", vbuf, KV_MAX_VALUE + 1), KERR_INVALID);
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    CHECK_EQ(kvt_commit(&t), KERR_INVALID); /* already over */
    CHECK_EQ(kvt_puts(&t, "a", "b"), KERR_INVALID);
}

static int cb_count;
static kerr_t cb_res[8];
static void count_cb(kwork_t *w)
{
    cb_res[cb_count++ & 7] = w->result;
}

/* Requests queue behind a commit doing I/O; cancelling a queued one
 * retracts it with no effect, a deadline times one out the same way. */
TEST(kv_cancel_and_deadline)
{
    kvt_disk(256, 512);
    CHECK_EQ(kvt_open(), KERR_OK);
    CHECK_EQ(kvt_put1("a", "1"), KERR_OK);
    kv_txn_t t;
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    CHECK_EQ(kvt_puts(&t, "b", "2"), KERR_OK);
    kv_req_t c, g1, g2, g3;
    char b1[16], b2[16], b3[16];
    kv_req_init(&c, KOP_KV_COMMIT, &kvt_kv, count_cb, NULL);
    c.txn = &t;
    kv_req_t *gs[3] = {&g1, &g2, &g3};
    char *bs[3] = {b1, b2, b3};
    for (int i = 0; i < 3; i++) {
        kv_req_init(gs[i], KOP_KV_GET, &kvt_kv, count_cb, NULL);
        gs[i]->key = "b";
        gs[i]->klen = 1;
        gs[i]->buf = bs[i];
        gs[i]->cap = 16;
    }
    g2.work.deadline = ktime_now() + 1; /* due before the commit is done */
    cb_count = 0;
    CHECK_EQ(ksubmit(&c.work), KERR_OK);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(ksubmit(&gs[i]->work), KERR_OK);
    CHECK_EQ(cb_count, 0);
    CHECK_EQ(kcancel(&g1.work), KERR_OK);
    fake_settle();
    fake_run(KTIME_MS);
    CHECK_EQ(cb_count, 4);
    CHECK_EQ(c.work.result, KERR_OK);
    CHECK_EQ(g1.work.result, KERR_CANCELLED);
    CHECK_EQ(g2.work.result, KERR_TIMEOUT);
    CHECK_EQ(g3.work.result, KERR_OK); /* runs after the commit: sees b */
    CHECK(g3.vlen == 1 && b3[0] == '2');
    CHECK_EQ(kloop.live, 0);
}

/* Range scans: [start, end), a count limit, resuming after the last key,
 * and a scan inside the write txn that sees its own changes. */
TEST(kv_range_scan)
{
    kvt_disk(1024, 512);
    CHECK_EQ(kvt_open(), KERR_OK);
    kv_txn_t t;
    char k[16];
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    for (int i = 0; i < 500; i++) {
        snprintf(k, sizeof k, "r%04d", i);
        CHECK_EQ(kvt_puts(&t, k, k), KERR_OK);
    }
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    kv_req_t r;
    kv_req_init(&r, KOP_KV_SCAN, &kvt_kv, kvt_cb, NULL);
    r.key = "r0100";
    r.klen = 5;
    r.end = "r0350";
    r.endlen = 5;
    r.buf = vbuf;
    r.cap = sizeof vbuf;
    CHECK_EQ(kvt_run(&r), KERR_OK);
    CHECK_EQ(r.found, 250);
    uint32_t off = 0, kl, vl;
    const uint8_t *kp, *vp;
    for (int i = 100; i < 350; i++) {
        CHECK_EQ(kv_scan_rec(vbuf, r.used, &off, &kp, &kl, &vp, &vl), KERR_OK);
        snprintf(k, sizeof k, "r%04d", i);
        CHECK(kl == 5 && memcmp(kp, k, 5) == 0 && vl == 5 &&
              memcmp(vp, k, 5) == 0);
    }
    /* Count limit, then resume after the last key with a 0 byte. */
    kv_req_init(&r, KOP_KV_SCAN, &kvt_kv, kvt_cb, NULL);
    r.key = "r0498";
    r.klen = 5;
    r.count = 1;
    r.buf = vbuf;
    r.cap = sizeof vbuf;
    CHECK_EQ(kvt_run(&r), KERR_OK);
    CHECK_EQ(r.found, 1);
    char after[6] = "r0498";
    kv_req_init(&r, KOP_KV_SCAN, &kvt_kv, kvt_cb, NULL);
    r.key = after;
    r.klen = 6; /* "r0498\0" */
    r.buf = vbuf;
    r.cap = sizeof vbuf;
    CHECK_EQ(kvt_run(&r), KERR_OK);
    CHECK_EQ(r.found, 1);
    off = 0;
    CHECK_EQ(kv_scan_rec(vbuf, r.used, &off, &kp, &kl, &vp, &vl), KERR_OK);
    CHECK(kl == 5 && memcmp(kp, "r0499", 5) == 0);
    /* Inside a write txn: its own uncommitted changes. */
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    CHECK_EQ(kvt_del(&t, "r0001"), KERR_OK);
    CHECK_EQ(kvt_puts(&t, "r0001a", "new"), KERR_OK);
    uint32_t found, used;
    CHECK_EQ(kvt_scan(&t, "r0000", 3, vbuf, sizeof vbuf, &found, &used),
             KERR_OK);
    off = 0;
    const char *want[3] = {"r0000", "r0001a", "r0002"};
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(kv_scan_rec(vbuf, used, &off, &kp, &kl, &vp, &vl), KERR_OK);
        CHECK(kl == strlen(want[i]) && memcmp(kp, want[i], kl) == 0);
    }
    CHECK_EQ(kvt_scan(NULL, "r0000", 3, vbuf, sizeof vbuf, &found, &used),
             KERR_OK);
    off = 0;
    kv_scan_rec(vbuf, used, &off, &kp, &kl, &vp, &vl);
    kv_scan_rec(vbuf, used, &off, &kp, &kl, &vp, &vl);
    CHECK(kl == 5 && memcmp(kp, "r0001", 5) == 0); /* committed view */
    CHECK_EQ(kvt_abort(&t), KERR_OK);
}

/* A get waiting for a page read is retracted by cancel or its deadline;
 * the read still lands and the next request runs normally. */
TEST(kv_cancel_while_reading)
{
    kvt_disk(2048, 512);
    CHECK_EQ(kvt_open_cfg(KV_MIN_CACHE, 0), KERR_OK);
    kv_txn_t t;
    char k[32], v[200];
    memset(v, 'v', sizeof v);
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "key%05d", i);
        CHECK_EQ(kvt_put(&t, k, v, sizeof v), KERR_OK);
    }
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    fake_reboot(NULL);
    kv_service_register();
    memset(&kvt_kv, 0, sizeof kvt_kv);
    CHECK_EQ(kvt_open_cfg(KV_MIN_CACHE, 0), KERR_OK);
    kv_req_t g1, g2;
    char b1[256], b2[256];
    kv_req_init(&g1, KOP_KV_GET, &kvt_kv, count_cb, NULL);
    g1.key = "key00000";
    g1.klen = 8;
    g1.buf = b1;
    g1.cap = sizeof b1;
    kv_req_init(&g2, KOP_KV_GET, &kvt_kv, count_cb, NULL);
    g2.key = "key00001";
    g2.klen = 8;
    g2.buf = b2;
    g2.cap = sizeof b2;
    cb_count = 0;
    CHECK_EQ(ksubmit(&g1.work), KERR_OK);
    CHECK_EQ(ksubmit(&g2.work), KERR_OK);
    CHECK_EQ(kvt_kv.q_head, &g1); /* the walk left the first leaf cold */
    CHECK_EQ(kcancel(&g1.work), KERR_OK);
    fake_settle();
    CHECK_EQ(cb_count, 2);
    CHECK_EQ(g1.work.result, KERR_CANCELLED);
    CHECK_EQ(g2.work.result, KERR_OK);
    CHECK(g2.vlen == sizeof v && memcmp(b2, v, sizeof v) == 0);
    /* Same with a deadline, on a leaf that is cold again. */
    kv_req_init(&g1, KOP_KV_GET, &kvt_kv, count_cb, NULL);
    g1.key = "key01500";
    g1.klen = 8;
    g1.buf = b1;
    g1.cap = sizeof b1;
    g1.work.deadline = ktime_now() + 1;
    CHECK_EQ(ksubmit(&g1.work), KERR_OK);
    fake_run(KTIME_MS);
    CHECK_EQ(g1.work.result, KERR_TIMEOUT);
    uint32_t n;
    CHECK_EQ(kvt_get(NULL, "key01500", b1, sizeof b1, &n), KERR_OK);
    CHECK_EQ(kloop.live, 0);
}
