/* KV service: the request queue, the engine loop, transactions, and the
 * kservice that serves KOP_CLASS_KV.
 *
 * Requests of one store run strictly in submission order, one at a time
 * (kv_int.h explains steps). The engine runs from ksubmit (when the store
 * is idle) and from the completions of the store's own block requests;
 * both are tick context, and results go back through kcomplete(), so
 * callbacks always come from the event loop.
 */
#include "kernel/kinit.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "store/kv_int.h"

kv_txn_t *kv_req_txn(kv_store_t *kv, kv_req_t *r)
{
    kv_txn_t *t = r->txn ? r->txn : &kv->committed;
    return t->kv == kv && t->open ? t : NULL;
}

static int step(kv_store_t *kv, kv_req_t *r)
{
    if (r->work.op == KOP_KV_OPEN)
        return kv_step_open(kv, r);
    if (kv->state == KV_ST_FAILED && r->work.op != KOP_KV_ABORT)
        return KERR_IO;
    if (kv->state != KV_ST_READY)
        return KERR_INVALID;
    switch (r->work.op) {
    case KOP_KV_GET: return kv_step_get(kv, r);
    case KOP_KV_PUT: return kv_step_put(kv, r);
    case KOP_KV_DEL: return kv_step_del(kv, r);
    case KOP_KV_SCAN: return kv_step_scan(kv, r);
    case KOP_KV_COMMIT: return kv_step_commit(kv, r);
    case KOP_KV_ABORT: return kv_step_abort(kv, r);
    default: return KERR_INVALID;
    }
}

static void dequeue(kv_store_t *kv, kv_req_t *r)
{
    kv_req_t **pp = &kv->q_head, *prev = NULL;
    while (*pp != r) {
        prev = *pp;
        pp = &(*pp)->st_next;
    }
    *pp = r->st_next;
    if (kv->q_tail == r)
        kv->q_tail = prev;
    r->st_next = NULL;
}

static bool io_busy(const kv_store_t *kv)
{
    return kv->priv && kv_p(kv)->io_pending;
}

void kv_run(kv_store_t *kv)
{
    if (kv->busy)
        return;
    kv->busy = 1;
    kv_req_t *r;
    while (!io_busy(kv) && (r = kv->q_head)) {
        if (kv->priv && kv_p(kv)->io_err && kv->state == KV_ST_READY) {
            kv->state = KV_ST_FAILED; /* a write or flush failed */
            if (kv->wtxn) {           /* its txn is over: reopen allowed */
                kv->wtxn->open = 0;
                kv->wtxn = NULL;
            }
        }
        int rc = step(kv, r);
        if (kv->priv)
            kv_unpin_all(kv);
        if (rc == KV_WAIT)
            continue; /* the loop re-steps it once its I/O is done */
        dequeue(kv, r);
        kcomplete(&r->work, (kerr_t)rc);
    }
    kv->busy = 0;
}

static kerr_t kv_submit(kwork_t *w)
{
    kv_req_t *r = KCONTAINER_OF(w, kv_req_t, work);
    kv_store_t *kv = r->kv;
    if (!kv || w->op < KOP_KV_OPEN || w->op > KOP_KV_ABORT)
        return KERR_INVALID;
    if (w->op != KOP_KV_OPEN && kv->state == KV_ST_CLOSED)
        return KERR_INVALID;
    r->st_phase = r->st_pos = r->st_n = r->st_flags = r->st_pg = 0;
    r->st_next = NULL;
    if (kv->q_tail)
        kv->q_tail->st_next = r;
    else
        kv->q_head = r;
    kv->q_tail = r;
    kv_run(kv);
    return KERR_OK;
}

static bool kv_cancel(kwork_t *w)
{
    kv_req_t *r = KCONTAINER_OF(w, kv_req_t, work);
    kv_store_t *kv = r->kv;
    if (r == kv->q_head && !kv_step_retractable(r)) {
        kv_mark_cancel(r);
        return false;
    }
    if (r == kv->q_head && r->work.op == KOP_KV_PUT)
        kv_put_undo(kv, r);
    dequeue(kv, r);
    /* If it was waiting for a page, the read still lands in the cache and
     * its completion runs the next request. */
    return true;
}

static const kservice_t kv_service = {
    .name = "kv",
    .submit = kv_submit,
    .cancel = kv_cancel,
};

void kv_service_register(void)
{
    kservice_register(KOP_CLASS_KV, &kv_service);
}
KINIT(kv_service_register);

void kv_req_init(kv_req_t *r, kop_t op, kv_store_t *kv, kwork_fn callback,
                 void *ctx)
{
    memset(r, 0, sizeof *r);
    kwork_init(&r->work, op, callback, ctx);
    r->kv = kv;
}

kerr_t kv_begin(kv_store_t *kv, kv_txn_t *t, int write)
{
    if (kv->state == KV_ST_FAILED)
        return KERR_IO;
    if (kv->state != KV_ST_READY)
        return KERR_INVALID;
    if (write && kv->wtxn)
        return KERR_BUSY;
    *t = kv->committed;
    t->write = write ? 1 : 0;
    t->open = 1;
    t->next = NULL;
    if (write) {
        t->txid = kv->next_txid++;
        kv->wtxn = t;
        kv_p(kv)->txn_dirty = 0;
    } else {
        t->next = kv->snaps;
        kv->snaps = t;
    }
    return KERR_OK;
}

void kv_end(kv_txn_t *t)
{
    kv_store_t *kv = t->kv;
    if (!t->open || t->write)
        return;
    kv_txn_t **pp = &kv->snaps;
    while (*pp && *pp != t)
        pp = &(*pp)->next;
    if (*pp)
        *pp = t->next;
    t->open = 0;
    if (kv->priv)
        kv_alloc_release(kv);
}

void kv_stats(const kv_store_t *kv, kv_stats_t *out)
{
    const kv_priv_t *p = kv_p(kv);
    *out = p->st;
    out->txid = kv->committed.txid;
    out->nkeys = kv->committed.nkeys;
    out->npages = kv->npages;
    out->high_water = p->high_water;
    out->used_pages = kv_alloc_used(kv);
}
