/* KV B+tree node pages: search, structural checks, and rebuilding pages
 * from cell lists (insert, replace, delete and split are all splices). */
#include "store/kv_node.h"
#include "lib/kstring.h"
#include "mote/kv.h"

/* Big-endian 8-byte load: comparing two of these compares 8 key bytes in
 * order at once (clang makes it one load and a byte swap). */
static inline uint64_t ld_be64(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

/* Inline rather than memcmp: a lookup compares ~20 short keys, and the
 * call would cost more than the compare. */
int kv_keycmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    uint32_t n = alen < blen ? alen : blen, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x = ld_be64(a + i), y = ld_be64(b + i);
        if (x != y)
            return x < y ? -1 : 1;
    }
    for (; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return alen < blen ? -1 : alen > blen;
}

uint32_t kv_cell_len(const uint8_t *c, int leaf)
{
    if (!leaf)
        return KV_BRANCH_HDR + kv_cell_klen(c);
    uint32_t v = kv_leaf_is_ovf(c) ? KV_OVF_REF : kv_leaf_vlen(c);
    return KV_LEAF_HDR + kv_cell_klen(c) + v;
}

static int cell_cmp(const uint8_t *c, int leaf, const uint8_t *key,
                    uint32_t klen)
{
    const uint8_t *k = leaf ? kv_leaf_key(c) : kv_branch_key(c);
    return kv_keycmp(k, kv_cell_klen(c), key, klen);
}

uint32_t kv_node_search(const uint8_t *pg, const uint8_t *key, uint32_t klen,
                        int *exact)
{
    int leaf = kv_pg_type(pg) == KV_PT_LEAF;
    uint32_t lo = leaf ? 0 : 1, hi = kv_pg_count(pg);
    /* First cell > key (branch) or >= key (leaf), searching [lo, hi). */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = cell_cmp(kv_node_cell(pg, mid), leaf, key, klen);
        if (c < 0 || (!leaf && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!leaf)
        return lo - 1;
    *exact = lo < kv_pg_count(pg) &&
             cell_cmp(kv_node_cell(pg, lo), 1, key, klen) == 0;
    return lo;
}

/* One cell at (off) of a page: inside the page and well-formed. */
static int cell_ok(const uint8_t *pg, uint32_t off, int leaf, uint32_t upper)
{
    uint32_t hdr = leaf ? KV_LEAF_HDR : KV_BRANCH_HDR;
    if (off < upper || off + hdr > KV_PG)
        return 0;
    const uint8_t *c = pg + off;
    if (kv_cell_klen(c) > KV_MAX_KEY)
        return 0;
    if (leaf) {
        if (c[2] & ~KV_CF_OVF || c[3])
            return 0;
        uint32_t v = kv_leaf_vlen(c);
        if (kv_leaf_is_ovf(c)) {
            if (v <= KV_INLINE_MAX || v > KV_OVF_MAXPAGES * KV_OVF_DATA)
                return 0;
        } else if (v > KV_INLINE_MAX) {
            return 0;
        }
    } else if (kv_ld16(c + 2) || kv_branch_child(c) < 2) {
        return 0;
    }
    return off + kv_cell_len(c, leaf) <= KV_PG;
}

kerr_t kv_node_check(const uint8_t *pg)
{
    int leaf = kv_pg_type(pg) == KV_PT_LEAF;
    uint32_t n = kv_pg_count(pg), upper = kv_pg_aux(pg);
    if (KV_HDR + 2 * n > upper || upper > KV_PG || (!leaf && n == 0))
        return KERR_CORRUPT;
    const uint8_t *prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t off = kv_ld16(pg + KV_HDR + 2 * i);
        if (!cell_ok(pg, off, leaf, upper))
            return KERR_CORRUPT;
        const uint8_t *c = pg + off;
        uint32_t kl = kv_cell_klen(c);
        if (!leaf && i == 0) {
            if (kl != 0)
                return KERR_CORRUPT;
            continue;
        }
        if (kl == 0)
            return KERR_CORRUPT;
        const uint8_t *k = leaf ? kv_leaf_key(c) : kv_branch_key(c);
        if (prev) {
            const uint8_t *pk = leaf ? kv_leaf_key(prev) : kv_branch_key(prev);
            if (kv_keycmp(pk, kv_cell_klen(prev), k, kl) >= 0)
                return KERR_CORRUPT;
        }
        prev = c;
    }
    return KERR_OK;
}

uint32_t kv_leaf_cell(uint8_t *buf, const void *key, uint32_t klen,
                      const void *val, uint32_t vlen)
{
    kv_st16(buf, klen);
    buf[2] = 0;
    buf[3] = 0;
    kv_st32(buf + 4, vlen);
    memcpy(buf + KV_LEAF_HDR, key, klen);
    if (vlen)
        memcpy(buf + KV_LEAF_HDR + klen, val, vlen);
    return KV_LEAF_HDR + klen + vlen;
}

