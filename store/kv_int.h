/* KV store internals shared by store/kv_*.c. Not part of the API.
 *
 * The store is a single-threaded engine: requests wait in one FIFO and the
 * head runs in *steps*. A step runs synchronously until it finishes (it
 * returns a kerr_t) or needs I/O: then it has submitted the I/O and returns
 * KV_WAIT, and the I/O's completion runs the engine again, which calls the
 * same step again. Steps keep their progress in the request (st_*) and
 * redo cheap work (a descent from the root through cached pages) instead
 * of keeping pointers across I/O. Because requests run one at a time, no
 * other request changes the tree between two steps of one request.
 *
 * Every change to the tree happens inside one synchronous step, after all
 * the pages, cache frames and free pages it needs were made ready: a
 * request never leaves a half-done change behind.
 */
#ifndef MOTE_KV_INT_H
#define MOTE_KV_INT_H

#include <stdbool.h>
#include "mote/kblk.h"
#include "mote/kv.h"
#include "store/kv_node.h"
#include "store/kv_page.h"

#define KV_WAIT       (-1) /* step result: I/O submitted, call again */
#define KV_MAX_HEIGHT 24
#define KV_WR_SLOTS   32 /* write requests in flight at once */
#define KV_BATCH      (KV_WR_SLOTS * KBLK_MAX_SEGS) /* pages in flight */
#define KV_NONE       UINT32_MAX
#define KV_MEMO       64
/* Frames one step holds at most: a path and its merge partners. */
#define KV_PIN_MAX (2 * KV_MAX_HEIGHT + 4)
#define KV_RUN     KBLK_MAX_SEGS /* pages a new allocation run wants */
#define KV_RUN_MIN 4             /* ... or this many, before the store grows */
_Static_assert(KV_RUN <= 64, "find_run looks for runs within 64 bits");

enum { KV_ST_CLOSED = 0, KV_ST_OPENING, KV_ST_READY, KV_ST_FAILED };

enum { /* frame states */
       KV_F_FREE = 0,
       KV_F_CLEAN,   /* matches the disk (or was written and not re-dirtied) */
       KV_F_DIRTY,   /* a page of the write txn not yet written */
       KV_F_LOADING, /* read in flight */
       KV_F_WRITING, /* write in flight */
};

/* A frame's cold state: its list links and state. The hot state a cache
 * hit needs (page number, flags) lives in the compact arrays fpg and fbits
 * of kv_priv_t, so a lookup stays within a few small arrays. */
typedef struct kv_frame {
    uint8_t state;
    uint8_t pad[3];
    uint32_t prev, next; /* list links: free, clean (LRU) or dirty */
} kv_frame_t;

/* The cache's hash: open addressing, linear probing, at most half full;
 * an entry holds the page number itself, so a lookup reads one line. */
typedef struct kv_hent {
    uint32_t pgno; /* KV_NONE: empty */
    uint32_t frame;
} kv_hent_t;

enum {                    /* fbits */
       KV_FB_CORRUPT = 1, /* failed its checksum or structure check on load */
       KV_FB_IOERR = 2,   /* its read failed */
       KV_FB_REF = 4,     /* hit since it last reached the LRU end */
       KV_FB_PIN = 8,     /* not evictable (pages a step is using) */
};

typedef struct kv_list {
    uint32_t head, tail, n; /* head = most recently used */
} kv_list_t;

typedef struct kv_pend {
    uint64_t txid; /* the commit that freed it */
    uint32_t pgno;
    uint32_t pad;
} kv_pend_t;

typedef struct kv_priv {
    kv_frame_t *fr;
    uint32_t *fpg;  /* frame -> page number, KV_NONE if free */
    uint8_t *fbits; /* frame -> KV_FB_* */
    uint8_t *data;  /* cache_pages x 4096, then scratch pages */
    kv_hent_t *hash;
    uint32_t hmask;
    uint32_t memo[KV_MEMO]; /* pgno & 63 -> frame, a hint (kv_fetch) */
    kv_list_t lfree, lclean, ldirty;
    uint64_t *bm_commit; /* pages reachable from the last commit */
    uint64_t *bm_held;   /* freed, but an open snapshot may read them */
    uint64_t *bm_txn;    /* allocated by the write txn */
    uint32_t bm_words, hint, high_water;
    uint32_t cursor; /* next page of the current allocation run */
    kv_pend_t *ring;
    uint32_t ring_head, ring_len,
        ring_txn_start; /* ring_len counts from head */
    uint32_t *sortbuf;
    uint8_t *scratch[2], *meta, *ovfidx;
    kv_build_t build;
    uint8_t cellbuf[2][KV_CELL_MAX], leafcell[KV_CELL_MAX];
    uint32_t pins[KV_PIN_MAX], npins;
    uint8_t sep[KV_MAX_KEY];
    uint32_t seplen;
    /* Path of the last descent: level 0 is the root. */
    uint32_t p_pg[KV_MAX_HEIGHT], p_fr[KV_MAX_HEIGHT], p_idx[KV_MAX_HEIGHT];
    int p_exact;
    /* Delete: per level, the neighbour to merge with (KV_NONE: none) and
     * its slot in the parent; m_top: the highest such level (kv_merge.c) */
    uint32_t m_fr[KV_MAX_HEIGHT], m_idx[KV_MAX_HEIGHT], m_top;
    uint8_t mergecell[KV_CELL_MAX];
    /* I/O */
    kblk_req_t ld;
    kseg_t ld_seg;
    uint32_t ld_frame; /* KV_NONE: a read into meta/scratch */
    kblk_req_t wr[KV_WR_SLOTS], fl;
    kseg_t wr_seg[KV_WR_SLOTS][KBLK_MAX_SEGS];
    uint32_t wr_frames[KV_BATCH];
    uint32_t *wq, wq_pos, wq_n; /* write queue: frames sorted by page */
    uint32_t wr_slots;          /* slots in use: kv_config_t.write_slots */
    uint32_t io_pending;
    kerr_t io_err;
    uint8_t txn_dirty;
    uint32_t meta_slot; /* slot of the last commit's meta */
    kv_stats_t st;
    /* open's walk */
    uint32_t w_pg[KV_MAX_HEIGHT], w_idx[KV_MAX_HEIGHT];
    uint64_t w_txid[KV_MAX_HEIGHT];
    int w_top;
    kv_meta_t m[2];
    kerr_t mres[2];
} kv_priv_t;

