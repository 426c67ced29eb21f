/* KV free-page management.
 *
 * Three bitmaps, one bit per device page (pages 0 and 1 are the metas):
 *   commit  reachable from the last committed tree
 *   held    freed by a commit, but a snapshot older than that commit may
 *           still read it
 *   txn     allocated by the open write transaction
 * A page is allocatable iff it is in none of them; allocation takes the
 * lowest such page, so a store under steady load stays compact.
 *
 * The reuse rule. A committed page the write txn stops using is not free
 * yet: the last commit (and snapshots) still reach it. It goes into the
 * pending ring tagged with the txn's id T. Only when commit T is durable
 * (its meta flushed) does it leave `commit`; it then sits in `held` until
 * no open snapshot is older than T, and only then can it be allocated.
 * Torn or lost writes of a crash can therefore only hit pages that no
 * durable meta reaches. A page the txn itself allocated and then stops
 * using is free again at once (nothing else ever saw it). Abort drops the
 * ring entries of the txn and clears `txn`.
 *
 * Memory is fixed: the ring has pending_max entries. If it is full, a
 * freed page simply stays in `commit` (counted as leaked) until the next
 * open, whose tree walk rebuilds the bitmaps from the durable tree.
 */
#include "lib/kstring.h"
#include "store/kv_int.h"

bool kv_bm_test(const uint64_t *bm, uint32_t pgno)
{
    return (bm[pgno >> 6] >> (pgno & 63)) & 1;
}

void kv_bm_set(uint64_t *bm, uint32_t pgno)
{
    bm[pgno >> 6] |= 1ull << (pgno & 63);
}

static void bm_clr(uint64_t *bm, uint32_t pgno)
{
    bm[pgno >> 6] &= ~(1ull << (pgno & 63));
}

void kv_alloc_init(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    size_t bytes = (size_t)p->bm_words * 8;
    memset(p->bm_commit, 0, bytes);
    memset(p->bm_held, 0, bytes);
    memset(p->bm_txn, 0, bytes);
    /* Pages past npages and the metas are never allocatable. */
    for (uint32_t pg = kv->npages; pg < p->bm_words * 64; pg++)
        kv_bm_set(p->bm_commit, pg);
    kv_bm_set(p->bm_commit, 0);
    kv_bm_set(p->bm_commit, 1);
    p->hint = 2;
    p->ring_head = p->ring_len = p->ring_txn_start = 0;
}

/* Lowest allocatable page at or after word (w0), or KV_NONE. */
static uint32_t find_free(const kv_priv_t *p, uint32_t w0)
{
    for (uint32_t w = w0; w < p->bm_words; w++) {
        uint64_t busy = p->bm_commit[w] | p->bm_held[w] | p->bm_txn[w];
        if (busy != ~0ull)
            return w * 64 + (uint32_t)__builtin_ctzll(~busy);
    }
    return KV_NONE;
}

int kv_alloc_avail(kv_store_t *kv, uint32_t need)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t have = 0;
    for (uint32_t w = p->hint >> 6; w < p->bm_words && have < need; w++) {
        uint64_t busy = p->bm_commit[w] | p->bm_held[w] | p->bm_txn[w];
        have += (uint32_t)__builtin_popcountll(~busy);
    }
    return have >= need ? KERR_OK : KERR_NOMEM;
}

uint32_t kv_alloc(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t pg = find_free(p, p->hint >> 6);
    if (pg == KV_NONE)
        return KV_NONE;
    kv_bm_set(p->bm_txn, pg);
    p->hint = pg + 1;
    if (pg + 1 > p->high_water)
        p->high_water = pg + 1;
    /* A cached copy of the page's old life is stale now. */
    uint32_t f = kv_cache_find(kv, pg);
    if (f != KV_NONE)
        kv_frame_drop(kv, f);
    return pg;
}

void kv_free(kv_store_t *kv, uint32_t pgno)
{
    kv_priv_t *p = kv_p(kv);
    if (kv_bm_test(p->bm_txn, pgno)) {
        bm_clr(p->bm_txn, pgno);
        uint32_t f = kv_cache_find(kv, pgno);
        if (f != KV_NONE)
            kv_frame_drop(kv, f);
        if (pgno < p->hint)
            p->hint = pgno;
        return;
    }
    if (p->ring_len == kv->pending_max) {
        p->st.leaked++;
        return;
    }
    kv_pend_t *e = &p->ring[(p->ring_head + p->ring_len) % kv->pending_max];
    e->pgno = pgno;
    e->txid = kv->wtxn->txid;
    p->ring_len++;
}

/* Commit is durable: the txn's pages join the tree, its frees leave it. */
void kv_alloc_commit(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    for (uint32_t w = 0; w < p->bm_words; w++)
        p->bm_commit[w] |= p->bm_txn[w];
    memset(p->bm_txn, 0, (size_t)p->bm_words * 8);
    for (uint32_t i = p->ring_txn_start; i < p->ring_len; i++) {
        uint32_t pg = p->ring[(p->ring_head + i) % kv->pending_max].pgno;
        bm_clr(p->bm_commit, pg);
        kv_bm_set(p->bm_held, pg);
    }
    p->ring_txn_start = p->ring_len;
    kv_alloc_release(kv);
}

void kv_alloc_abort(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    memset(p->bm_txn, 0, (size_t)p->bm_words * 8);
    p->ring_len = p->ring_txn_start;
    p->hint = 2;
}

/* Free the held pages no open snapshot can reach: those freed by commits
 * no older than the oldest snapshot + 1. */
void kv_alloc_release(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    uint64_t oldest = UINT64_MAX;
    for (kv_txn_t *s = kv->snaps; s; s = s->next)
        if (s->txid < oldest)
            oldest = s->txid;
    while (p->ring_txn_start > 0) {
        kv_pend_t *e = &p->ring[p->ring_head];
        if (e->txid > oldest)
            break;
        bm_clr(p->bm_held, e->pgno);
        if (e->pgno < p->hint)
            p->hint = e->pgno;
        p->ring_head = (p->ring_head + 1) % kv->pending_max;
        p->ring_len--;
        p->ring_txn_start--;
    }
}

uint32_t kv_alloc_used(const kv_store_t *kv)
{
    const kv_priv_t *p = kv_p(kv);
    uint32_t n = 0;
    for (uint32_t w = 0; w < p->bm_words; w++)
        n += (uint32_t)__builtin_popcountll(p->bm_commit[w]);
    return n - (p->bm_words * 64 - kv->npages);
}
