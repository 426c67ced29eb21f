/* KV open: memory, meta pages, format, and the walk that rebuilds the
 * free-page bitmaps from the durable tree.
 *
 * Free space is not stored on disk: it is whatever the newest valid
 * meta's tree does not reach. Open walks that tree (every branch, leaf and
 * overflow index page; overflow data pages are listed by their index and
 * not read), checking each page on the way, and marks what it finds. A
 * page reached twice means a corrupt tree (KERR_CORRUPT). This costs one
 * read per tree page at open and nothing on any later path, and it makes
 * space leaked by a crash (or a full pending ring) come back for free.
 */
#include "kernel/kmem.h"
#include "lib/kstring.h"
#include "store/kv_int.h"

enum { O_START = 0, O_META0, O_META1, O_FORMAT, O_FLUSH, O_WALK };

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static uint32_t hash_size(uint32_t cache)
{
    uint32_t h = 64;
    while (h < 2 * cache)
        h *= 2;
    return h;
}

static uint32_t pending_of(const kv_config_t *cfg)
{
    return cfg->pending_max ? cfg->pending_max : 4096;
}

static uint64_t usable_pages(const kv_config_t *cfg, uint64_t dev_pages)
{
    uint64_t n = dev_pages;
    if (cfg->max_pages && cfg->max_pages < n)
        n = cfg->max_pages;
    return n > (1u << 30) ? (1u << 30) : n;
}

/* Reserve (n) bytes aligned to (align) at *(off); returns the offset. */
static size_t take(size_t *off, size_t n, size_t align)
{
    size_t at = align_up(*off, align);
    *off = at + n;
    return at;
}

/* The layout of the open memory, one function for kv_mem_size and carve:
 * priv, frame table, per-frame page numbers and flags, hash, 3 bitmaps,
 * pending ring, sort buffer, then (4 KiB aligned) the cache frames and 4
 * scratch pages. With (base) NULL it only measures. */
static size_t layout(const kv_config_t *cfg, uint64_t np, uint8_t *base)
{
    size_t off = 0, n = cfg->cache_pages, words = (size_t)(np + 63) / 64;
    uint32_t hsize = hash_size(cfg->cache_pages);
    size_t o_priv = take(&off, sizeof(kv_priv_t), 64);
    size_t o_fr = take(&off, n * sizeof(kv_frame_t), 8);
    size_t o_fpg = take(&off, n * 4, 8);
    size_t o_hash = take(&off, (size_t)hsize * sizeof(kv_hent_t), 64);
    size_t o_bm = take(&off, 3 * words * 8, 8);
    size_t o_ring = take(&off, (size_t)pending_of(cfg) * sizeof(kv_pend_t), 8);
    size_t o_sort = take(&off, n * 4, 8);
    size_t o_bits = take(&off, n, 8);
    size_t o_data = take(&off, (n + 4) * KV_PG, KV_PG);
    if (!base)
        return off;
    kv_priv_t *p = (kv_priv_t *)(void *)(base + o_priv);
    memset(p, 0, sizeof *p);
    p->fr = (kv_frame_t *)(void *)(base + o_fr);
    p->fpg = (uint32_t *)(void *)(base + o_fpg);
    p->hmask = hsize - 1;
    p->hash = (kv_hent_t *)(void *)(base + o_hash);
    p->bm_words = (uint32_t)words;
    p->bm_commit = (uint64_t *)(void *)(base + o_bm);
    p->bm_held = p->bm_commit + words;
    p->bm_txn = p->bm_held + words;
    p->ring = (kv_pend_t *)(void *)(base + o_ring);
    p->sortbuf = (uint32_t *)(void *)(base + o_sort);
    p->fbits = base + o_bits;
    p->data = base + o_data;
    uint8_t *sp = p->data + n * KV_PG;
    p->scratch[0] = sp;
    p->scratch[1] = sp + KV_PG;
    p->meta = sp + 2 * KV_PG;
    p->ovfidx = sp + 3 * KV_PG;
    return off;
}

size_t kv_mem_size(const kv_config_t *cfg, uint64_t dev_pages)
{
    return layout(cfg, usable_pages(cfg, dev_pages), NULL);
}

static void carve(kv_store_t *kv, const kv_config_t *cfg, uint8_t *m,
                  uint64_t np)
{
    layout(cfg, np, m);
    kv->priv = m;
    for (int i = 0; i < KV_MAX_HEIGHT; i++)
        kv_p(kv)->p_fr[i] = KV_NONE;
}

