/* KV scan: records in key order into the caller's buffer.
 *
 * The scan keeps no pointers across I/O. Its position is the last record
 * it stored (st_pos = its offset in the caller's buffer, KV_NONE before
 * the first): each step descends again to the first key after it, copies
 * records until it must wait for a page, and moves from leaf to leaf
 * through the path of the descent. An overflow value is copied page by
 * page into its record (phase 2) before the record counts.
 */
#include "lib/kstring.h"
#include "store/kv_int.h"

#define REC_HDR 6u

/* Where to start: after the last stored record, or at the first key. */
static int position(kv_store_t *kv, kv_req_t *r, const kv_txn_t *t,
                    uint32_t *idx)
{
    kv_priv_t *p = kv_p(kv);
    const uint8_t *key = r->key;
    uint32_t klen = r->klen;
    int after = 0;
    if (r->st_pos != KV_NONE) {
        const uint8_t *rec = (const uint8_t *)r->buf + r->st_pos;
        klen = kv_ld16(rec);
        key = rec + REC_HDR;
        after = 1;
    }
    int rc = kv_descend(kv, t, key ? key : (const uint8_t *)"", key ? klen : 0);
    if (rc != KERR_OK)
        return rc;
    *idx = p->p_idx[t->height - 1] + (uint32_t)(after && p->p_exact);
    return KERR_OK;
}

/* Store the record of cell (c) at r->used. KERR_OK: stored (inline) or
 * started (overflow: phase 2 finishes it); KERR_TOO_BIG: does not fit. */
static int store_rec(kv_req_t *r, const uint8_t *c)
{
    uint32_t klen = kv_cell_klen(c), vlen = kv_leaf_vlen(c);
    uint64_t size = (uint64_t)REC_HDR + klen + vlen;
    if (r->used + size > r->cap)
        return KERR_TOO_BIG;
    uint8_t *rec = (uint8_t *)r->buf + r->used;
    kv_st16(rec, klen);
    kv_st32(rec + 2, vlen);
    memcpy(rec + REC_HDR, kv_leaf_key(c), klen);
    if (!kv_leaf_is_ovf(c)) {
        memcpy(rec + REC_HDR + klen, kv_leaf_val(c), vlen);
        r->st_pos = r->used;
        r->used += (uint32_t)size;
        r->found++;
        return KERR_OK;
    }
    r->st_pg = kv_ld32(kv_leaf_val(c));
    r->st_txid = kv_ld64(kv_leaf_val(c) + 4);
    r->st_n = 0;
    r->st_phase = 2;
    return KERR_OK;
}

static int past_end(const kv_req_t *r, const uint8_t *c)
{
    if (r->count && r->found >= r->count)
        return 1;
    return r->end &&
           kv_keycmp(kv_leaf_key(c), kv_cell_klen(c), r->end, r->endlen) >= 0;
}

/* Phase 1: walk leaves from the position, storing records. */
static int walk(kv_store_t *kv, kv_req_t *r, const kv_txn_t *t)
{
    kv_priv_t *p = kv_p(kv);
    uint32_t idx;
    int rc = position(kv, r, t, &idx);
    if (rc != KERR_OK)
        return rc;
    for (;;) {
        const uint8_t *leaf = kv_fdata(kv, p->p_fr[t->height - 1]);
        for (; idx < kv_pg_count(leaf); idx++) {
            const uint8_t *c = kv_node_cell(leaf, idx);
            if (past_end(r, c))
                return KERR_OK;
            rc = store_rec(r, c);
            if (rc == KERR_TOO_BIG)
                return r->found ? KERR_OK : KERR_TOO_BIG;
            if (r->st_phase == 2)
                return KV_WAIT; /* not real I/O: phase 2 finishes it */
        }
        rc = kv_next_leaf(kv, t);
        if (rc == KERR_NOT_FOUND)
            return KERR_OK;
        if (rc != KERR_OK)
            return rc;
        idx = 0;
    }
}

int kv_step_scan(kv_store_t *kv, kv_req_t *r)
{
    kv_txn_t *t = kv_req_txn(kv, r);
    if (!t || (r->klen && !r->key) || r->klen > KV_MAX_KEY + 1 ||
        (r->cap && !r->buf))
        return KERR_INVALID;
    if (r->st_phase == 0) {
        r->found = r->used = 0;
        r->st_pos = KV_NONE;
        r->st_phase = 1;
    }
    for (;;) {
        if (r->st_phase == 2) {
            uint8_t *rec = (uint8_t *)r->buf + r->used;
            uint32_t klen = kv_ld16(rec), vlen = kv_ld32(rec + 2);
            int rc = kv_ovf_read(kv, r->st_pg, r->st_txid, vlen,
                                 rec + REC_HDR + klen, &r->st_n);
            if (rc != KERR_OK)
                return rc;
            r->st_pos = r->used;
            r->used += REC_HDR + klen + vlen;
            r->found++;
            r->st_phase = 1;
        }
        if (t->height == 0)
            return KERR_OK;
        int rc = walk(kv, r, t);
        if (rc != KV_WAIT || r->st_phase != 2)
            return rc;
    }
}

kerr_t kv_scan_rec(const void *buf, uint32_t used, uint32_t *off,
                   const uint8_t **key, uint32_t *klen, const uint8_t **val,
                   uint32_t *vlen)
{
    const uint8_t *b = buf;
    if (*off + REC_HDR > used)
        return KERR_NOT_FOUND;
    *klen = kv_ld16(b + *off);
    *vlen = kv_ld32(b + *off + 2);
    if ((uint64_t)*off + REC_HDR + *klen + *vlen > used)
        return KERR_NOT_FOUND;
    *key = b + *off + REC_HDR;
    *val = *key + *klen;
    *off += REC_HDR + *klen + *vlen;
    return KERR_OK;
}
