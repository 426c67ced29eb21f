/* KV B+tree: descent, leaf-to-leaf iteration, and the copy-on-write
 * changes of put and delete.
 *
 * Copy-on-write: a page written by an earlier commit is never changed.
 * Changing it means writing a copy to a newly allocated page and pointing
 * its parent at the copy, which changes the parent, and so on up to the
 * root. A page the write txn itself created (its txid is the txn's) is not
 * visible to anyone else, so it is changed where it is; once a level's
 * page keeps its number and does not split, the levels above need no
 * change at all. That is what makes many puts in one txn cheap.
 */
#include "lib/kstring.h"
#include "store/kv_int.h"

static uint8_t level_type(const kv_txn_t *t, uint32_t level)
{
    return level + 1 == t->height ? KV_PT_LEAF : KV_PT_BRANCH;
}

int kv_descend(kv_store_t *kv, const kv_txn_t *t, const uint8_t *key,
               uint32_t klen)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t pg = t->root;
    uint64_t tx = t->root_txid;
    p->p_exact = 0;
    for (uint32_t L = 0; L < t->height; L++) {
        const uint8_t *page;
        uint32_t f;
        int r = kv_fetch(kv, pg, level_type(t, L), tx, &page, &f);
        if (r != KERR_OK)
            return r;
        p->p_pg[L] = pg;
        p->p_fr[L] = f;
        p->p_idx[L] = kv_node_search(page, key, klen, &p->p_exact);
        if (L + 1 < t->height) {
            const uint8_t *c = kv_node_cell(page, p->p_idx[L]);
            pg = kv_branch_child(c);
            tx = kv_branch_ctxid(c);
        }
    }
    return KERR_OK;
}

/* Descend leftmost from child (idx) of level (L) down to the leaf. */
static int descend_left(kv_store_t *kv, const kv_txn_t *t, uint32_t L)
{
    kv_priv_t *p = kv_p(kv);
    for (; L + 1 < t->height; L++) {
        const uint8_t *c = kv_node_cell(kv_fdata(kv, p->p_fr[L]), p->p_idx[L]);
        uint32_t pg = kv_branch_child(c);
        const uint8_t *page;
        uint32_t f;
        int r = kv_fetch(kv, pg, level_type(t, L + 1), kv_branch_ctxid(c),
                         &page, &f);
        if (r != KERR_OK)
            return r;
        p->p_pg[L + 1] = pg;
        p->p_fr[L + 1] = f;
        p->p_idx[L + 1] = 0;
    }
    return KERR_OK;
}

int kv_next_leaf(kv_store_t *kv, const kv_txn_t *t)
{
    kv_priv_t *p = kv_p(kv);
    for (uint32_t L = t->height - 1; L-- > 0;) {
        const uint8_t *page = kv_fdata(kv, p->p_fr[L]);
        if (p->p_idx[L] + 1 < kv_pg_count(page)) {
            p->p_idx[L]++;
            return descend_left(kv, t, L);
        }
    }
    return KERR_NOT_FOUND;
}

/* After a descent: pin the path and make sure the change can finish in
 * one go: enough free cache frames and free pages for every level to
 * split, plus (extra). */
int kv_tree_prepare(kv_store_t *kv, kv_txn_t *t, uint32_t extra)
{
    kv_priv_t *p = kv_p(kv);
    for (uint32_t L = 0; L < t->height; L++)
        kv_pin(kv, p->p_fr[L]);
    uint32_t need = 2 * t->height + 2 + extra;
    if (t->height + 2 >= KV_MAX_HEIGHT)
        return KERR_NOMEM;
    int r = kv_reserve(kv, need);
    if (r != KERR_OK)
        return r;
    return kv_alloc_avail(kv, need);
}

/* The page for level (L)'s new content: the same page if the txn owns
 * it, else a fresh copy (and the old one is freed). Returns its frame. */
uint32_t kv_cow_target(kv_store_t *kv, kv_txn_t *t, uint32_t L, uint32_t *pgno)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t f = p->p_fr[L];
    if (kv_pg_txid(kv_fdata(kv, f)) == t->txid) {
        kv_frame_dirty(kv, f);
        *pgno = p->p_pg[L];
        return f;
    }
    kv_free(kv, p->p_pg[L]);
    *pgno = kv_alloc(kv);
    return kv_frame_new(kv, *pgno);
}

static uint32_t new_page(kv_store_t *kv, uint32_t *pgno)
{
    *pgno = kv_alloc(kv);
    return kv_frame_new(kv, *pgno);
}

