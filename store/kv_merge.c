/* KV B+tree merging on delete: a node that a delete leaves under a
 * quarter full is merged with a neighbour when both fit one page, at
 * every level, so a tree that shrinks gives back its pages and, once the
 * root is left with one child, its height (kv_tree.c, del_root).
 *
 * The change must happen in one synchronous step (kv_int.h), so the plan
 * is made first, bottom-up along the path of the descent, and every
 * neighbour it needs is fetched and pinned before anything changes:
 *
 *   level L's size after the delete is known from below: the leaf loses
 *   its cell; a level whose child was merged loses the child's right
 *   member's cell, one whose child was emptied loses the child's cell;
 *   any other level keeps its size (a changed child keeps its key).
 *   If that is under a quarter of the page, and its parent has another
 *   child, take the left neighbour (the right one for the first child);
 *   merge if both fit one page, then the parent loses a cell. A branch
 *   merge pulls the parent's separator down as the key of the right
 *   member's first cell, so it is counted in the fit.
 *
 * Sizes are estimated from above (a branch's new first cell loses its key,
 * which is not subtracted), so a planned merge always fits. Levels keep
 * being checked after one that does not change, so a node left under a
 * quarter full by earlier deletes is merged by the next delete through it.
 */
#include "lib/kstring.h"
#include "store/kv_int.h"

#define MERGE_BELOW ((KV_PG - KV_HDR) / 3)

static uint32_t used_bytes(const uint8_t *pg)
{
    return KV_PG - kv_pg_aux(pg) + 2 * kv_pg_count(pg);
}

int kv_tree_merge_prepare(kv_store_t *kv, const kv_txn_t *t)
{
    kv_priv_t *p = kv_p(kv);
    for (uint32_t L = 0; L < KV_MAX_HEIGHT; L++)
        p->m_fr[L] = KV_NONE;
    p->m_top = KV_NONE;
    uint32_t H = t->height, lose = p->p_idx[H ? H - 1 : 0];
    for (uint32_t L = H; L-- > 1;) {
        int leaf = L + 1 == H;
        const uint8_t *pg = kv_fdata(kv, p->p_fr[L]);
        uint32_t bytes = used_bytes(pg), count = kv_pg_count(pg);
        if (lose != KV_NONE) {
            bytes -= kv_cell_len(kv_node_cell(pg, lose), leaf) + 2;
            count--;
        }
        const uint8_t *parent = kv_fdata(kv, p->p_fr[L - 1]);
        uint32_t pi = p->p_idx[L - 1];
        lose = KV_NONE;
        if (count == 0) {
            lose = pi; /* emptied: freed, the parent loses its cell */
            continue;
        }
        if (bytes >= MERGE_BELOW || kv_pg_count(parent) < 2)
            continue;
        uint32_t si = pi > 0 ? pi - 1 : pi + 1, right = pi > si ? pi : si, f;
        const uint8_t *sc = kv_node_cell(parent, si), *sib;
        int rc =
            kv_fetch(kv, kv_branch_child(sc), leaf ? KV_PT_LEAF : KV_PT_BRANCH,
                     kv_branch_ctxid(sc), &sib, &f);
        if (rc != KERR_OK)
            return rc;
        uint32_t sep = leaf ? 0 : kv_cell_klen(kv_node_cell(parent, right));
        if (bytes + used_bytes(sib) + sep > KV_PG - KV_HDR)
            continue;
        kv_pin(kv, f);
        p->m_fr[L] = f;
        p->m_idx[L] = si;
        p->m_top = L;
        lose = right;
    }
    return KERR_OK;
}

/* Append the cells of node (pg) to (b). */
static void add_cells(kv_build_t *b, const uint8_t *pg, int leaf)
{
    for (uint32_t i = 0; i < kv_pg_count(pg); i++) {
        const uint8_t *c = kv_node_cell(pg, i);
        b->cells[b->n++] = (kv_cell_t){c, kv_cell_len(c, leaf)};
    }
}

uint32_t kv_merge_level(kv_store_t *kv, kv_txn_t *t, uint32_t L, kv_cell_t *nc)
{
    kv_priv_t *p = kv_p(kv);
    kv_build_t *b = &p->build;
    int leaf = L + 1 == t->height;
    const uint8_t *parent = kv_fdata(kv, p->p_fr[L - 1]);
    const uint8_t *sib = kv_fdata(kv, p->m_fr[L]);
    uint32_t pi = p->p_idx[L - 1], si = p->m_idx[L];
    uint32_t left = si < pi ? si : pi, mine = b->n, first;
    /* (b) holds this level's cells after the change from below. */
    if (si < pi) {
        uint32_t ns = kv_pg_count(sib);
        memmove(&b->cells[ns], &b->cells[0], mine * sizeof b->cells[0]);
        b->n = 0;
        add_cells(b, sib, leaf);
        b->n = ns + mine;
        first = ns; /* the right member starts after the neighbour */
    } else {
        add_cells(b, sib, leaf);
        first = mine;
    }
    if (!leaf) { /* the right member's first cell takes the separator */
        const uint8_t *sc = kv_node_cell(parent, left + 1);
        const uint8_t *fc = b->cells[first].p;
        b->cells[first] = (kv_cell_t){
            p->mergecell,
            kv_branch_cell(p->mergecell, kv_branch_key(sc), kv_cell_klen(sc),
                           kv_branch_child(fc), kv_branch_ctxid(fc))};
    }
    kv_build_write(p->scratch[0], b, 0, b->n, leaf);
    kv_free(kv, kv_branch_child(kv_node_cell(parent, si)));
    uint32_t out0, f0 = kv_cow_target(kv, t, L, &out0);
    kv_place(kv, t, f0, out0, p->scratch[0]);
    kv_parent_cells_at(kv, t, L, left, out0, KV_NONE, nc);
    p->st.merges++;
    return left;
}
