/* mote: the key-value store.
 *
 * A transactional, crash-safe, copy-on-write B+tree on a block device
 * (docs/kv.md has the on-disk format and the commit protocol).
 *
 * Errors. Every request completes with one kerr_t in work.result:
 *   KERR_OK         done
 *   KERR_NOT_FOUND  get/delete: no such key
 *   KERR_INVALID    malformed request: key empty or longer than KV_MAX_KEY,
 *                   value longer than KV_MAX_VALUE, txn not open, a write on
 *                   a read-only txn, a txn of another store
 *   KERR_TOO_BIG    get/scan: the caller's buffer is too small (get sets
 *                   `vlen` to the size needed; nothing useful is stored)
 *   KERR_NOMEM      the device is full, or the page cache is too small for
 *                   the transaction (the txn stays open; abort it)
 *   KERR_CORRUPT    a page failed its checksum or structural check; the
 *                   request had no effect
 *   KERR_IO         the device failed. A failed commit leaves the store
 *                   failed: every later request completes with KERR_IO
 *                   until it is opened again (the disk is still consistent)
 *   KERR_TIMEOUT, KERR_CANCELLED  see "Deadlines" below
 *
 * Transactions. One write transaction at a time and any number of read
 * snapshots beside it. A snapshot sees the state of the last commit that
 * had completed when it began, for as long as it is open; the write txn
 * sees its own uncommitted changes. Nothing a write txn does is visible to
 * anyone else, or durable, before its commit completes with KERR_OK; then
 * it is both. begin/end are synchronous (no I/O); everything else is a work
 * item (kwork.h) served by the store in submission order, one at a time,
 * with callbacks from the event loop.
 *
 * Deadlines and cancellation. A request still queued, or waiting for a page
 * read, is retracted with no effect. A put that is writing overflow pages
 * is abandoned with no effect once those writes land. A commit that has
 * started writing cannot be retracted: a commit that reports KERR_TIMEOUT
 * or KERR_CANCELLED may still have become durable (read it back to know);
 * its transaction is over either way.
 *
 * Memory. The store never allocates on a request path. kv_open takes all
 * its memory once: from cfg.mem if given, else one kmem_alloc. The amount
 * is kv_mem_size(): the page cache (cache_pages x ~4.1 KiB), three bitmaps
 * of one bit per device page, the pending-free ring (16 bytes an entry) and
 * ~40 KiB of fixed state (docs/kv.md, "Memory bounds").
 */
#ifndef MOTE_KV_H
#define MOTE_KV_H

#include <stddef.h>
#include <stdint.h>
#include "mote/kwork.h"

#define KV_PAGE_SIZE 4096
#define KV_MAX_KEY   255        /* bytes */
#define KV_MAX_VALUE (1u << 20) /* bytes (the format allows ~4 MiB) */
#define KV_MIN_CACHE 32         /* smallest page cache, in pages */

enum {
    KOP_KV_OPEN = (KOP_CLASS_KV << 8) + 0, /* kv_req_t: cfg */
    KOP_KV_GET = (KOP_CLASS_KV << 8) + 1,  /* kv_req_t: key, buf/cap -> vlen */
    KOP_KV_PUT = (KOP_CLASS_KV << 8) + 2,  /* kv_req_t: key, val/vlen */
    KOP_KV_DEL = (KOP_CLASS_KV << 8) + 3,  /* kv_req_t: key */
    KOP_KV_SCAN =
        (KOP_CLASS_KV << 8) + 4, /* kv_req_t: key..end, buf/cap, count */
    KOP_KV_COMMIT = (KOP_CLASS_KV << 8) + 5, /* kv_req_t: txn */
    KOP_KV_ABORT = (KOP_CLASS_KV << 8) + 6,  /* kv_req_t: txn */
};

typedef struct kv_store kv_store_t;
typedef struct kv_txn kv_txn_t;

typedef struct kv_config {
    uint32_t dev;         /* block device index */
    uint32_t cache_pages; /* page cache frames, >= KV_MIN_CACHE */
    uint32_t max_pages;   /* device pages to use, 0 = the whole device */
    uint32_t pending_max; /* ring entries for pages freed while a snapshot
                           * still needs them; 0 = 4096. When full, further
                           * such pages stay unused until the next open. */
    void *mem;            /* kv_mem_size() bytes, 4096-aligned, or NULL */
    size_t mem_size;
    uint32_t write_slots; /* block write requests in flight at most (each a
                           * run of up to KBLK_MAX_SEGS pages); 0 = 32, the
                           * most; fewer for a device with a short queue */
} kv_config_t;

typedef struct kv_stats {
    uint64_t txid;       /* last committed transaction */
    uint64_t nkeys;      /* keys in the last committed state */
    uint32_t npages;     /* usable device pages */
    uint32_t high_water; /* highest page number ever written + 1 */
    uint32_t used_pages; /* pages in the committed tree (incl. meta) */
    uint32_t leaked;     /* pages lost to a full pending ring until reopen */
    uint64_t page_reads, page_writes, flushes, cache_hits;
    uint64_t bytes_written;
    uint64_t spills;        /* dirty pages written early: cache too small */
    uint64_t write_reqs;    /* block write requests (a run of pages is one) */
    uint64_t write_chained; /* of those, issued by a completed write: the
                             * commit kept every write slot busy */
    uint64_t merges;        /* nodes merged with a neighbour on delete */
    uint64_t inplace;       /* changes made in a txn's own page, no rebuild */
} kv_stats_t;

struct kv_txn {
    kv_store_t *kv;
    uint64_t txid; /* snapshot: the commit it sees; write: its own */
    uint32_t root; /* root page, 0 = empty tree */
    uint32_t height;
    uint64_t root_txid;
    uint64_t nkeys;
    uint8_t write;
    uint8_t open;
    kv_txn_t *next; /* the store's list of open snapshots */
};