void kv_place(kv_store_t *kv, kv_txn_t *t, uint32_t f, uint32_t pgno,
              const uint8_t *scratch)
{
    uint8_t *d = kv_fdata(kv, f);
    memcpy(d, scratch, KV_PG);
    kv_page_init(d, kv_pg_type(scratch), pgno, t->txid);
}

/* Remember the first key of cells [m, ...) of the build: the separator. */
static void save_sep(kv_priv_t *p, uint32_t m, int leaf)
{
    const uint8_t *c = p->build.cells[m].p;
    p->seplen = kv_cell_klen(c);
    memcpy(p->sep, leaf ? kv_leaf_key(c) : kv_branch_key(c), p->seplen);
}

static void new_root(kv_store_t *kv, kv_txn_t *t, uint32_t left, uint32_t right)
{
    kv_priv_t *p = kv_p(kv);
    kv_cell_t nc[2];
    nc[0] = (kv_cell_t){p->cellbuf[0],
                        kv_branch_cell(p->cellbuf[0], "", 0, left, t->txid)};
    nc[1] =
        (kv_cell_t){p->cellbuf[1], kv_branch_cell(p->cellbuf[1], p->sep,
                                                  p->seplen, right, t->txid)};
    kv_build_splice(&p->build, NULL, 0, 0, 0, nc, 2);
    uint32_t pg, f = new_page(kv, &pg);
    kv_build_write(p->scratch[0], &p->build, 0, 2, 0);
    kv_place(kv, t, f, pg, p->scratch[0]);
    t->root = pg;
    t->height++;
}

/* The parent's new cells for child slot (pidx) of level (L-1). */
uint32_t kv_parent_cells_at(kv_store_t *kv, kv_txn_t *t, uint32_t L,
                            uint32_t pidx, uint32_t out0, uint32_t out1,
                            kv_cell_t *nc)
{
    kv_priv_t *p = kv_p(kv);
    const uint8_t *pc = kv_node_cell(kv_fdata(kv, p->p_fr[L - 1]), pidx);
    nc[0] = (kv_cell_t){p->cellbuf[0],
                        kv_branch_cell(p->cellbuf[0], kv_branch_key(pc),
                                       kv_cell_klen(pc), out0, t->txid)};
    if (out1 == KV_NONE)
        return 1;
    nc[1] =
        (kv_cell_t){p->cellbuf[1], kv_branch_cell(p->cellbuf[1], p->sep,
                                                  p->seplen, out1, t->txid)};
    return 2;
}

static uint32_t parent_cells(kv_store_t *kv, kv_txn_t *t, uint32_t L,
                             uint32_t out0, uint32_t out1, kv_cell_t *nc)
{
    return kv_parent_cells_at(kv, t, L, kv_p(kv)->p_idx[L - 1], out0, out1, nc);
}

static void put_empty(kv_store_t *kv, kv_txn_t *t, const kv_cell_t *cell)
{
    kv_priv_t *p = kv_p(kv);
    kv_build_splice(&p->build, NULL, 1, 0, 0, cell, 1);
    kv_build_write(p->scratch[0], &p->build, 0, 1, 1);
    uint32_t pg, f = new_page(kv, &pg);
    kv_place(kv, t, f, pg, p->scratch[0]);
    t->root = pg;
    t->root_txid = t->txid;
    t->height = 1;
}