uint32_t kv_leaf_cell_ovf(uint8_t *buf, const void *key, uint32_t klen,
                          uint32_t vlen, uint32_t pgno, uint64_t txid)
{
    kv_st16(buf, klen);
    buf[2] = KV_CF_OVF;
    buf[3] = 0;
    kv_st32(buf + 4, vlen);
    memcpy(buf + KV_LEAF_HDR, key, klen);
    kv_st32(buf + KV_LEAF_HDR + klen, pgno);
    kv_st64(buf + KV_LEAF_HDR + klen + 4, txid);
    return KV_LEAF_HDR + klen + KV_OVF_REF;
}

uint32_t kv_branch_cell(uint8_t *buf, const void *key, uint32_t klen,
                        uint32_t child, uint64_t ctxid)
{
    kv_st16(buf, klen);
    kv_st16(buf + 2, 0);
    kv_st32(buf + 4, child);
    kv_st64(buf + 8, ctxid);
    if (klen)
        memcpy(buf + KV_BRANCH_HDR, key, klen);
    return KV_BRANCH_HDR + klen;
}

void kv_build_splice(kv_build_t *b, const uint8_t *src, int leaf, uint32_t idx,
                     uint32_t ndel, const kv_cell_t *nc, uint32_t nnew)
{
    uint32_t n = src ? kv_pg_count(src) : 0, k = 0;
    for (uint32_t i = 0; i < idx && i < n; i++) {
        const uint8_t *c = kv_node_cell(src, i);
        b->cells[k++] = (kv_cell_t){c, kv_cell_len(c, leaf)};
    }
    for (uint32_t i = 0; i < nnew; i++)
        b->cells[k++] = nc[i];
    for (uint32_t i = idx + ndel; i < n; i++) {
        const uint8_t *c = kv_node_cell(src, i);
        b->cells[k++] = (kv_cell_t){c, kv_cell_len(c, leaf)};
    }
    b->n = k;
}

int kv_node_edit(uint8_t *pg, int leaf, uint32_t idx, uint32_t ndel,
                 const kv_cell_t *nc, uint32_t nnew)
{
    uint32_t n = kv_pg_count(pg), aux = kv_pg_aux(pg), need = 0;
    if (ndel > 1 || nnew < ndel || idx + ndel > n)
        return 0;
    if (ndel && kv_cell_len(kv_node_cell(pg, idx), leaf) != nc[0].len)
        return 0;
    if (!leaf && idx == 0 && ndel == 0)
        return 0; /* a branch's first cell keeps an empty key: rebuild */
    for (uint32_t i = ndel; i < nnew; i++)
        need += nc[i].len + 2;
    if (KV_HDR + 2 * n + need > aux)
        return 0;
    if (ndel)
        memcpy(pg + kv_ld16(pg + KV_HDR + 2 * idx), nc[0].p, nc[0].len);
    uint32_t at = idx + ndel, add = nnew - ndel;
    if (add) {
        uint8_t *slot = pg + KV_HDR + 2 * at;
        memmove(slot + 2 * add, slot, 2 * (n - at));
        for (uint32_t i = 0; i < add; i++) {
            aux -= nc[ndel + i].len;
            memcpy(pg + aux, nc[ndel + i].p, nc[ndel + i].len);
            kv_st16(slot + 2 * i, aux);
        }
        kv_st16(pg + 6, n + add);
        kv_st32(pg + 12, aux);
    }
    return 1;
}

uint32_t kv_build_bytes(const kv_build_t *b, uint32_t from, uint32_t to)
{
    uint32_t s = 0;
    for (uint32_t i = from; i < to; i++)
        s += b->cells[i].len + 2;
    return s;
}

uint32_t kv_build_split(const kv_build_t *b)
{
    const uint32_t room = KV_PG - KV_HDR;
    uint32_t total = kv_build_bytes(b, 0, b->n);
    if (total <= room)
        return 0;
    uint32_t left = 0, best = 0, best_max = UINT32_MAX;
    for (uint32_t m = 1; m < b->n; m++) {
        left += b->cells[m - 1].len + 2;
        uint32_t right = total - left;
        uint32_t mx = left > right ? left : right;
        if (left <= room && right <= room && mx < best_max) {
            best_max = mx;
            best = m;
        }
    }
    return best; /* cells <= KV_CELL_MAX guarantee some m exists */
}

void kv_build_write(uint8_t *dst, const kv_build_t *b, uint32_t from,
                    uint32_t to, int leaf)
{
    uint32_t upper = KV_PG;
    for (uint32_t i = from; i < to; i++) {
        const kv_cell_t *c = &b->cells[i];
        if (!leaf && i == from) {
            /* First cell of a branch: same child, empty key. */
            upper -= KV_BRANCH_HDR;
            memcpy(dst + upper, c->p, KV_BRANCH_HDR);
            kv_st16(dst + upper, 0);
        } else {
            upper -= c->len;
            memcpy(dst + upper, c->p, c->len);
        }
        kv_st16(dst + KV_HDR + 2 * (i - from), upper);
    }
    kv_st16(dst + 6, to - from);
    kv_st32(dst + 12, upper);
    dst[4] = leaf ? KV_PT_LEAF : KV_PT_BRANCH;
    /* Zero the gap so pages are deterministic (no stale bytes on disk). */
    uint32_t lower = KV_HDR + 2 * (to - from);
    memset(dst + lower, 0, upper - lower);
}
