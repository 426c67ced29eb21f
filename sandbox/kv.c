/* KV namespaces for sandboxed instances (grant kv PREFIX RIGHTS).
 *
 * All namespaces live in one store on block device 0, opened by the
 * sandbox before any instance starts. A namespace is a key prefix the
 * guest never sees: keys are prefixed on the way in and stripped from scan
 * results on the way out, and scans stop at the end of the prefix. Reads
 * need the read right, writes the write right.
 *
 * Writes from every instance go into the sandbox's one write transaction
 * (the store has one at a time); kv_commit makes everything written so
 * far durable and completes after the store's second flush. Writes that
 * arrive while a commit is in flight wait here and start the next
 * transaction when it completes. Reads see the open transaction, so an
 * instance reads its own uncommitted writes.
 */
#include "mote/kalloc.h"
#include "lib/kstring.h"
#include "mote/kv.h"
#include "mote/printk.h"
#include "sandbox/inst.h"

#define SBX_KV_MAX 8
#define SBX_KV_CACHE 64 /* pages */

typedef struct sbx_kvns {
    kobj_t obj;
    const char *prefix;
    uint32_t plen;
} sbx_kvns_t;

static struct {
    kv_store_t store;
    kv_config_t cfg;
    kv_req_t open;
    kv_txn_t wtxn;
    bool wtxn_open, committing, ready;
    sbx_slot_t *waiting[64];  /* writes held back by a commit in flight */
    uint32_t nwaiting;
    void (*opened)(kerr_t err);
} kv;

static sbx_kvns_t nss[SBX_KV_MAX];
static uint32_t nns;

kobj_t *sbx_kv_obj(const char *prefix)
{
    for (uint32_t i = 0; i < nns; i++)
        if (!strcmp(nss[i].prefix, prefix))
            return &nss[i].obj;
    if (nns == SBX_KV_MAX || !kv.ready)
        return NULL;
    sbx_kvns_t *n = &nss[nns++];
    kobj_init(&n->obj, KOBJ_KV, NULL);
    n->prefix = prefix;
    n->plen = (uint32_t)strlen(prefix);
    return &n->obj;
}

void sbx_kv_boot_done(void)
{
    for (uint32_t i = 0; i < nns; i++)
        kobj_unref(&nss[i].obj);
}

static void open_done(kwork_t *w)
{
    kv.ready = w->result == KERR_OK;
    if (!kv.ready) {
        printk(KLOG_ERR, "sbx: cannot open the KV store on blk0: %s", kerr_str(w->result));
        kfree(kv.cfg.mem);           /* the store never took it */
        kv.cfg.mem = NULL;
    }
    kv.opened(w->result);
}

/* Open the store on device 0, then call (done). */
void sbx_kv_open(void (*done)(kerr_t err))
{
    kblk_info_t info;
    kv.opened = done;
    if (kblk_info(0, &info)) {
        printk(KLOG_ERR, "sbx: kv grants need a block device");
        done(KERR_NO_DEVICE);
        return;
    }
    kv.cfg = (kv_config_t){.dev = 0, .cache_pages = SBX_KV_CACHE};
    uint64_t pages = info.sectors * info.sector_size / KV_PAGE_SIZE;
    kv.cfg.mem_size = kv_mem_size(&kv.cfg, pages);
    /* The cache is sized by the device, at open: the kernel heap's. */
    kv.cfg.mem = kmalloc_aligned(kv.cfg.mem_size, KV_PAGE_SIZE);
    if (kv.cfg.mem)
        memset(kv.cfg.mem, 0, kv.cfg.mem_size);
    if (!kv.cfg.mem) {
        done(KERR_NOMEM);
        return;
    }
    kv_req_init(&kv.open, KOP_KV_OPEN, &kv.store, open_done, NULL);
    kv.open.cfg = &kv.cfg;
    kerr_t err = ksubmit(&kv.open.work);
    if (err) {
        kfree(kv.cfg.mem);
        kv.cfg.mem = NULL;
        done(err);
    }
}

/* Copy prefix + the guest's key into the slot's buffer. */
static kerr_t load_key(sbx_inst_t *in, sbx_slot_t *s, sbx_kvns_t *ns,
                       uint32_t kptr, uint32_t klen)
{
    if (ns->plen + klen > KV_MAX_KEY || !sbx_mem_ok(in, kptr, klen))
        return ns->plen + klen > KV_MAX_KEY ? KERR_TOO_BIG : KERR_INVALID;
    memcpy(s->buf, ns->prefix, ns->plen);
    wasm_mem_read(in->wi, kptr, s->buf + ns->plen, klen);
    s->r.kv.key = s->buf;
    s->r.kv.klen = ns->plen + klen;
    return KERR_OK;
}

