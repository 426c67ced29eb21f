/* KV unit tests: synchronous wrappers over the store's work items, driven
 * through the fake platform's loop. Each wrapper submits one request and
 * turns the loop until its callback ran; KVT_POWER_OFF if the fake disk
 * lost power first (the request then never completes). */
#ifndef MOTE_KV_UTIL_H
#define MOTE_KV_UTIL_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mote/kv.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

#define KVT_POWER_OFF 1000
#define KVT_MEM       (12u << 20)

void kv_service_register(void);

static _Alignas(4096) uint8_t kvt_mem[KVT_MEM];
static kv_store_t kvt_kv;
static kv_config_t kvt_cfg;
static int kvt_done;

static inline void kvt_cb(kwork_t *w)
{
    (void)w;
    kvt_done = 1;
}

static inline int kvt_run(kv_req_t *r)
{
    kvt_done = 0;
    kerr_t e = ksubmit(&r->work);
    if (e != KERR_OK)
        return e;
    for (int i = 0; i < 1000000 && !kvt_done; i++) {
        fake_settle();
        if (!kvt_done && fake_blk_powered_off())
            return KVT_POWER_OFF;
    }
    return kvt_done ? (int)r->work.result : -1;
}

/* Fresh fake disk of (pages) 4 KiB pages with (sector) bytes a sector. */
static inline void kvt_disk(uint32_t pages, uint32_t sector)
{
    alarm(300); /* a watchdog: a livelocked store fails the run, not hangs */
    fake_blk_attach((uint64_t)pages * (4096 / sector), sector, false);
    memset(&kvt_kv, 0, sizeof kvt_kv);
    kv_service_register();
}

/* Open with (cache) frames, (pending) ring entries, (wslots) write
 * requests in flight (0: the store's default). */
static inline int kvt_open_slots(uint32_t cache, uint32_t pending,
                                 uint32_t wslots)
{
    kvt_cfg = (kv_config_t){.dev = 0,
                            .cache_pages = cache,
                            .pending_max = pending,
                            .mem = kvt_mem,
                            .mem_size = KVT_MEM,
                            .write_slots = wslots};
    kv_req_t r;
    kv_req_init(&r, KOP_KV_OPEN, &kvt_kv, kvt_cb, NULL);
    r.cfg = &kvt_cfg;
    return kvt_run(&r);
}

static inline int kvt_open_cfg(uint32_t cache, uint32_t pending)
{
    return kvt_open_slots(cache, pending, 0);
}

static inline int kvt_open(void)
{
    return kvt_open_cfg(64, 0);
}

static inline int kvt_put(kv_txn_t *t, const char *k, const void *v,
                          uint32_t vlen)
{
    kv_req_t r;
    kv_req_init(&r, KOP_KV_PUT, &kvt_kv, kvt_cb, NULL);
    r.txn = t;
    r.key = k;
    r.klen = (uint32_t)strlen(k);
    r.val = v;
    r.vlen = vlen;
    return kvt_run(&r);
}

static inline int kvt_puts(kv_txn_t *t, const char *k, const char *v)
{
    return kvt_put(t, k, v, (uint32_t)strlen(v));
}

static inline int kvt_get(kv_txn_t *t, const char *k, void *buf, uint32_t cap,
                          uint32_t *vlen)
{
    kv_req_t r;
    kv_req_init(&r, KOP_KV_GET, &kvt_kv, kvt_cb, NULL);
    r.txn = t;
    r.key = k;
    r.klen = (uint32_t)strlen(k);
    r.buf = buf;
    r.cap = cap;
    int e = kvt_run(&r);
    if (vlen)
        *vlen = r.vlen;
    return e;
}

static inline int kvt_del(kv_txn_t *t, const char *k)
{
    kv_req_t r;
    kv_req_init(&r, KOP_KV_DEL, &kvt_kv, kvt_cb, NULL);
    r.txn = t;
    r.key = k;
    r.klen = (uint32_t)strlen(k);
    return kvt_run(&r);
}

static inline int kvt_end(kop_t op, kv_txn_t *t)
{
    kv_req_t r;
    kv_req_init(&r, op, &kvt_kv, kvt_cb, NULL);
    r.txn = t;
    return kvt_run(&r);
}

static inline int kvt_commit(kv_txn_t *t)
{
    return kvt_end(KOP_KV_COMMIT, t);
}
static inline int kvt_abort(kv_txn_t *t)
{
    return kvt_end(KOP_KV_ABORT, t);
}

/* Scan from (start) (NULL = first) up to (count) records into (buf). */
static inline int kvt_scan(kv_txn_t *t, const char *start, uint32_t count,
                           void *buf, uint32_t cap, uint32_t *found,
                           uint32_t *used)
{
    kv_req_t r;
    kv_req_init(&r, KOP_KV_SCAN, &kvt_kv, kvt_cb, NULL);
    r.txn = t;
    r.key = start;
    r.klen = start ? (uint32_t)strlen(start) : 0;
    r.buf = buf;
    r.cap = cap;
    r.count = count;
    int e = kvt_run(&r);
    *found = r.found;
    *used = r.used;
    return e;
}

/* Put and commit one key in its own txn. */
static inline int kvt_put1(const char *k, const char *v)
{
    kv_txn_t t;
    int e = kv_begin(&kvt_kv, &t, 1);
    if (!e)
        e = kvt_puts(&t, k, v);
    if (!e)
        return kvt_commit(&t);
    kvt_abort(&t);
    return e;
}

#endif
