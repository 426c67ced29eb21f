/* KV get, put, delete and scan: one step each (see kv_int.h). */
#include "lib/kstring.h"
#include "store/kv_int.h"

#define KV_CANCEL 1u /* st_flags: cancelled while not retractable */

static int key_ok(const kv_req_t *r)
{
    return r->key && r->klen >= 1 && r->klen <= KV_MAX_KEY;
}

static int write_txn_ok(kv_store_t *kv, const kv_req_t *r)
{
    return r->txn && r->txn == kv->wtxn && r->txn->open && r->txn->write;
}

/* Copy overflow value (ipg, itx, vlen) into (dst), resuming at data page
 * *(pos). */
int kv_ovf_read(kv_store_t *kv, uint32_t ipg, uint64_t itx, uint32_t vlen,
                uint8_t *dst, uint32_t *pos)
{
    const uint8_t *idx, *d;
    uint32_t f;
    int r = kv_fetch(kv, ipg, KV_PT_OVFIDX, itx, &idx, &f);
    if (r != KERR_OK)
        return r;
    uint32_t n = kv_pg_count(idx);
    if (n != (vlen + KV_OVF_DATA - 1) / KV_OVF_DATA)
        return KERR_CORRUPT;
    for (; *pos < n; (*pos)++) {
        uint32_t dpg = kv_ld32(idx + KV_HDR + 4 * *pos);
        r = kv_fetch(kv, dpg, KV_PT_OVF, itx, &d, &f);
        if (r != KERR_OK)
            return r;
        uint32_t off = *pos * KV_OVF_DATA, len = vlen - off;
        if (len > KV_OVF_DATA)
            len = KV_OVF_DATA;
        if (kv_pg_aux(d) != len)
            return KERR_CORRUPT;
        memcpy(dst + off, d + KV_HDR, len);
        /* (idx) stays valid: a hit never evicts, a miss returned above. */
    }
    return KERR_OK;
}

int kv_step_get(kv_store_t *kv, kv_req_t *r)
{
    kv_priv_t *p = kv_p(kv);
    kv_txn_t *t = kv_req_txn(kv, r);
    if (!t || !key_ok(r))
        return KERR_INVALID;
    if (r->st_phase == 0) {
        int rc = kv_descend(kv, t, r->key, r->klen);
        if (rc != KERR_OK)
            return rc;
        if (t->height == 0 || !p->p_exact)
            return KERR_NOT_FOUND;
        const uint8_t *c = kv_node_cell(kv_fdata(kv, p->p_fr[t->height - 1]),
                                        p->p_idx[t->height - 1]);
        r->vlen = kv_leaf_vlen(c);
        if (r->vlen > r->cap)
            return KERR_TOO_BIG;
        if (!kv_leaf_is_ovf(c)) {
            memcpy(r->buf, kv_leaf_val(c), r->vlen);
            return KERR_OK;
        }
        r->st_pg = kv_ld32(kv_leaf_val(c));
        r->st_txid = kv_ld64(kv_leaf_val(c) + 4);
        r->st_pos = 0;
        r->st_phase = 1;
    }
    return kv_ovf_read(kv, r->st_pg, r->st_txid, r->vlen, r->buf, &r->st_pos);
}

/* Free the overflow pages a put wrote (st_pos data pages listed in the
 * ovfidx scratch, and the index page st_pg once written). */
void kv_put_undo(kv_store_t *kv, kv_req_t *r)
{
    kv_priv_t *p = kv_p(kv);
    if (r->vlen <= KV_INLINE_MAX || r->st_phase == 0)
        return;
    for (uint32_t i = 0; i < r->st_pos; i++)
        kv_free(kv, kv_ld32(p->ovfidx + KV_HDR + 4 * i));
    if (r->st_pg)
        kv_free(kv, r->st_pg);
    r->st_pos = 0;
    r->st_pg = 0;
}

/* Phase 1 of a big put: write the value into fresh overflow pages (dirty
 * frames, written early by spills when the cache runs short), then the
 * index page that lists them. */
static int put_ovf(kv_store_t *kv, kv_req_t *r)
{
    kv_priv_t *p = kv_p(kv);
    const uint8_t *val = r->val;
    for (;;) {
        int rc = kv_reserve(kv, 4);
        if (rc == KERR_OK)
            rc = kv_alloc_avail(kv, 2 * r->txn->height + 8);
        if (rc != KERR_OK)
            return rc;
        uint32_t pg = kv_alloc(kv), f = kv_frame_new(kv, pg);
        uint8_t *d = kv_fdata(kv, f);
        memset(d, 0, KV_PG);
        if (r->st_pos == r->st_n) {
            memcpy(d + KV_HDR, p->ovfidx + KV_HDR, 4 * r->st_n);
            kv_page_init(d, KV_PT_OVFIDX, pg, r->txn->txid);
            kv_st16(d + 6, r->st_n);
            r->st_pg = pg;
            return KERR_OK;
        }
        uint32_t off = r->st_pos * KV_OVF_DATA, len = r->vlen - off;
        if (len > KV_OVF_DATA)
            len = KV_OVF_DATA;
        kv_page_init(d, KV_PT_OVF, pg, r->txn->txid);
        kv_st32(d + 12, len);
        memcpy(d + KV_HDR, val + off, len);
        kv_st32(p->ovfidx + KV_HDR + 4 * r->st_pos, pg);
        r->st_pos++;
    }
}