static kerr_t submit_write(sbx_slot_t *s);

static void commit_done(void)
{
    kv.committing = false;
    kv.wtxn_open = false;
    uint32_t n = kv.nwaiting;
    kv.nwaiting = 0;
    for (uint32_t i = 0; i < n; i++) {
        sbx_slot_t *s = kv.waiting[i];
        kerr_t err = submit_write(s);
        if (err) { /* complete it with the error, as a request would */
            s->r.work.result = err;
            s->busy = 1;
            sbx_slot_fail(s, err);
        }
    }
}

/* Puts, deletes and commits go into the shared write transaction, which
 * is begun on demand; while a commit is in flight they wait. */
static kerr_t submit_write(sbx_slot_t *s)
{
    if (kv.committing) {
        if (kv.nwaiting == sizeof kv.waiting / sizeof kv.waiting[0])
            return KERR_NOMEM;
        kv.waiting[kv.nwaiting++] = s;
        s->kv_held = 1;
        return KERR_OK;
    }
    if (!kv.wtxn_open) {
        kerr_t err = kv_begin(&kv.store, &kv.wtxn, 1);
        if (err)
            return err;
        kv.wtxn_open = true;
    }
    s->r.kv.txn = &kv.wtxn;
    if (s->r.work.op == KOP_KV_COMMIT)
        kv.committing = true;
    s->kv_held = 0;
    return sbx_slot_submit(s);
}

void sbx_kv_completed(sbx_slot_t *s)
{
    if (s->r.work.op == KOP_KV_COMMIT)
        commit_done();
}

static kerr_t need_ns(sbx_inst_t *in, uint32_t h, uint32_t right, sbx_kvns_t **ns)
{
    kobj_t *o;
    kerr_t err = kcap_get(&in->caps, (kcap_handle_t)h, KOBJ_KV, right, &o, NULL);
    if (!err)
        *ns = KCONTAINER_OF(o, sbx_kvns_t, obj);
    return err;
}

static sbx_slot_t *kv_slot(sbx_inst_t *in, uint64_t token, kop_t op)
{
    sbx_slot_t *s = sbx_slot_get(in, token);
    if (s)
        kv_req_init(&s->r.kv, op, &kv.store, NULL, NULL);
    return s;
}

/* kv_get(token, h, kptr, klen, vptr, vcap): value = value length (the
 * size needed, with KERR_TOO_BIG, when vcap is too small). */
kerr_t sbx_kv_get(sbx_inst_t *in, const wasm_val *a)
{
    sbx_kvns_t *ns;
    uint32_t vptr = a[4].of.i32, vcap = a[5].of.i32;
    kerr_t err = need_ns(in, a[1].of.i32, KCAP_READ, &ns);
    if (err)
        return err;
    if (!sbx_mem_ok(in, vptr, vcap))
        return KERR_INVALID;
    sbx_slot_t *s = kv_slot(in, a[0].of.i64, KOP_KV_GET);
    if (!s)
        return KERR_NOMEM;
    if ((err = load_key(in, s, ns, a[2].of.i32, a[3].of.i32))) {
        s->busy = 0;
        return err;
    }
    s->r.kv.txn = kv.wtxn_open && !kv.committing ? &kv.wtxn : NULL;
    s->r.kv.buf = s->buf + KV_MAX_KEY + 1;
    s->r.kv.cap = vcap < SBX_SLOT_BUF - KV_MAX_KEY - 1 ? vcap : SBX_SLOT_BUF - KV_MAX_KEY - 1;
    s->gptr = vptr;
    return sbx_slot_submit(s);
}

/* kv_put(token, h, kptr, klen, vptr, vlen) / kv_del(token, h, kptr, klen) */
kerr_t sbx_kv_put_del(sbx_inst_t *in, const wasm_val *a, bool put)
{
    sbx_kvns_t *ns;
    kerr_t err = need_ns(in, a[1].of.i32, KCAP_WRITE, &ns);
    if (err)
        return err;
    uint32_t vptr = put ? a[4].of.i32 : 0, vlen = put ? a[5].of.i32 : 0;
    if (vlen > SBX_SLOT_BUF - KV_MAX_KEY - 1)
        return KERR_TOO_BIG;
    if (!sbx_mem_ok(in, vptr, vlen))
        return KERR_INVALID;
    sbx_slot_t *s = kv_slot(in, a[0].of.i64, put ? KOP_KV_PUT : KOP_KV_DEL);
    if (!s)
        return KERR_NOMEM;
    if ((err = load_key(in, s, ns, a[2].of.i32, a[3].of.i32))) {
        s->busy = 0;
        return err;
    }
    if (put) {
        wasm_mem_read(in->wi, vptr, s->buf + KV_MAX_KEY + 1, vlen);
        s->r.kv.val = s->buf + KV_MAX_KEY + 1;
        s->r.kv.vlen = vlen;
    }
    err = submit_write(s);
    if (err)
        s->busy = 0;
    return err;
}