/* A request. Fill the fields its op uses (see the enum), then submit. */
typedef struct kv_req {
    kwork_t work;
    kv_store_t *kv;
    kv_txn_t *txn; /* NULL for get/scan = the last commit */
    const void *key;
    uint32_t klen;
    const void *end; /* scan: stop before this key; NULL = no end */
    uint32_t endlen;
    const void *val; /* put */
    void *buf;       /* get: value; scan: packed records */
    uint32_t cap;    /* bytes at buf */
    uint32_t vlen;   /* put: value length; get: value length found */
    uint32_t count;  /* scan: at most this many records (0 = no limit) */
    uint32_t found;  /* scan: records stored; bytes used in `used` */
    uint32_t used;
    const kv_config_t *cfg; /* open */
    /* Store-private below. */
    uint32_t st_phase, st_pos, st_n, st_flags;
    uint32_t st_pg;
    uint64_t st_txid;
    struct kv_req *st_next;
} kv_req_t;

/* Per-store state; the caller owns the struct, the store owns its fields. */
struct kv_store {
    uint32_t dev, npages, cache_pages, pending_max;
    uint32_t sector_shift; /* log2(sectors per page) */
    uint8_t state;         /* private: closed / opening / ready / failed */
    uint8_t busy;
    kv_txn_t *wtxn;     /* the open write txn, or NULL */
    kv_txn_t committed; /* last committed state */
    kv_txn_t *snaps;    /* open read snapshots */
    void *priv;         /* everything else: inside the open memory */
    uint64_t next_txid; /* txids are never reused, even after abort */
    struct kv_req *q_head, *q_tail; /* requests waiting, in order */
};

/* Bytes of memory kv_open needs for (cfg) on a device of (dev_pages)
 * 4 KiB pages (after cfg.max_pages). */
size_t kv_mem_size(const kv_config_t *cfg, uint64_t dev_pages);

/* kwork_init for a store request, clearing every field. */
void kv_req_init(kv_req_t *r, kop_t op, kv_store_t *kv, kwork_fn callback,
                 void *ctx);

/* KOP_KV_OPEN (r->kv, r->cfg): attach store (r->kv) to device cfg->dev.
 * A device whose two meta pages carry no store is formatted (an empty
 * store, durable when this completes); one with a valid meta opens at the
 * newest valid commit; one with only damaged metas fails KERR_CORRUPT.
 * Open reads every tree page (not overflow data) to learn which pages are
 * free, so it costs one read per tree page. KERR_NOMEM if the memory is
 * too small, KERR_INVALID for a bad config or a device under 16 pages,
 * KERR_NO_DEVICE for a missing device, KERR_BUSY if (r->kv) still has
 * transactions open, KERR_IO if reading fails. Reopening a store struct
 * (after a failure) is allowed once its transactions are over. */

/* Begin a transaction on open store (kv): a snapshot of the last commit,
 * or with (write) the write txn. KERR_BUSY if a write txn is already open,
 * KERR_INVALID if the store is not open, KERR_IO if it failed. Synchronous;
 * tick context. A snapshot holds on to the pages it sees: end it soon. */
kerr_t kv_begin(kv_store_t *kv, kv_txn_t *t, int write);

/* End read snapshot (t) (synchronous). Requests already submitted on it
 * must have completed. A write txn ends with KOP_KV_COMMIT/KOP_KV_ABORT. */
void kv_end(kv_txn_t *t);

/* KOP_KV_GET (txn or NULL, key, klen, buf, cap): copy the value into buf
 * and set vlen. KERR_NOT_FOUND, or KERR_TOO_BIG with vlen = size needed. */

/* KOP_KV_PUT (txn, key, klen, val, vlen): insert or replace, inside write
 * txn (txn). The value is copied before completion. */

/* KOP_KV_DEL (txn, key, klen): remove; KERR_NOT_FOUND if absent. */

/* KOP_KV_SCAN (txn or NULL, key/klen = first key (inclusive; klen 0 = from
 * the start; up to KV_MAX_KEY + 1 bytes, so "last key + a 0 byte" resumes),
 * end/endlen (exclusive; NULL = to the end), buf, cap, count): store records in
 * key order into buf, packed as u16 klen | u32 vlen | key | value
 * (little-endian) until count records, the end, or the next record does not
 * fit; set found and used. KERR_TOO_BIG only if not even the first record fits.
 * To continue, scan again from the last key followed by a 0 byte (its
 * successor). Read records with kv_scan_rec(). */

/* Read the record at *(off) of a scan buffer (buf, used): KERR_OK and
 * *(off) advanced, or KERR_NOT_FOUND at the end. */
kerr_t kv_scan_rec(const void *buf, uint32_t used, uint32_t *off,
                   const uint8_t **key, uint32_t *klen, const uint8_t **val,
                   uint32_t *vlen);

/* KOP_KV_COMMIT (txn): make write txn (txn) durable: new pages, flush,
 * meta, flush. Completes after the second flush; the txn is then closed
 * and its changes visible. A txn with no changes commits with no I/O.
 * KERR_INVALID if (txn) is not the open write txn (nothing happens);
 * KERR_IO if the device failed: the txn is closed, the store failed (see
 * above), and the disk holds either the previous commit or this one. */

/* KOP_KV_ABORT (txn): drop write txn (txn)'s changes, or end snapshot
 * (txn). Always KERR_OK for an open txn. */

/* Counters of open store (kv) (synchronous). */
void kv_stats(const kv_store_t *kv, kv_stats_t *out);

#endif
