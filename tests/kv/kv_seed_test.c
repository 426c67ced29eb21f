/* Real KV pages for the fuzzer's seed corpus: builds a store with leaves,
 * branches, overflow values and metas, checks that every written page
 * passes kv_page_check, and, if KV_SEED_DIR is set, writes each page there
 * as one file (make kv-fuzz-short does). */
#include <stdio.h>

#include "store/kv_page.h"
#include "tests/unit/kv_util.h"

TEST(kv_seed_pages)
{
    kvt_disk(1024, 512);
    CHECK_EQ(kvt_open(), KERR_OK);
    kv_txn_t t;
    static uint8_t v[6000];
    char k[300];
    CHECK_EQ(kv_begin(&kvt_kv, &t, 1), KERR_OK);
    for (int i = 0; i < 600; i++) {
        int kl = snprintf(k, sizeof k, "key-%05d", i * 7);
        if (i % 50 == 0)
            kl += snprintf(k + kl, sizeof k - (size_t)kl, "%0200d", i);
        memset(v, i, sizeof v);
        CHECK_EQ(kvt_put(&t, k, v, i % 40 == 0 ? 5000u : (uint32_t)i % 90),
                 KERR_OK);
    }
    CHECK_EQ(kvt_commit(&t), KERR_OK);
    kv_stats_t st;
    kv_stats(&kvt_kv, &st);
    const char *dir = getenv("KV_SEED_DIR");
    int pages = 0;
    for (uint32_t pg = 0; pg < st.high_water; pg++) {
        const uint8_t *p = fake_blk_image() + (size_t)pg * 4096;
        kv_meta_t m;
        if (pg < 2 ? kv_meta_decode(p, pg, &m) == KERR_NOT_FOUND : p[4] == 0)
            continue;
        CHECK(pg < 2 ? kv_meta_decode(p, pg, &m) == KERR_OK
                     : kv_page_check(p) == KERR_OK);
        pages++;
        if (dir) {
            char path[512];
            snprintf(path, sizeof path, "%s/page%u", dir, pg);
            FILE *f = fopen(path, "wb");
            CHECK(f && fwrite(p, 4096, 1, f) == 1);
            if (f)
                fclose(f);
        }
    }
    printf("    %d pages checked\n", pages);
    CHECK(pages > 20);
}
