/* KV page cache: a fixed array of 4 KiB frames, a hash from page number
 * to frame, and three lists. Free frames wait in `lfree`; clean frames sit
 * in `lclean` in LRU order (head = most recent) and are the only ones ever
 * evicted; dirty frames (pages the write txn made and has not written)
 * sit in `ldirty` and leave only by being written (commit, or a spill when
 * the cache runs short) or dropped (abort). A frame with a read or write
 * in flight is on no list.
 *
 * A hit only sets the frame's `ref` bit; eviction gives referenced frames
 * a second chance (moves them to the head), so the order is approximately
 * LRU at the cost of one store per hit.
 *
 * Pages are checked (checksum and structure) once, when they are read;
 * every later access checks only the identity its referrer expects (type,
 * page number, txid), which costs a few compares.
 */
#include "lib/kstring.h"
#include "store/kv_int.h"

static uint32_t *link_prev(kv_store_t *kv, uint32_t f)
{
    return &kv_p(kv)->fr[f].prev;
}
static uint32_t *link_next(kv_store_t *kv, uint32_t f)
{
    return &kv_p(kv)->fr[f].next;
}

static void lst_del(kv_store_t *kv, kv_list_t *l, uint32_t f)
{
    uint32_t p = *link_prev(kv, f), n = *link_next(kv, f);
    if (p != KV_NONE)
        *link_next(kv, p) = n;
    else
        l->head = n;
    if (n != KV_NONE)
        *link_prev(kv, n) = p;
    else
        l->tail = p;
    l->n--;
}

static void lst_push(kv_store_t *kv, kv_list_t *l, uint32_t f)
{
    *link_prev(kv, f) = KV_NONE;
    *link_next(kv, f) = l->head;
    if (l->head != KV_NONE)
        *link_prev(kv, l->head) = f;
    else
        l->tail = f;
    l->head = f;
    l->n++;
}

static kv_list_t *list_of(kv_store_t *kv, uint32_t f)
{
    kv_priv_t *p = kv_p(kv);
    switch (p->fr[f].state) {
    case KV_F_FREE: return &p->lfree;
    case KV_F_CLEAN: return &p->lclean;
    case KV_F_DIRTY: return &p->ldirty;
    default: return NULL;
    }
}

static void set_state(kv_store_t *kv, uint32_t f, uint8_t st)
{
    kv_list_t *l = list_of(kv, f);
    if (l)
        lst_del(kv, l, f);
    kv_p(kv)->fr[f].state = st;
    l = list_of(kv, f);
    if (l)
        lst_push(kv, l, f);
}

static uint32_t hslot(const kv_priv_t *p, uint32_t pgno)
{
    return (pgno * 2654435761u) & p->hmask;
}

static void hash_add(kv_store_t *kv, uint32_t f)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t i = hslot(p, p->fpg[f]);
    while (p->hash[i].pgno != KV_NONE)
        i = (i + 1) & p->hmask;
    p->hash[i] = (kv_hent_t){p->fpg[f], f};
}

/* Remove frame (f)'s entry and shift later entries of the probe sequence
 * back into the gap (no tombstones: lookups stay one short scan). */
static void hash_del(kv_store_t *kv, uint32_t f)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t m = p->hmask, i = hslot(p, p->fpg[f]);
    while (p->hash[i].frame != f || p->hash[i].pgno != p->fpg[f])
        i = (i + 1) & m;
    for (uint32_t j = i;;) {
        j = (j + 1) & m;
        if (p->hash[j].pgno == KV_NONE)
            break;
        uint32_t k = hslot(p, p->hash[j].pgno);
        /* Entry j may move to i iff its home k is not in (i, j]. */
        if (((j - k) & m) >= ((j - i) & m)) {
            p->hash[i] = p->hash[j];
            i = j;
        }
    }
    p->hash[i] = (kv_hent_t){KV_NONE, KV_NONE};
}

void kv_cache_init(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    p->lfree = p->lclean = p->ldirty = (kv_list_t){KV_NONE, KV_NONE, 0};
    for (uint32_t i = 0; i <= p->hmask; i++)
        p->hash[i] = (kv_hent_t){KV_NONE, KV_NONE};
    for (uint32_t f = 0; f < kv->cache_pages; f++) {
        p->fr[f] = (kv_frame_t){.state = KV_F_FREE};
        p->fpg[f] = KV_NONE;
        p->fbits[f] = 0;
        lst_push(kv, &p->lfree, f);
    }
}

uint32_t kv_cache_find(kv_store_t *kv, uint32_t pgno)
{
    kv_priv_t *p = kv_p(kv);
    for (uint32_t i = hslot(p, pgno);; i = (i + 1) & p->hmask) {
        const kv_hent_t *e = &p->hash[i];
        if (e->pgno == pgno || e->pgno == KV_NONE)
            return e->frame;
    }
}

void kv_frame_drop(kv_store_t *kv, uint32_t f)
{
    hash_del(kv, f);
    kv_p(kv)->fpg[f] = KV_NONE;
    kv_p(kv)->fbits[f] = 0; /* and the pin: the step forgets it (unpin) */
    set_state(kv, f, KV_F_FREE);
}

