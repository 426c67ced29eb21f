/* libFuzzer target: KV page parsing, the store's only parser of outside
 * input (whatever the disk holds). Each input is one 4 KiB page (short
 * inputs are zero-padded). It is checked as read from disk, and again with
 * its checksum fixed so the structural checks see every input; a page that
 * passes is then used the way the store uses it: searched, iterated,
 * rebuilt through a splice and a split, and decoded as a meta. Any
 * out-of-bounds access or undefined behaviour is a bug (ASan/UBSan). */
#include <stdint.h>
#include <string.h>

#include "store/kv_crc.h"
#include "store/kv_node.h"
#include "store/kv_page.h"

static kv_build_t build;
static uint8_t out[2][KV_PG];

static void use_node(const uint8_t *pg)
{
    int leaf = kv_pg_type(pg) == KV_PT_LEAF, exact;
    uint32_t n = kv_pg_count(pg);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *c = kv_node_cell(pg, i);
        uint32_t kl = kv_cell_klen(c);
        const uint8_t *k = leaf ? kv_leaf_key(c) : kv_branch_key(c);
        uint32_t at = kv_node_search(pg, k, kl, &exact);
        if (leaf && (at != i || !exact))
            __builtin_trap(); /* sorted keys must be found where they are */
        if (leaf && !kv_leaf_is_ovf(c))
            (void)kv_leaf_val(c)[kv_leaf_vlen(c) ? kv_leaf_vlen(c) - 1 : 0];
    }
    (void)kv_node_search(pg, (const uint8_t *)"zzzz", 4, &exact);
    static uint8_t cell[KV_CELL_MAX];
    kv_cell_t nc = {cell, leaf ? kv_leaf_cell(cell, "mid", 3, "v", 1)
                               : kv_branch_cell(cell, "mid", 3, 7, 1)};
    uint32_t idx = kv_node_search(pg, (const uint8_t *)"mid", 3, &exact);
    kv_build_splice(&build, pg, leaf, leaf ? idx : idx + 1, 0, &nc, 1);
    uint32_t m = kv_build_split(&build);
    kv_build_write(out[0], &build, 0, m ? m : build.n, leaf);
    if (m)
        kv_build_write(out[1], &build, m, build.n, leaf);
    if (kv_node_check(out[0]) != KERR_OK ||
        (m && kv_node_check(out[1]) != KERR_OK))
        __builtin_trap(); /* a rebuilt page must be well-formed */
}

static void one(uint8_t *pg)
{
    if (kv_page_check(pg) == KERR_OK) {
        uint8_t t = kv_pg_type(pg);
        if (t == KV_PT_LEAF || t == KV_PT_BRANCH)
            use_node(pg);
        (void)kv_page_ident(pg, kv_pg_no(pg), t, kv_pg_txid(pg));
    }
    kv_meta_t m;
    (void)kv_meta_decode(pg, 0, &m);
    (void)kv_meta_decode(pg, 1, &m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pg[KV_PG];
    memset(pg, 0, sizeof pg);
    memcpy(pg, data, size < KV_PG ? size : KV_PG);
    one(pg);
    kv_st32(pg, kv_crc32c(0, pg + 4, KV_PG - 4));
    one(pg);
    kv_st32(pg, kv_crc32c(0, pg + 4, KV_META_LEN - 4));
    one(pg);
    return 0;
}
