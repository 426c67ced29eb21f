/* KV corruption: a flipped bit in any page, a misdirected write and a
 * lost (stale) write are all reported as KERR_CORRUPT, never as wrong
 * data and never as a crash; a damaged newest meta falls back to the
 * previous commit, and two damaged metas refuse to open. */
#include <stdio.h>

#include "tests/unit/kv_util.h"

#define NKEY 120

static uint8_t vbuf[64 << 10];
static uint32_t vlen_of[NKEY];
static uint8_t *good_image, *prev_image;
static uint32_t img_bytes;
static uint64_t txid_of[5]; /* txid of commit c */

static void key_of(int i, char *k)
{
    snprintf(k, 16, "k%03d", i);
}

static uint32_t val_of(int i, int version, uint8_t *v)
{
    uint32_t n =
        i % 17 == 0 ? 1025 + (uint32_t)i * 50 : (uint32_t)(i * 3) % 200;
    for (uint32_t j = 0; j < n; j++)
        v[j] = (uint8_t)(i + j * 5 + version);
    return n;
}

/* Build the store: commits 1..4 write every key, version = commit. */
static void build(void)
{
    kvt_disk(1024, 512);
    CHECK_EQ(kvt_open(), KERR_OK);
    char k[16];
    for (int c = 1; c <= 4; c++) {
        kv_txn_t t;
        CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
        for (int i = 0; i < NKEY; i++) {
            if (c == 4 && i % 2)
                continue; /* last commit touches half: old pages stay */
            key_of(i, k);
            vlen_of[i] = val_of(i, c, vbuf);
            CHECK_EQ(kvt_put(&t, k, vbuf, vlen_of[i]), KERR_OK);
        }
        if (c == 4) {
            free(prev_image);
            img_bytes = 1024 * 4096;
            prev_image = malloc(img_bytes);
            memcpy(prev_image, fake_blk_image(), img_bytes);
        }
        CHECK_EQ(kvt_commit(&t), KERR_OK);
        kv_stats_t st;
        kv_stats(&kvt_kv, &st);
        txid_of[c] = st.txid;
    }
    free(good_image);
    good_image = malloc(img_bytes);
    memcpy(good_image, fake_blk_image(), img_bytes);
}

static int reboot_open(void)
{
    fake_reboot(NULL);
    kv_service_register();
    memset(&kvt_kv, 0, sizeof kvt_kv);
    return kvt_open();
}

/* Read every key. Returns the number of KERR_CORRUPT results; a wrong
 * value or any other failure fails the test. (expect_ver4): the even keys
 * have version 4 (the last commit), else all have version 3. */
static int read_all(int last_commit)
{
    int corrupt = 0;
    char k[16];
    static uint8_t want[64 << 10];
    for (int i = 0; i < NKEY; i++) {
        key_of(i, k);
        uint32_t n;
        int e = kvt_get(NULL, k, vbuf, sizeof vbuf, &n);
        if (e == KERR_CORRUPT) {
            corrupt++;
            continue;
        }
        uint32_t wn = val_of(i, last_commit == 4 && i % 2 == 0 ? 4 : 3, want);
        if (e != KERR_OK || n != wn || memcmp(vbuf, want, n)) {
            printf("    key %d: result %d len %u: wrong data\n", i, e, n);
            test_failed = 1;
        }
    }
    return corrupt;
}

