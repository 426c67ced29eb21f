/* mote sandbox internals: instances and their request slots. */
#ifndef MOTE_SBX_INST_H
#define MOTE_SBX_INST_H

#include <stdbool.h>
#include <stdint.h>

#include "mote/kblk.h"
#include "mote/kcap.h"
#include "mote/kchan.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "mote/kv.h"
#include "mote/net.h"
#include "mote/wasm.h"
#include "sandbox/manifest.h"
#include "sandbox/sbx.h"

/* Bytes one request can move between guest memory and the kernel. Guest
 * buffers are never handed to devices: memory.grow may move them, so data
 * is copied through this bounce buffer, checked at the boundary once on
 * submit and again (cheaply) on completion. */
#define SBX_SLOT_BUF 4096

enum { SBX_LOADING = 1, SBX_RUNNING, SBX_ENDED };

typedef struct sbx_inst sbx_inst_t;

typedef struct sbx_slot {
    union {
        kwork_t work;
        ktimer_t timer;
        krng_req_t rng;
        net_udp_req_t udp;
        net_tcp_req_t tcp;
        kchan_req_t chan;
        kblk_req_t blk;
        kv_req_t kv;
    } r;
    kseg_t seg;
    sbx_inst_t *inst;
    uint64_t token;      /* the guest's name for this request */
    uint32_t gptr, gaux; /* guest addresses results go to */
    uint8_t busy;
    uint8_t kv_held;     /* a KV write waiting for a commit to finish */
    _Alignas(16) uint8_t buf[SBX_SLOT_BUF];
} sbx_slot_t;

struct sbx_inst {
    const sbx_instance_cfg_t *cfg;
    int id;
    uint8_t state;
    wasm_allocator alloc;
    wasm_module *mod;
    wasm_instance *wi;
    kcap_table_t caps;
    kcap_handle_t grant_handle[SBX_MAX_GRANTS]; /* grants, in manifest order */
    sbx_slot_t *slots;
    uint32_t nslots, busy;
    bool wasi;             /* a WASI command: runs _start in slices */
    bool exiting;          /* proc_exit was called */
    int exit_code;
    uint64_t sleep_until;  /* poll_oneoff: resume _start after this */
    ktimer_t resume;       /* next slice of _start */
    wasm_func *complete;   /* the export mote_complete, looked up once */
    uint32_t memory_pages; /* the limit in force (manifest, or `memory auto`) */
};

/* instance.c */
/* End (in) because of (why) ("trap: ...", "exit 3"); idempotent. */
void sbx_end(sbx_inst_t *in, const char *why, bool fault);
/* Give (in) a fresh callback budget and call export (name); ends the
 * instance on a trap or on running out of fuel. (name) is one of the guest
 * ABI's own export names (mote_start, ...), which hold no NUL byte; names
 * that come from a module are (pointer, length) pairs everywhere. */
void sbx_call(sbx_inst_t *in, const char *name, const wasm_val *args,
              uint32_t nargs);
/* Run or continue a WASI command's _start. */
void sbx_run_start(sbx_inst_t *in, bool resume);

/* slots.c */
sbx_slot_t *sbx_slot_get(sbx_inst_t *in, uint64_t token);
/* Submit the slot's request; on refusal the slot is freed again. */
kerr_t sbx_slot_submit(sbx_slot_t *s);
void sbx_slot_init(sbx_inst_t *in, sbx_slot_t *s);
void sbx_slots_cancel_all(sbx_inst_t *in);
/* Finish a slot that never reached the kernel with (err), as a request. */
void sbx_slot_fail(sbx_slot_t *s, kerr_t err);
sbx_slot_t *sbx_slot_find(sbx_inst_t *in, uint64_t token);

/* objects.c: the kernel objects grants name. */
kerr_t sbx_objects_create(const sbx_manifest_t *m);
kerr_t sbx_grant_install(sbx_inst_t *in, const sbx_grant_t *g, kcap_handle_t *h);
/* Drop the creation references once grants are installed: from then on
 * an object lives exactly as long as some handle (or message) names it. */
void sbx_objects_boot_done(void);
net_udp_sock_t *sbx_udp_sock(kobj_t *o);
typedef struct sbx_blk_region {
    kobj_t obj;
    uint32_t dev;
    uint64_t first, count;
} sbx_blk_region_t;

/* api.c, wasi.c: the import modules. */
bool sbx_host_fn(sbx_inst_t *in, const char *params, const char *results,
                 wasm_host_fn fn, const wasm_import *imp, wasm_extern *out);
bool sbx_resolve(void *user, const wasm_import *imp, wasm_extern *out);
bool sbx_resolve_mote(sbx_inst_t *in, const wasm_import *imp, wasm_extern *out);
bool sbx_resolve_wasi(sbx_inst_t *in, const wasm_import *imp, wasm_extern *out);

/* blkmod.c: modules named "blk:FIRST:BYTES" are read from block device 0
 * before instances start; then (done) runs. */
void sbx_blkmods_load(const sbx_manifest_t *m, void (*done)(void));
const sbx_blob_t *sbx_blkmod_find(const char *name);

/* kv.c: KV namespaces (grant kv PREFIX) in one store on block device 0. */
void sbx_kv_open(void (*done)(kerr_t err));
kobj_t *sbx_kv_obj(const char *prefix);
void sbx_kv_boot_done(void);
kerr_t sbx_kv_get(sbx_inst_t *in, const wasm_val *a);
kerr_t sbx_kv_put_del(sbx_inst_t *in, const wasm_val *a, bool put);
kerr_t sbx_kv_commit(sbx_inst_t *in, const wasm_val *a);
kerr_t sbx_kv_scan(sbx_inst_t *in, const wasm_val *a);
int32_t sbx_kv_deliver(sbx_slot_t *s);
void sbx_kv_completed(sbx_slot_t *s);

/* tcp.c: TCP listeners (grant tcp PORT) and connections. */
kobj_t *sbx_tcp_listen_obj(uint16_t port);
void sbx_tcp_boot_done(void);
kerr_t sbx_tcp_accept(sbx_inst_t *in, const wasm_val *a);
kerr_t sbx_tcp_io(sbx_inst_t *in, const wasm_val *a, kop_t op);
int32_t sbx_tcp_deliver(sbx_slot_t *s);

/* Guest-memory access: true if [addr, addr+len) lies inside memory 0. */
bool sbx_mem_ok(sbx_inst_t *in, uint32_t addr, uint32_t len);

extern sbx_stats_t sbx_counters;

#endif