/* Validate (cfg) against the device and take the memory. */
static int setup(kv_store_t *kv, const kv_config_t *cfg)
{
    kblk_info_t info;
    if (!cfg || cfg->cache_pages < KV_MIN_CACHE ||
        cfg->cache_pages > (1u << 20))
        return KERR_INVALID;
    kerr_t e = kblk_info(cfg->dev, &info);
    if (e != KERR_OK)
        return e;
    uint32_t ss = info.sector_size;
    if (ss < 512 || ss > KV_PG || (ss & (ss - 1)))
        return KERR_INVALID;
    uint64_t np = usable_pages(cfg, info.sectors * ss / KV_PG);
    if (np < 16)
        return KERR_INVALID;
    size_t need = kv_mem_size(cfg, np);
    uint8_t *mem = cfg->mem;
    if (mem && (cfg->mem_size < need || ((uintptr_t)mem & (KV_PG - 1))))
        return KERR_NOMEM;
    if (!mem && !(mem = kmem_alloc(need, KV_PG)))
        return KERR_NOMEM;
    kv_req_t *qh = kv->q_head, *qt = kv->q_tail;
    uint8_t busy = kv->busy;
    memset(kv, 0, sizeof *kv);
    kv->q_head = qh;
    kv->q_tail = qt;
    kv->busy = busy;
    kv->dev = cfg->dev;
    kv->npages = (uint32_t)np;
    kv->cache_pages = cfg->cache_pages;
    kv->pending_max = pending_of(cfg);
    kv->sector_shift = (uint32_t)__builtin_ctz(KV_PG / ss);
    carve(kv, cfg, mem, np);
    kv_p(kv)->wr_slots = cfg->write_slots && cfg->write_slots < KV_WR_SLOTS
                             ? cfg->write_slots
                             : KV_WR_SLOTS;
    kv_cache_init(kv);
    kv_alloc_init(kv);
    kv->state = KV_ST_OPENING;
    return KERR_OK;
}

/* Mark page (pg) as reached by the tree: KERR_CORRUPT if out of range or
 * reached before. */
static int mark(kv_store_t *kv, uint32_t pg)
{
    kv_priv_t *p = kv_p(kv);
    if (pg < 2 || pg >= kv->npages || kv_bm_test(p->bm_commit, pg))
        return KERR_CORRUPT;
    kv_bm_set(p->bm_commit, pg);
    if (pg + 1 > p->high_water)
        p->high_water = pg + 1;
    return KERR_OK;
}

/* Overflow index (ipg, itx): fetch it and mark it and its data pages. */
static int mark_value(kv_store_t *kv, const uint8_t *c)
{
    const uint8_t *idx;
    uint32_t f, ipg = kv_ld32(kv_leaf_val(c));
    int rc =
        kv_fetch(kv, ipg, KV_PT_OVFIDX, kv_ld64(kv_leaf_val(c) + 4), &idx, &f);
    if (rc != KERR_OK)
        return rc;
    if (kv_pg_count(idx) != (kv_leaf_vlen(c) + KV_OVF_DATA - 1) / KV_OVF_DATA)
        return KERR_CORRUPT;
    for (uint32_t i = 0; i < kv_pg_count(idx) && rc == KERR_OK; i++)
        rc = mark(kv, kv_ld32(idx + KV_HDR + 4 * i));
    return rc == KERR_OK ? mark(kv, ipg) : rc;
}

/* Depth-first walk with an explicit stack (w_*): w_idx is the next child
 * (branch) or cell (leaf) to visit; w_idx == KV_NONE: not yet marked. */