void kv_tree_put(kv_store_t *kv, kv_txn_t *t, const kv_cell_t *cell)
{
    kv_priv_t *p = kv_p(kv);
    if (t->height == 0) {
        put_empty(kv, t, cell);
        return;
    }
    kv_cell_t nc[2] = {*cell};
    uint32_t nnew = 1, L = t->height - 1;
    uint32_t idx = p->p_idx[L], ndel = (uint32_t)p->p_exact;
    for (;; L--) {
        int leaf = L + 1 == t->height;
        uint32_t fl = p->p_fr[L];
        uint8_t *pg = kv_fdata(kv, fl);
        if (kv_pg_txid(pg) == t->txid &&
            kv_node_edit(pg, leaf, idx, ndel, nc, nnew)) {
            /* The txn's own page took the change where it is: no rebuild,
             * and the parent still points right. */
            kv_frame_dirty(kv, fl);
            p->st.inplace++;
            return;
        }
        kv_build_splice(&p->build, pg, leaf, idx, ndel, nc, nnew);
        uint32_t n = p->build.n, m = kv_build_split(&p->build);
        if (m) {
            save_sep(p, m, leaf);
            kv_build_write(p->scratch[1], &p->build, m, n, leaf);
        }
        uint32_t out0, out1 = KV_NONE;
        uint32_t f0 = kv_cow_target(kv, t, L, &out0);
        if (f0 != fl) { /* a fresh copy: build it where it goes */
            kv_build_write(kv_fdata(kv, f0), &p->build, 0, m ? m : n, leaf);
            kv_page_init(kv_fdata(kv, f0), leaf ? KV_PT_LEAF : KV_PT_BRANCH,
                         out0, t->txid);
        } else {
            kv_build_write(p->scratch[0], &p->build, 0, m ? m : n, leaf);
            kv_place(kv, t, f0, out0, p->scratch[0]);
        }
        if (m)
            kv_place(kv, t, new_page(kv, &out1), out1, p->scratch[1]);
        if (L == 0) {
            t->root = out0;
            if (m)
                new_root(kv, t, out0, out1);
            t->root_txid = t->txid;
            return;
        }
        if (!m && out0 == p->p_pg[L])
            return; /* changed in place: the parent still points right */
        nnew = parent_cells(kv, t, L, out0, out1, nc);
        idx = p->p_idx[L - 1];
        ndel = 1;
    }
}

/* The root after a delete left it with (out0): a branch with one child
 * gives way to that child. */
static void del_root(kv_store_t *kv, kv_txn_t *t, uint32_t out0, uint32_t f0)
{
    const uint8_t *pg = kv_fdata(kv, f0);
    if (kv_pg_type(pg) == KV_PT_BRANCH && kv_pg_count(pg) == 1) {
        const uint8_t *c = kv_node_cell(pg, 0);
        t->root = kv_branch_child(c);
        t->root_txid = kv_branch_ctxid(c);
        t->height--;
        kv_free(kv, out0);
        return;
    }
    t->root = out0;
    t->root_txid = t->txid;
}

void kv_tree_del(kv_store_t *kv, kv_txn_t *t)
{
    kv_priv_t *p = kv_p(kv);
    kv_cell_t nc[2];
    uint32_t nnew = 0, ndel = 1, L = t->height - 1, idx = p->p_idx[L];
    for (;; L--) {
        int leaf = L + 1 == t->height;
        kv_build_splice(&p->build, kv_fdata(kv, p->p_fr[L]), leaf, idx, ndel,
                        nc, nnew);
        if (p->build.n == 0) {
            kv_free(kv, p->p_pg[L]);
            if (L == 0) {
                t->root = 0;
                t->root_txid = 0;
                t->height = 0;
                return;
            }
            nnew = 0;
            ndel = 1;
            idx = p->p_idx[L - 1];
            continue;
        }
        if (p->m_fr[L] != KV_NONE) { /* planned by kv_tree_merge_prepare */
            idx = kv_merge_level(kv, t, L, nc);
            nnew = 1;
            ndel = 2;
            continue;
        }
        kv_build_write(p->scratch[0], &p->build, 0, p->build.n, leaf);
        uint32_t out0, f0 = kv_cow_target(kv, t, L, &out0);
        kv_place(kv, t, f0, out0, p->scratch[0]);
        if (L == 0) {
            del_root(kv, t, out0, f0);
            return;
        }
        if (out0 == p->p_pg[L]) {
            /* Changed in place: the parent still points right. Only a
             * merge planned further up still changes anything there. */
            if (p->m_top == KV_NONE || p->m_top >= L)
                return;
            nnew = ndel = idx = 0;
            continue;
        }
        nnew = parent_cells(kv, t, L, out0, KV_NONE, nc);
        ndel = 1;
        idx = p->p_idx[L - 1];
    }
}

/* Free the overflow pages of leaf cell (c); its index page is cached
 * (the caller fetched and pinned it). */
void kv_free_value(kv_store_t *kv, const uint8_t *c)
{
    if (!kv_leaf_is_ovf(c))
        return;
    const uint8_t *ref = kv_leaf_val(c);
    uint32_t ipg = kv_ld32(ref);
    uint32_t f = kv_cache_find(kv, ipg);
    const uint8_t *idx = kv_fdata(kv, f);
    for (uint32_t i = 0; i < kv_pg_count(idx); i++)
        kv_free(kv, kv_ld32(idx + KV_HDR + 4 * i));
    kv_free(kv, ipg);
}