void kv_cache_forget(kv_store_t *kv, uint32_t pgno)
{
    uint32_t f = kv_cache_find(kv, pgno);
    if (f != KV_NONE)
        kv_frame_drop(kv, f);
}

/* Evict clean, unpinned frames from the LRU end until (need) are free. */
static void evict(kv_store_t *kv, uint32_t need)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t f = p->lclean.tail, budget = 2 * p->lclean.n;
    while (p->lfree.n < need && f != KV_NONE && budget--) {
        uint32_t prev = p->fr[f].prev;
        if (p->fbits[f] & KV_FB_REF) { /* used since: second chance */
            p->fbits[f] &= (uint8_t)~KV_FB_REF;
            lst_del(kv, &p->lclean, f);
            lst_push(kv, &p->lclean, f);
        } else if (!(p->fbits[f] & KV_FB_PIN)) {
            kv_frame_drop(kv, f);
        }
        f = prev;
    }
}

/* Make (need) frames free: evict clean frames, else spill dirty ones.
 * Every page a step has fetched stays pinned until the step ends (up to
 * KV_PIN_MAX), so making room for its next page never evicts one it is
 * still using; without that, a step needing more pages than there are
 * clean frames would evict and reload them forever. */
int kv_reserve(kv_store_t *kv, uint32_t need)
{
    if (need > kv->cache_pages / 2)
        return KERR_NOMEM;
    evict(kv, need);
    if (kv_p(kv)->lfree.n >= need)
        return KERR_OK;
    kv_p(kv)->st.spills++;
    return kv_spill(kv);
}

int kv_fetch(kv_store_t *kv, uint32_t pgno, uint8_t type, uint64_t txid,
             const uint8_t **pg, uint32_t *frame)
{
    kv_priv_t *p = kv_p(kv);
    if (pgno < 2 || pgno >= kv->npages)
        return KERR_CORRUPT;
    /* A 64-entry direct-mapped memo in front of the hash: the root and
     * upper branches, touched by every lookup, skip the hash. A stale
     * entry is harmless: fpg tells whether the frame still holds pgno. */
    uint32_t f = p->memo[pgno & (KV_MEMO - 1)];
    if (f >= kv->cache_pages || p->fpg[f] != pgno) {
        f = kv_cache_find(kv, pgno);
        if (f != KV_NONE)
            p->memo[pgno & (KV_MEMO - 1)] = f;
    }
    if (f != KV_NONE) {
        uint8_t fb = p->fbits[f];
        if (fb & (KV_FB_CORRUPT | KV_FB_IOERR)) {
            if (fb & KV_FB_IOERR) {
                kv_frame_drop(kv, f); /* an I/O error may be transient */
                return KERR_IO;
            }
            return KERR_CORRUPT;
        }
        p->fbits[f] = fb | KV_FB_REF; /* LRU order is kept lazily (evict) */
        kv_pin(kv, f); /* held for the rest of the step: see kv_reserve */
        p->st.cache_hits++;
        *pg = kv_fdata(kv, f);
        *frame = f;
        return kv_page_ident(*pg, pgno, type, txid);
    }
    int r = kv_reserve(kv, 1);
    if (r != KERR_OK)
        return r;
    f = p->lfree.head;
    p->fpg[f] = pgno;
    set_state(kv, f, KV_F_LOADING);
    hash_add(kv, f);
    kv_io_read(kv, pgno, kv_fdata(kv, f), f);
    return KV_WAIT;
}

void kv_load_done(kv_store_t *kv, uint32_t f, kerr_t res)
{
    kv_priv_t *p = kv_p(kv);
    set_state(kv, f, KV_F_CLEAN);
    if (res != KERR_OK)
        p->fbits[f] = KV_FB_IOERR;
    else if (kv_page_check(kv_fdata(kv, f)) != KERR_OK)
        p->fbits[f] = KV_FB_CORRUPT;
}

uint32_t kv_frame_new(kv_store_t *kv, uint32_t pgno)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t f = p->lfree.head;
    if (f == KV_NONE) /* kv_reserve guaranteed room */
        return KV_NONE;
    p->fpg[f] = pgno;
    p->fbits[f] = 0;
    set_state(kv, f, KV_F_DIRTY);
    hash_add(kv, f);
    return f;
}

void kv_frame_dirty(kv_store_t *kv, uint32_t f)
{
    if (kv_p(kv)->fr[f].state != KV_F_DIRTY)
        set_state(kv, f, KV_F_DIRTY);
}

void kv_frame_clean(kv_store_t *kv, uint32_t f)
{
    set_state(kv, f, KV_F_CLEAN);
}

void kv_frame_writing(kv_store_t *kv, uint32_t f)
{
    set_state(kv, f, KV_F_WRITING);
}

void kv_pin(kv_store_t *kv, uint32_t f)
{
    kv_priv_t *p = kv_p(kv);
    if (p->npins < KV_PIN_MAX && !(p->fbits[f] & KV_FB_PIN)) {
        p->fbits[f] |= KV_FB_PIN;
        p->pins[p->npins++] = f;
    }
}

void kv_unpin_all(kv_store_t *kv)
{
    kv_priv_t *p = kv_p(kv);
    while (p->npins)
        p->fbits[p->pins[--p->npins]] &= (uint8_t)~KV_FB_PIN;
}
