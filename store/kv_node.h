/* KV B+tree nodes: slotted 4 KiB pages of sorted cells.
 *
 * After the header, `count` u16 slots (offsets of the cells, in key order)
 * grow up from byte 32; the cells are packed at the end of the page, from
 * `aux` (the cell area start) to 4096. Cells:
 *
 *   leaf:   u16 klen | u8 flags | u8 0 | u32 vlen | key | value
 *           flags & KV_CF_OVF: value = u32 index page | u64 its txid
 *   branch: u16 klen | u16 0 | u32 child | u64 child txid | key
 *
 * A branch's first cell has an empty key (minus infinity); child i holds
 * keys k with key(i) <= k < key(i+1). A change either rebuilds the page
 * from a list of cells (kv_build_t), or, on a page of the write txn's own,
 * edits it where it is if that leaves no hole (kv_node_edit); pages are
 * therefore always packed: their cells fill [aux, 4096) exactly.
 */
#ifndef MOTE_KV_NODE_H
#define MOTE_KV_NODE_H

#include <stdint.h>
#include "mote/kerr.h"
#include "store/kv_page.h"

#define KV_CF_OVF     1u
#define KV_INLINE_MAX 1024u /* longer values go to overflow pages */
#define KV_LEAF_HDR   8u
#define KV_BRANCH_HDR 16u
#define KV_OVF_REF    12u  /* u32 pgno + u64 txid */
#define KV_MAX_CELLS  410u /* (4096-32)/(8+2) + room for a splice */
#define KV_CELL_MAX   (KV_BRANCH_HDR + 255u + KV_INLINE_MAX)

typedef struct kv_cell {
    const uint8_t *p;
    uint32_t len;
} kv_cell_t;

typedef struct kv_build {
    kv_cell_t cells[KV_MAX_CELLS];
    uint32_t n;
} kv_build_t;

static inline const uint8_t *kv_node_cell(const uint8_t *pg, uint32_t i)
{
    return pg + kv_ld16(pg + KV_HDR + 2 * i);
}
static inline uint32_t kv_cell_klen(const uint8_t *c)
{
    return kv_ld16(c);
}
static inline const uint8_t *kv_leaf_key(const uint8_t *c)
{
    return c + KV_LEAF_HDR;
}
static inline const uint8_t *kv_branch_key(const uint8_t *c)
{
    return c + KV_BRANCH_HDR;
}
static inline uint32_t kv_leaf_vlen(const uint8_t *c)
{
    return kv_ld32(c + 4);
}
static inline int kv_leaf_is_ovf(const uint8_t *c)
{
    return c[2] & KV_CF_OVF;
}
static inline const uint8_t *kv_leaf_val(const uint8_t *c)
{
    return c + KV_LEAF_HDR + kv_ld16(c);
}
static inline uint32_t kv_branch_child(const uint8_t *c)
{
    return kv_ld32(c + 4);
}
static inline uint64_t kv_branch_ctxid(const uint8_t *c)
{
    return kv_ld64(c + 8);
}

/* Order of keys: bytewise, a prefix first. <0, 0, >0. */
int kv_keycmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen);

/* Byte length of cell (c) of a leaf (leaf=1) or branch. */
uint32_t kv_cell_len(const uint8_t *c, int leaf);

/* Leaf: index of the first cell >= key, *exact set if equal.
 * Branch: index of the child whose range holds key. */
uint32_t kv_node_search(const uint8_t *pg, const uint8_t *key, uint32_t klen,
                        int *exact);

/* Structural check of a verified-checksum node page (see kv_page_check). */
kerr_t kv_node_check(const uint8_t *pg);

/* Cell constructors into (buf) (KV_CELL_MAX bytes); return the length. */
uint32_t kv_leaf_cell(uint8_t *buf, const void *key, uint32_t klen,
                      const void *val, uint32_t vlen);
uint32_t kv_leaf_cell_ovf(uint8_t *buf, const void *key, uint32_t klen,
                          uint32_t vlen, uint32_t pgno, uint64_t txid);
uint32_t kv_branch_cell(uint8_t *buf, const void *key, uint32_t klen,
                        uint32_t child, uint64_t ctxid);

/* (b) = the cells of (src) (NULL: none) with [idx, idx+ndel) replaced by
 * (nc)[0..nnew). Cells point into src and nc: keep both alive. */
void kv_build_splice(kv_build_t *b, const uint8_t *src, int leaf, uint32_t idx,
                     uint32_t ndel, const kv_cell_t *nc, uint32_t nnew);

/* Apply the splice of kv_build_splice to page (pg) itself, if that needs
 * no rebuild: (ndel) 0 or 1 cells at (idx), the replaced one exactly as
 * long as (nc)[0], and the cells added fitting the free gap. Returns 1
 * if done (count, aux and slots updated), 0 if (pg) is unchanged. */
int kv_node_edit(uint8_t *pg, int leaf, uint32_t idx, uint32_t ndel,
                 const kv_cell_t *nc, uint32_t nnew);

/* 0 if all of (b) fits one page, else the split point m (left: [0, m)),
 * chosen so both halves fit and are as even as possible. */
uint32_t kv_build_split(const kv_build_t *b);

/* Bytes cells [from, to) take in a page (header excluded). */
uint32_t kv_build_bytes(const kv_build_t *b, uint32_t from, uint32_t to);

/* Lay out cells [from, to) of (b) in (dst), which must not overlap any
 * cell source; sets count and aux. A branch's first cell gets an empty key.
 * The header's identity (kv_page_init) is the caller's. */
void kv_build_write(uint8_t *dst, const kv_build_t *b, uint32_t from,
                    uint32_t to, int leaf);

#endif
