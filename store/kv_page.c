/* KV page headers, checksums and the meta page. */
#include "store/kv_page.h"
#include "lib/kstring.h"
#include "store/kv_crc.h"
#include "store/kv_node.h"

#define KV_MAGIC   0x31304b5665746f6dull /* "moteKV01" */
#define KV_VERSION 1u

void kv_page_init(uint8_t *pg, uint8_t type, uint32_t pgno, uint64_t txid)
{
    pg[4] = type;
    pg[5] = 0;
    kv_st32(pg + 8, pgno);
    kv_st64(pg + 16, txid);
    kv_st64(pg + 24, 0);
}

void kv_page_seal(uint8_t *pg)
{
    kv_st32(pg, kv_crc32c(0, pg + 4, KV_PG - 4));
}

static kerr_t ovfidx_check(const uint8_t *pg)
{
    uint32_t n = kv_pg_count(pg);
    if (n == 0 || n > KV_OVF_MAXPAGES)
        return KERR_CORRUPT;
    for (uint32_t i = 0; i < n; i++)
        if (kv_ld32(pg + KV_HDR + 4 * i) < 2)
            return KERR_CORRUPT;
    return KERR_OK;
}

kerr_t kv_page_check(const uint8_t *pg)
{
    if (kv_ld32(pg) != kv_crc32c(0, pg + 4, KV_PG - 4) || pg[5] ||
        kv_ld64(pg + 24))
        return KERR_CORRUPT;
    switch (kv_pg_type(pg)) {
    case KV_PT_LEAF:
    case KV_PT_BRANCH: return kv_node_check(pg);
    case KV_PT_OVFIDX: return ovfidx_check(pg);
    case KV_PT_OVF:
        return kv_pg_aux(pg) <= KV_OVF_DATA ? KERR_OK : KERR_CORRUPT;
    default: return KERR_CORRUPT;
    }
}

/* Meta layout after the common header (bytes 0..31):
 *   32 u64 magic | 40 u32 version | 44 u32 page size | 48 u32 root |
 *   52 u32 height | 56 u64 root txid | 64 u64 nkeys | 72 u32 npages |
 *   76 u32 high water                                                   */
void kv_meta_encode(uint8_t *pg, const kv_meta_t *m, uint32_t slot)
{
    memset(pg, 0, KV_PG);
    kv_page_init(pg, KV_PT_META, slot, m->txid);
    kv_st64(pg + 32, KV_MAGIC);
    kv_st32(pg + 40, KV_VERSION);
    kv_st32(pg + 44, KV_PG);
    kv_st32(pg + 48, m->root);
    kv_st32(pg + 52, m->height);
    kv_st64(pg + 56, m->root_txid);
    kv_st64(pg + 64, m->nkeys);
    kv_st32(pg + 72, m->npages);
    kv_st32(pg + 76, m->high_water);
    kv_st32(pg, kv_crc32c(0, pg + 4, KV_META_LEN - 4));
}

kerr_t kv_meta_decode(const uint8_t *pg, uint32_t slot, kv_meta_t *m)
{
    if (kv_ld64(pg + 32) != KV_MAGIC)
        return KERR_NOT_FOUND;
    if (kv_ld32(pg) != kv_crc32c(0, pg + 4, KV_META_LEN - 4) ||
        kv_pg_type(pg) != KV_PT_META || kv_pg_no(pg) != slot ||
        kv_ld32(pg + 40) != KV_VERSION || kv_ld32(pg + 44) != KV_PG)
        return KERR_CORRUPT;
    m->txid = kv_pg_txid(pg);
    m->root = kv_ld32(pg + 48);
    m->height = kv_ld32(pg + 52);
    m->root_txid = kv_ld64(pg + 56);
    m->nkeys = kv_ld64(pg + 64);
    m->npages = kv_ld32(pg + 72);
    m->high_water = kv_ld32(pg + 76);
    int empty_ok = m->root == 0 ? m->height == 0 : m->height != 0;
    if (m->txid == 0 || !empty_ok || m->height > 24 ||
        (m->root && (m->root < 2 || m->root >= m->npages)) || m->npages < 16 ||
        m->high_water > m->npages)
        return KERR_CORRUPT;
    return KERR_OK;
}
