/* KV on-disk page format: the 32-byte header every page carries, checksum
 * sealing and verification, and the meta page. docs/kv.md draws it.
 *
 *   off size
 *   0   4   CRC32C of bytes [4, 4096)   (meta: of [4, 512))
 *   4   1   type (KV_PT_*)
 *   5   1   flags (0)
 *   6   2   count: entries (node), data pages (overflow index)
 *   8   4   page number the page was written to
 *   12  4   aux: node: start of the cell area; overflow data: bytes used
 *   16  8   txid of the transaction that wrote it
 *   24  8   0
 *
 * All integers little-endian. A page is accepted only if its checksum, its
 * own page number, its type and the txid its parent recorded all match: a
 * torn, misdirected, stale (lost) or bit-flipped write is always caught.
 */
#ifndef MOTE_KV_PAGE_H
#define MOTE_KV_PAGE_H

#include <stdint.h>
#include "mote/kerr.h"

#define KV_PG           4096u
#define KV_HDR          32u
#define KV_META_LEN     512u /* meta fields and checksum: one sector */
#define KV_OVF_DATA     (KV_PG - KV_HDR)
#define KV_OVF_MAXPAGES ((KV_PG - KV_HDR) / 4u)

enum {
    KV_PT_META = 1,
    KV_PT_BRANCH = 2,
    KV_PT_LEAF = 3,
    KV_PT_OVFIDX = 4,
    KV_PT_OVF = 5,
};

static inline uint16_t kv_ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t kv_ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
static inline uint64_t kv_ld64(const uint8_t *p)
{
    return (uint64_t)kv_ld32(p) | (uint64_t)kv_ld32(p + 4) << 32;
}
static inline void kv_st16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void kv_st32(uint8_t *p, uint32_t v)
{
    kv_st16(p, v);
    kv_st16(p + 2, v >> 16);
}
static inline void kv_st64(uint8_t *p, uint64_t v)
{
    kv_st32(p, (uint32_t)v);
    kv_st32(p + 4, (uint32_t)(v >> 32));
}

static inline uint8_t kv_pg_type(const uint8_t *pg)
{
    return pg[4];
}
static inline uint32_t kv_pg_count(const uint8_t *pg)
{
    return kv_ld16(pg + 6);
}
static inline uint32_t kv_pg_no(const uint8_t *pg)
{
    return kv_ld32(pg + 8);
}
static inline uint32_t kv_pg_aux(const uint8_t *pg)
{
    return kv_ld32(pg + 12);
}
static inline uint64_t kv_pg_txid(const uint8_t *pg)
{
    return kv_ld64(pg + 16);
}

/* Write the header identity of (pg): type, page number, txid. */
void kv_page_init(uint8_t *pg, uint8_t type, uint32_t pgno, uint64_t txid);

/* Compute and store the checksum: the last thing before a page is written. */
void kv_page_seal(uint8_t *pg);

/* KERR_OK if (pg) as read from disk is sound: its checksum matches and,
 * for its type, its structure (kv_node_check, index bounds), so code that
 * reads a checked page never leaves its 4096 bytes. KERR_CORRUPT if not.
 * This is the parser of outside input the fuzzer drives. */
kerr_t kv_page_check(const uint8_t *pg);

/* KERR_OK if checked page (pg) is the one its referrer expects: of (type),
 * written to (pgno) by (txid). A misdirected or lost (stale) write fails
 * here with KERR_CORRUPT even though its checksum is fine. */
static inline kerr_t kv_page_ident(const uint8_t *pg, uint32_t pgno,
                                   uint8_t type, uint64_t txid)
{
    if (kv_pg_type(pg) != type || kv_pg_no(pg) != pgno ||
        kv_pg_txid(pg) != txid)
        return KERR_CORRUPT;
    return KERR_OK;
}

/* The meta page (pages 0 and 1; each commit writes the one the last
 * commit did not, so the newest durable meta is never overwritten). */
typedef struct kv_meta {
    uint64_t txid;
    uint32_t root;   /* 0 = empty tree */
    uint32_t height; /* levels, 0 = empty */
    uint64_t root_txid;
    uint64_t nkeys;
    uint32_t npages;     /* usable pages, fixed at format */
    uint32_t high_water; /* highest page written + 1 */
} kv_meta_t;

void kv_meta_encode(uint8_t *pg, const kv_meta_t *m, uint32_t slot);

/* KERR_OK and (*m) filled if (pg) holds a valid meta for (slot);
 * KERR_NOT_FOUND if it holds no store at all (no magic: a fresh device);
 * KERR_CORRUPT if it has the magic but fails a check (e.g. a torn write). */
kerr_t kv_meta_decode(const uint8_t *pg, uint32_t slot, kv_meta_t *m);

#endif