TEST(kv_bit_flip_in_every_page)
{
    build();
    kv_stats_t st;
    kv_stats(&kvt_kv, &st);
    uint32_t used = st.used_pages, hw = st.high_water, detected = 0, quiet = 0;
    for (uint32_t pg = 2; pg < hw; pg++) {
        memcpy(fake_blk_image(), good_image, img_bytes);
        uint32_t bit = (uint32_t)(test_rand() % (4096 * 8));
        fake_blk_image()[pg * 4096 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int e = reboot_open();
        if (e == KERR_CORRUPT) {
            detected++;
            continue;
        }
        CHECK_EQ(e, KERR_OK);
        if (read_all(4))
            detected++;
        else
            quiet++;
    }
    printf("    %u pages below the high-water mark, %u in use (+2 metas): "
           "%u flips detected, %u in unused pages had no effect\n",
           hw - 2, used - 2, detected, quiet);
    CHECK_EQ(detected, used - 2);
}

TEST(kv_misdirected_and_stale_writes)
{
    build();
    kv_stats_t st;
    kv_stats(&kvt_kv, &st);
    /* Misdirected: page a's (valid) content lands on page b. */
    int tried = 0, caught = 0;
    for (uint32_t b = 2; b < st.high_water && tried < 40; b++) {
        uint32_t a = b + 1 < st.high_water ? b + 1 : 2;
        memcpy(fake_blk_image(), good_image, img_bytes);
        memcpy(fake_blk_image() + b * 4096, good_image + a * 4096, 4096);
        int e = reboot_open();
        tried++;
        if (e == KERR_CORRUPT || (e == KERR_OK && read_all(4)))
            caught++;
        else
            CHECK_EQ(e, KERR_OK);
    }
    printf("    misdirected: %d tried, %d caught (the rest hit unused pages)\n",
           tried, caught);
    CHECK(caught > 10);
    /* Stale: a page that commit 4 rewrote reverts to its commit-3 content
     * (valid checksum, right page number, old txid): a lost write. */
    int stale = 0;
    for (uint32_t pg = 2; pg < st.high_water; pg++) {
        if (!memcmp(prev_image + pg * 4096, good_image + pg * 4096, 4096) ||
            prev_image[pg * 4096 + 4] == 0)
            continue;
        memcpy(fake_blk_image(), good_image, img_bytes);
        memcpy(fake_blk_image() + pg * 4096, prev_image + pg * 4096, 4096);
        int e = reboot_open();
        if (e == KERR_CORRUPT || (e == KERR_OK && read_all(4)))
            stale++;
    }
    printf("    stale pages caught: %d\n", stale);
    CHECK(stale > 0);
}

TEST(kv_damaged_meta_falls_back)
{
    build();
    /* Damaging the newest meta (commit 4) must fall back to commit 3. */
    int newest = -1;
    for (int s = 0; s < 2; s++) {
        memcpy(fake_blk_image(), good_image, img_bytes);
        fake_blk_image()[s * 4096 + 100] ^= 0x10;
        CHECK_EQ(reboot_open(), KERR_OK);
        kv_stats_t st;
        kv_stats(&kvt_kv, &st);
        if (st.txid == txid_of[3]) {
            newest = 1 - s; /* damaging s fell back: s held the newest */
            CHECK_EQ(read_all(3), 0);
        } else {
            CHECK_EQ(st.txid, txid_of[4]);
            CHECK_EQ(read_all(4), 0);
        }
    }
    CHECK(newest >= 0);
    memcpy(fake_blk_image(), good_image, img_bytes);
    fake_blk_image()[100] ^= 1;
    fake_blk_image()[4096 + 200] ^= 1;
    CHECK_EQ(reboot_open(), KERR_CORRUPT);
    free(good_image);
    free(prev_image);
    good_image = prev_image = NULL;
}

/* A device that fails: the fake disk behind a wrapper that completes the
 * n-th write with KERR_IO (without doing it). The commit reports KERR_IO,
 * the store refuses further work until reopened, and the reopened store
 * holds the previous commit. */
static const kservice_t *real_blk;
static int fail_countdown;

static kerr_t failing_submit(kwork_t *w)
{
    if (w->op == KOP_BLK_WRITE && fail_countdown > 0 && --fail_countdown == 0) {
        kcomplete(w, KERR_IO);
        return KERR_OK;
    }
    return real_blk->submit(w);
}

static kerr_t failing_info(uint32_t dev, void *out)
{
    return real_blk->info(dev, out);
}

static const kservice_t failing_blk = {
    .name = "failing-blk",
    .submit = failing_submit,
    .cancel = NULL,
    .info = failing_info,
};

TEST(kv_io_error_fails_the_store_safely)
{
    /* The commit below writes one run of contiguous pages, then the meta:
     * fail the first, then the second. */
    for (int nth = 1; nth <= 2; nth++) {
        kvt_disk(256, 512);
        CHECK_EQ(kvt_open(), KERR_OK);
        CHECK_EQ(kvt_put1("a", "1"), KERR_OK);
        real_blk = kservice_get(KOP_CLASS_BLK);
        kservice_register(KOP_CLASS_BLK, &failing_blk);
        fail_countdown = nth; /* page writes, then the meta */
        kv_txn_t t;
        CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
        for (int i = 0; i < 3; i++) {
            char k[8];
            snprintf(k, sizeof k, "k%d", i);
            CHECK_EQ(kvt_put(&t, k, vbuf, 2000), KERR_OK); /* overflow */
        }
        CHECK_EQ(kvt_puts(&t, "a", "2"), KERR_OK);
        int e = kvt_commit(&t);
        kservice_register(KOP_CLASS_BLK, real_blk);
        CHECK_EQ(e, KERR_IO);
        CHECK_EQ(fail_countdown, 0);
        uint32_t n;
        CHECK_EQ(kvt_get(NULL, "a", vbuf, sizeof vbuf, &n), KERR_IO);
        CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_IO);
        CHECK_EQ(t.open, 0);
        CHECK_EQ(kvt_open(), KERR_OK); /* the same struct, reopened */
        CHECK_EQ(kvt_get(NULL, "a", vbuf, sizeof vbuf, &n), KERR_OK);
        CHECK(n == 1 && vbuf[0] == '1');
        CHECK_EQ(kvt_get(NULL, "k0", vbuf, sizeof vbuf, &n), KERR_NOT_FOUND);
        CHECK_EQ(kvt_put1("a", "3"), KERR_OK); /* and it works again */
    }
}
