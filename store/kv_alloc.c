/* KV free-page management.
 *
 * Three bitmaps, one bit per device page (pages 0 and 1 are the metas):
 *   commit  reachable from the last committed tree
 *   held    freed by a commit, but a snapshot older than that commit may
 *           still read it
 *   txn     allocated by the open write transaction
 * A page is allocatable iff it is in none of them.
 *
 * Placement. A commit writes its pages sorted by number, one block request
 * per run of contiguous pages (kv_io.c), so a txn's pages should be
 * contiguous: allocation continues the run it is in (the page after the
 * last one it handed out) while that page is free, and otherwise starts
 * a new run: at the lowest free stretch of KV_RUN pages (one full write
 * request) below the high-water mark, else of KV_RUN_MIN pages below it,
 * else past it (the store grows) if the pages below it are at least half
 * in use, else at the lowest free page. Every txn starts a new run, so
 * the lowest stretches are used first. A commit frees the old copies of
 * the pages it replaced, which came from the runs of earlier commits, so
 * freed space comes back as runs; and the store never takes more than
 * about twice the pages its tree needs (kv_steady_updates_do_not_grow).
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
    p->hint = p->cursor = 2;
    p->ring_head = p->ring_len = p->ring_txn_start = 0;
}

static uint64_t busy_word(const kv_priv_t *p, uint32_t w)
{
    return p->bm_commit[w] | p->bm_held[w] | p->bm_txn[w];
}

static bool page_free(const kv_store_t *kv, uint32_t pg)
{
    const kv_priv_t *p = kv_p(kv);
    return pg < kv->npages && !((busy_word(p, pg >> 6) >> (pg & 63)) & 1);
}

/* Start of the lowest stretch of (len) (1..64) allocatable pages at or
 * after word (w0), or KV_NONE. A few operations per bitmap word: the run
 * carried over from the words below, then runs inside the word (shift
 * and: bit i of x is set iff pages i..i+len-1 of the word are all free). */
static uint32_t find_run(const kv_priv_t *p, uint32_t w0, uint32_t len)
{
    uint32_t run = 0; /* free pages at the top of the words below */
    for (uint32_t w = w0; w < p->bm_words; w++) {
        uint64_t busy = busy_word(p, w), x = ~busy;
        if (busy == ~0ull) {
            run = 0;
            continue;
        }
        uint32_t low = busy ? (uint32_t)__builtin_ctzll(busy) : 64;
        if (run + low >= len)
            return w * 64 - run;
        for (uint32_t have = 1; have < len;) {
            uint32_t sh = have < len - have ? have : len - have;
            x &= x >> sh;
            have += sh;
        }
        if (x)
            return w * 64 + (uint32_t)__builtin_ctzll(x);
        run = (uint32_t)__builtin_clzll(busy); /* busy != 0 here */
    }
    return KV_NONE;
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

/* May the store grow past its high-water mark for a run? Only while the
 * pages below it are at least half in use: contiguity may cost at most
 * about as much space again as the tree needs, never the whole device. */
static bool may_grow(const kv_priv_t *p)
{
    uint32_t used = 0, words = (p->high_water + 63) / 64;
    for (uint32_t w = 0; w < words && w < p->bm_words; w++)
        used += (uint32_t)__builtin_popcountll(busy_word(p, w));
    return p->high_water < 2 * used + 4 * KV_RUN;
}

/* The first page of a new run (see Placement above). */
static uint32_t new_run(kv_priv_t *p)
{
    uint32_t w0 = p->hint >> 6, pg = find_run(p, w0, KV_RUN);
    if (pg != KV_NONE && pg < p->high_water)
        return pg;
    uint32_t q = find_run(p, w0, KV_RUN_MIN); /* shorter, inside the store */
    if (q < p->high_water)
        return q;
    if (pg != KV_NONE && may_grow(p))
        return pg;
    pg = find_free(p, w0);
    if (pg != KV_NONE)
        p->hint = pg + 1; /* it was the lowest free page */
    return pg;
}

uint32_t kv_alloc(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t pg = p->cursor;
    if (!page_free(kv, pg) || (pg >= p->high_water && !may_grow(p)))
        pg = new_run(p);
    if (pg == KV_NONE)
        return KV_NONE;
    kv_bm_set(p->bm_txn, pg);
    p->cursor = pg + 1;
    if (pg + 1 > p->high_water)
        p->high_water = pg + 1;
    kv_cache_forget(kv, pg); /* normally done at release; be sure */
    return pg;
}

void kv_free(kv_store_t *kv, uint32_t pgno)
{
    kv_priv_t *p = kv_p(kv);
    if (kv_bm_test(p->bm_txn, pgno)) {
        bm_clr(p->bm_txn, pgno);
        kv_cache_forget(kv, pgno);
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
    p->cursor = 0; /* never free: the next txn starts a new run */
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
    p->cursor = 0;
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
        kv_cache_forget(kv, e->pgno); /* dead: give the frame back */
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