static inline kv_priv_t *kv_p(const kv_store_t *kv)
{
    return kv->priv;
}
static inline uint8_t *kv_fdata(kv_store_t *kv, uint32_t f)
{
    return kv_p(kv)->data + (size_t)f * KV_PG;
}

/* kv_cache.c */
void kv_cache_init(kv_store_t *kv);
uint32_t kv_cache_find(kv_store_t *kv, uint32_t pgno);
int kv_fetch(kv_store_t *kv, uint32_t pgno, uint8_t type, uint64_t txid,
             const uint8_t **pg, uint32_t *frame);
int kv_reserve(kv_store_t *kv, uint32_t need);
uint32_t kv_frame_new(kv_store_t *kv, uint32_t pgno); /* reserved; DIRTY */
void kv_frame_drop(kv_store_t *kv, uint32_t f);
/* Page (pgno) is free (or about to be reused): drop its cached copy. */
void kv_cache_forget(kv_store_t *kv, uint32_t pgno);
void kv_frame_dirty(kv_store_t *kv, uint32_t f);
void kv_frame_clean(kv_store_t *kv, uint32_t f);
void kv_frame_writing(kv_store_t *kv, uint32_t f);
void kv_pin(kv_store_t *kv, uint32_t f);
void kv_unpin_all(kv_store_t *kv);
void kv_load_done(kv_store_t *kv, uint32_t f, kerr_t res);

/* kv_alloc.c */
void kv_alloc_init(kv_store_t *kv);
int kv_alloc_avail(kv_store_t *kv, uint32_t need);
uint32_t kv_alloc(kv_store_t *kv);
void kv_free(kv_store_t *kv, uint32_t pgno);
bool kv_bm_test(const uint64_t *bm, uint32_t pgno);
void kv_bm_set(uint64_t *bm, uint32_t pgno);
void kv_alloc_commit(kv_store_t *kv);
void kv_alloc_abort(kv_store_t *kv);
void kv_alloc_release(kv_store_t *kv);
uint32_t kv_alloc_used(const kv_store_t *kv);

/* kv_io.c */
void kv_io_read(kv_store_t *kv, uint32_t pgno, uint8_t *buf, uint32_t frame);
void kv_io_write(kv_store_t *kv, uint32_t *frames, uint32_t n);
void kv_sort_frames(kv_store_t *kv, uint32_t *f, uint32_t n);
void kv_io_write_buf(kv_store_t *kv, uint32_t pgno, uint8_t *buf, uint32_t len);
void kv_io_flush(kv_store_t *kv);
int kv_spill(kv_store_t *kv);

/* kv_tree.c */
int kv_descend(kv_store_t *kv, const kv_txn_t *t, const uint8_t *key,
               uint32_t klen);
int kv_next_leaf(kv_store_t *kv, const kv_txn_t *t);
int kv_tree_prepare(kv_store_t *kv, kv_txn_t *t, uint32_t extra);
void kv_tree_put(kv_store_t *kv, kv_txn_t *t, const kv_cell_t *cell);
void kv_tree_del(kv_store_t *kv, kv_txn_t *t);
uint32_t kv_cow_target(kv_store_t *kv, kv_txn_t *t, uint32_t L, uint32_t *pgno);
void kv_place(kv_store_t *kv, kv_txn_t *t, uint32_t f, uint32_t pgno,
              const uint8_t *scratch);
uint32_t kv_parent_cells_at(kv_store_t *kv, kv_txn_t *t, uint32_t L,
                            uint32_t pidx, uint32_t out0, uint32_t out1,
                            kv_cell_t *nc);

/* kv_merge.c */
int kv_tree_merge_prepare(kv_store_t *kv, const kv_txn_t *t);
uint32_t kv_merge_level(kv_store_t *kv, kv_txn_t *t, uint32_t L, kv_cell_t *nc);
void kv_free_value(kv_store_t *kv, const uint8_t *cell);

/* kv_ops.c, kv_commit.c, kv_open.c: one step of each request kind. */
int kv_step_get(kv_store_t *kv, kv_req_t *r);
int kv_step_put(kv_store_t *kv, kv_req_t *r);
int kv_step_del(kv_store_t *kv, kv_req_t *r);
int kv_step_scan(kv_store_t *kv, kv_req_t *r);
int kv_step_commit(kv_store_t *kv, kv_req_t *r);
int kv_step_abort(kv_store_t *kv, kv_req_t *r);
int kv_step_open(kv_store_t *kv, kv_req_t *r);
bool kv_step_retractable(const kv_req_t *r);
void kv_mark_cancel(kv_req_t *r);
void kv_put_undo(kv_store_t *kv, kv_req_t *r);
int kv_ovf_read(kv_store_t *kv, uint32_t ipg, uint64_t itx, uint32_t vlen,
                uint8_t *dst, uint32_t *pos);

/* kv_svc.c */
void kv_run(kv_store_t *kv);
void kv_service_register(void);
kv_txn_t *kv_req_txn(kv_store_t *kv, kv_req_t *r);

#endif
