/* KV commit and abort.
 *
 * Commit protocol (why it is crash-safe: docs/kv.md):
 *   1. write every dirty page of the txn (all to pages no durable meta
 *      reaches), and wait until all have completed;
 *   2. flush: the new tree is durable;
 *   3. write the meta page into the slot the last commit did NOT use;
 *   4. flush: the meta is durable, the commit is done.
 * Only then do the pages the txn stopped using start to be reusable
 * (kv_alloc_commit). A crash before 4 completes leaves the old meta as the
 * newest valid one; a torn meta fails its checksum and is ignored.
 */
#include "lib/kstring.h"
#include "store/kv_int.h"

enum { C_START = 0, C_PAGES, C_FLUSH1, C_META, C_FLUSH2 };

static void end_write_txn(kv_store_t *kv, kv_txn_t *t)
{
    kv->wtxn = NULL;
    t->open = 0;
    kv_p(kv)->txn_dirty = 0;
}

static int fail(kv_store_t *kv)
{
    kv->state = KV_ST_FAILED;
    if (kv->wtxn)
        end_write_txn(kv, kv->wtxn);
    return KERR_IO;
}

static void publish(kv_store_t *kv, kv_txn_t *t)
{
    kv_priv_t *p = kv_p(kv);
    kv->committed.txid = t->txid;
    kv->committed.root = t->root;
    kv->committed.root_txid = t->root_txid;
    kv->committed.height = t->height;
    kv->committed.nkeys = t->nkeys;
    p->meta_slot ^= 1;
    kv_alloc_commit(kv);
    end_write_txn(kv, t);
}

static void write_meta(kv_store_t *kv, const kv_txn_t *t)
{
    kv_priv_t *p = kv_p(kv);
    kv_meta_t m = {
        .txid = t->txid,
        .root = t->root,
        .height = t->height,
        .root_txid = t->root_txid,
        .nkeys = t->nkeys,
        .npages = kv->npages,
        .high_water = p->high_water,
    };
    kv_meta_encode(p->meta, &m, p->meta_slot ^ 1);
    kv_io_write_buf(kv, p->meta_slot ^ 1, p->meta, KV_PG);
}

int kv_step_commit(kv_store_t *kv, kv_req_t *r)
{
    kv_priv_t *p = kv_p(kv);
    kv_txn_t *t = r->txn;
    if (r->st_phase == C_START) {
        if (!t || t != kv->wtxn || !t->open)
            return KERR_INVALID;
        if (!p->txn_dirty) {
            end_write_txn(kv, t);
            kv_alloc_abort(kv);
            return KERR_OK;
        }
        r->st_phase = C_PAGES;
    }
    if (p->io_err)
        return fail(kv);
    switch (r->st_phase) {
    case C_PAGES:
        if (p->ldirty.n)
            return kv_spill(kv) == KV_WAIT ? KV_WAIT : fail(kv);
        r->st_phase = C_FLUSH1;
        kv_io_flush(kv);
        return KV_WAIT;
    case C_FLUSH1:
        r->st_phase = C_META;
        write_meta(kv, t);
        return KV_WAIT;
    case C_META:
        r->st_phase = C_FLUSH2;
        kv_io_flush(kv);
        return KV_WAIT;
    default: publish(kv, t); return KERR_OK;
    }
}

/* Forget every cached page the write txn made: their numbers may be
 * handed out again. */
static void drop_txn_frames(kv_store_t *kv, uint64_t txid)
{
    kv_priv_t *p = kv_p(kv);
    for (uint32_t f = 0; f < kv->cache_pages; f++) {
        uint8_t st = p->fr[f].state;
        if ((st == KV_F_CLEAN || st == KV_F_DIRTY) &&
            !(p->fbits[f] & (KV_FB_CORRUPT | KV_FB_IOERR)) &&
            kv_pg_txid(kv_fdata(kv, f)) == txid)
            kv_frame_drop(kv, f);
    }
}

int kv_step_abort(kv_store_t *kv, kv_req_t *r)
{
    kv_txn_t *t = r->txn;
    if (!t || t->kv != kv || !t->open)
        return KERR_INVALID;
    if (!t->write) {
        kv_end(t);
        return KERR_OK;
    }
    if (t != kv->wtxn)
        return KERR_INVALID;
    drop_txn_frames(kv, t->txid);
    kv_alloc_abort(kv);
    end_write_txn(kv, t);
    return KERR_OK;
}