static int walk(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    const kv_txn_t *t = &kv->committed;
    while (p->w_top >= 0) {
        int L = p->w_top, leaf = (uint32_t)L + 1 == t->height, rc;
        const uint8_t *pg;
        uint32_t f;
        rc = kv_fetch(kv, p->w_pg[L], leaf ? KV_PT_LEAF : KV_PT_BRANCH,
                      p->w_txid[L], &pg, &f);
        if (rc == KERR_OK && p->w_idx[L] == KV_NONE) {
            rc = mark(kv, p->w_pg[L]);
            p->w_idx[L] = 0;
        }
        if (rc != KERR_OK)
            return rc;
        if (p->w_idx[L] >= kv_pg_count(pg)) {
            p->w_top--;
            continue;
        }
        const uint8_t *c = kv_node_cell(pg, p->w_idx[L]);
        if (leaf) {
            if (kv_leaf_is_ovf(c) && (rc = mark_value(kv, c)) != KERR_OK)
                return rc;
            p->w_idx[L]++;
            continue;
        }
        p->w_idx[L]++;
        p->w_top = L + 1;
        p->w_pg[L + 1] = kv_branch_child(c);
        p->w_txid[L + 1] = kv_branch_ctxid(c);
        p->w_idx[L + 1] = KV_NONE;
    }
    return KERR_OK;
}

static void adopt(kv_store_t *kv, const kv_meta_t *m, uint32_t slot)
{
    kv_priv_t *p = kv_p(kv);
    kv->committed = (kv_txn_t){.kv = kv,
                               .txid = m->txid,
                               .root = m->root,
                               .height = m->height,
                               .root_txid = m->root_txid,
                               .nkeys = m->nkeys,
                               .open = 1};
    /* Skip ahead: txns aborted (or in flight) before a crash used the ids
     * after m->txid and may have left pages on disk; a new txn must never
     * share an id with them. 2^20 aborts per boot between two commits is
     * the bound this relies on. */
    kv->next_txid = m->txid + (1u << 20);
    p->meta_slot = slot;
    p->w_top = m->root ? 0 : -1;
    p->w_pg[0] = m->root;
    p->w_txid[0] = m->root_txid;
    p->w_idx[0] = KV_NONE;
}

/* Both metas read: pick the newest valid one, or format a blank device. */
static int choose(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    if (p->mres[0] == KERR_NOT_FOUND && p->mres[1] == KERR_NOT_FOUND) {
        kv_meta_t m = {.txid = 1, .npages = kv->npages, .high_water = 2};
        adopt(kv, &m, 0);
        kv_meta_encode(p->meta, &m, 0);
        kv_io_write_buf(kv, 0, p->meta, KV_PG);
        return O_FORMAT;
    }
    int best = -1;
    for (int i = 0; i < 2; i++)
        if (p->mres[i] == KERR_OK &&
            (best < 0 || p->m[i].txid > p->m[best].txid))
            best = i;
    if (best < 0)
        return -KERR_CORRUPT;
    if (p->m[best].npages > kv->npages || p->m[best].height > KV_MAX_HEIGHT)
        return -KERR_INVALID;
    kv->npages = p->m[best].npages;
    kv_alloc_init(kv);
    p->high_water = p->m[best].high_water;
    adopt(kv, &p->m[best], (uint32_t)best);
    return O_WALK;
}

int kv_step_open(kv_store_t *kv, kv_req_t *r)
{
    if (r->st_phase == O_START) {
        if (kv->wtxn || kv->snaps || kv->state == KV_ST_OPENING)
            return KERR_BUSY;
        int rc = setup(kv, r->cfg);
        if (rc != KERR_OK)
            return rc;
        r->st_phase = O_META0;
        kv_io_read(kv, 0, kv_p(kv)->meta, KV_NONE);
        return KV_WAIT;
    }
    kv_priv_t *p = kv_p(kv);
    int rc = KERR_OK;
    if (p->io_err) {
        rc = KERR_IO;
    } else if (r->st_phase == O_META0 || r->st_phase == O_META1) {
        int i = r->st_phase == O_META0 ? 0 : 1;
        p->mres[i] = kv_meta_decode(p->meta, (uint32_t)i, &p->m[i]);
        if (i == 0) {
            r->st_phase = O_META1;
            kv_io_read(kv, 1, p->meta, KV_NONE);
            return KV_WAIT;
        }
        int next = choose(kv);
        if (next < 0)
            rc = -next;
        else
            r->st_phase = (uint32_t)next;
        if (next == O_FORMAT)
            return KV_WAIT;
    } else if (r->st_phase == O_FORMAT) {
        r->st_phase = O_FLUSH;
        kv_io_flush(kv);
        return KV_WAIT;
    }
    if (rc == KERR_OK && r->st_phase == O_WALK)
        rc = walk(kv);
    if (rc == KV_WAIT)
        return rc;
    kv->state = rc == KERR_OK ? KV_ST_READY : KV_ST_CLOSED;
    return rc;
}