/* Fetch and pin the overflow index of leaf cell (c), if it has one. */
static int pin_value(kv_store_t *kv, const uint8_t *c)
{
    if (!kv_leaf_is_ovf(c))
        return KERR_OK;
    const uint8_t *pg;
    uint32_t f;
    int rc = kv_fetch(kv, kv_ld32(kv_leaf_val(c)), KV_PT_OVFIDX,
                      kv_ld64(kv_leaf_val(c) + 4), &pg, &f);
    if (rc == KERR_OK)
        kv_pin(kv, f);
    return rc;
}

static const uint8_t *leaf_cell(kv_store_t *kv, const kv_txn_t *t)
{
    kv_priv_t *p = kv_p(kv);
    return kv_node_cell(kv_fdata(kv, p->p_fr[t->height - 1]),
                        p->p_idx[t->height - 1]);
}

/* Phase 2: put the leaf cell into the tree. */
static int put_insert(kv_store_t *kv, kv_req_t *r)
{
    kv_priv_t *p = kv_p(kv);
    kv_txn_t *t = r->txn;
    int rc = kv_descend(kv, t, r->key, r->klen);
    const uint8_t *old = NULL;
    if (rc == KERR_OK && t->height && p->p_exact) {
        old = leaf_cell(kv, t);
        rc = pin_value(kv, old);
    }
    if (rc == KERR_OK)
        rc = kv_tree_prepare(kv, t, 0);
    if (rc != KERR_OK)
        return rc;
    uint32_t len;
    if (r->vlen > KV_INLINE_MAX)
        len = kv_leaf_cell_ovf(p->leafcell, r->key, r->klen, r->vlen, r->st_pg,
                               t->txid);
    else
        len = kv_leaf_cell(p->leafcell, r->key, r->klen, r->val, r->vlen);
    if (old)
        kv_free_value(kv, old);
    else
        t->nkeys++;
    kv_cell_t c = {p->leafcell, len};
    kv_tree_put(kv, t, &c);
    p->txn_dirty = 1;
    return KERR_OK;
}

int kv_step_put(kv_store_t *kv, kv_req_t *r)
{
    if (!write_txn_ok(kv, r) || !key_ok(r) || r->vlen > KV_MAX_VALUE ||
        (r->vlen && !r->val))
        return KERR_INVALID;
    int rc = KERR_OK;
    if (r->st_flags & KV_CANCEL) {
        kv_put_undo(kv, r);
        return KERR_CANCELLED;
    }
    if (r->st_phase == 0) {
        r->st_phase = r->vlen > KV_INLINE_MAX ? 1 : 2;
        r->st_pos = r->st_pg = 0;
        r->st_n = (r->vlen + KV_OVF_DATA - 1) / KV_OVF_DATA;
    }
    if (r->st_phase == 1) {
        rc = put_ovf(kv, r);
        if (rc == KERR_OK)
            r->st_phase = 2;
    }
    if (rc == KERR_OK)
        rc = put_insert(kv, r);
    if (rc != KERR_OK && rc != KV_WAIT)
        kv_put_undo(kv, r);
    return rc;
}

int kv_step_del(kv_store_t *kv, kv_req_t *r)
{
    kv_priv_t *p = kv_p(kv);
    kv_txn_t *t = r->txn;
    if (!write_txn_ok(kv, r) || !key_ok(r))
        return KERR_INVALID;
    int rc = kv_descend(kv, t, r->key, r->klen);
    if (rc != KERR_OK)
        return rc;
    if (t->height == 0 || !p->p_exact)
        return KERR_NOT_FOUND;
    const uint8_t *c = leaf_cell(kv, t);
    rc = pin_value(kv, c);
    if (rc == KERR_OK)
        rc = kv_tree_merge_prepare(kv, t);
    if (rc == KERR_OK)
        rc = kv_tree_prepare(kv, t, 0);
    if (rc != KERR_OK)
        return rc;
    kv_free_value(kv, c);
    kv_tree_del(kv, t);
    t->nkeys--;
    p->txn_dirty = 1;
    return KERR_OK;
}

bool kv_step_retractable(const kv_req_t *r)
{
    if (r->work.op == KOP_KV_PUT) /* overflow pages may be being spilled */
        return r->st_phase == 0 || r->vlen <= KV_INLINE_MAX;
    if (r->work.op == KOP_KV_COMMIT || r->work.op == KOP_KV_OPEN)
        return r->st_phase == 0;
    return true;
}

void kv_mark_cancel(kv_req_t *r)
{
    r->st_flags |= KV_CANCEL;
}