/* kv_commit(token, h) */
kerr_t sbx_kv_commit(sbx_inst_t *in, const wasm_val *a)
{
    sbx_kvns_t *ns;
    kerr_t err = need_ns(in, a[1].of.i32, KCAP_WRITE, &ns);
    if (err)
        return err;
    sbx_slot_t *s = kv_slot(in, a[0].of.i64, KOP_KV_COMMIT);
    if (!s)
        return KERR_NOMEM;
    err = submit_write(s);
    if (err)
        s->busy = 0;
    return err;
}

/* kv_scan(token, h, sptr, slen, bptr, cap, count): records from key
 * (start) on, within the namespace, packed into the guest's buffer as
 * u16 klen | u32 vlen | key | value with the prefix removed; value =
 * records stored. */
kerr_t sbx_kv_scan(sbx_inst_t *in, const wasm_val *a)
{
    sbx_kvns_t *ns;
    uint32_t bptr = a[4].of.i32, cap = a[5].of.i32;
    kerr_t err = need_ns(in, a[1].of.i32, KCAP_READ, &ns);
    if (err)
        return err;
    if (!sbx_mem_ok(in, bptr, cap))
        return KERR_INVALID;
    sbx_slot_t *s = kv_slot(in, a[0].of.i64, KOP_KV_SCAN);
    if (!s)
        return KERR_NOMEM;
    if ((err = load_key(in, s, ns, a[2].of.i32, a[3].of.i32))) {
        s->busy = 0;
        return err;
    }
    /* End: the prefix's successor (last byte + 1, dropping 0xff bytes). */
    uint8_t *end = s->buf + KV_MAX_KEY + 1;
    uint32_t elen = ns->plen;
    memcpy(end, ns->prefix, elen);
    while (elen && end[elen - 1] == 0xff)
        elen--;
    if (elen) {
        end[elen - 1]++;
        s->r.kv.end = end;
        s->r.kv.endlen = elen;
    }
    s->r.kv.txn = kv.wtxn_open && !kv.committing ? &kv.wtxn : NULL;
    s->r.kv.buf = s->buf + 2 * (KV_MAX_KEY + 1);
    uint32_t room = SBX_SLOT_BUF - 2 * (KV_MAX_KEY + 1);
    s->r.kv.cap = cap < room ? cap : room;
    s->r.kv.count = a[6].of.i32;
    s->gptr = bptr;
    s->gaux = ns->plen; /* to strip */
    return sbx_slot_submit(s);
}

/* Completion: copy a get's value or a scan's records into guest memory;
 * the value passed to mote_complete. */
int32_t sbx_kv_deliver(sbx_slot_t *s)
{
    kv_req_t *r = &s->r.kv;
    kerr_t res = s->r.work.result;
    wasm_instance *wi = s->inst->wi;
    if (s->r.work.op == KOP_KV_GET) {
        if (res == KERR_OK)
            wasm_mem_write(wi, s->gptr, r->buf, r->vlen);
        return (int32_t)r->vlen;
    }
    if (s->r.work.op != KOP_KV_SCAN || res != KERR_OK)
        return 0;
    uint32_t off = 0, out = s->gptr, strip = s->gaux;
    const uint8_t *k, *v;
    uint32_t klen, vlen;
    while (kv_scan_rec(r->buf, r->used, &off, &k, &klen, &v, &vlen) == KERR_OK) {
        uint8_t hdr[6] = {(uint8_t)(klen - strip), (uint8_t)((klen - strip) >> 8),
                          (uint8_t)vlen, (uint8_t)(vlen >> 8), (uint8_t)(vlen >> 16),
                          (uint8_t)(vlen >> 24)};
        wasm_mem_write(wi, out, hdr, 6);
        wasm_mem_write(wi, out + 6, k + strip, klen - strip);
        wasm_mem_write(wi, out + 6 + klen - strip, v, vlen);
        out += 6 + klen - strip + vlen;
    }
    return (int32_t)r->found;
}
