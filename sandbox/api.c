/* The "mote" import module: the kernel's request model offered to guests.
 *
 * Every guest pointer and length is checked once, here, against the
 * instance's memory before anything is copied; a bad one fails the call
 * with KERR_INVALID and touches nothing. Asynchronous calls take a 64-bit
 * token chosen by the guest and return a kerr_t (0: accepted); the result
 * arrives later through the guest's export
 *     mote_complete(i64 token, i32 result, i32 value)
 * The full ABI is in docs/sandbox.md and sandbox/guest/mote.h.
 */
#include "lib/kstring.h"
#include "mote/printk.h"
#include "sandbox/inst.h"

#define I32 WASM_I32
#define I64 WASM_I64

bool sbx_mem_ok(sbx_inst_t *in, uint32_t addr, uint32_t len)
{
    return (uint64_t)addr + len <= wasm_mem_size(in->wi);
}

static sbx_inst_t *inst_of(void *user)
{
    return user;
}

static void ret(wasm_val *results, kerr_t err)
{
    results[0].type = I32;
    results[0].of.i32 = (uint32_t)err;
}

/* Look up a handle for a request; the common first step of every call. */
static kerr_t need(sbx_inst_t *in, uint32_t h, kobj_type_t type, uint32_t rights,
                   kobj_t **o)
{
    return kcap_get(&in->caps, (kcap_handle_t)h, type, rights, o, NULL);
}

static wasm_trap api_print(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi, (void)r;
    sbx_inst_t *in = inst_of(user);
    char line[256];
    uint32_t len = a[1].of.i32 < sizeof line - 1 ? a[1].of.i32 : sizeof line - 1;
    if (!sbx_mem_ok(in, a[0].of.i32, a[1].of.i32))
        return WASM_TRAP_MEMORY_OOB;
    wasm_mem_read(in->wi, a[0].of.i32, line, len);
    line[len] = 0;
    printk(KLOG_INFO, "%s: %s", in->cfg->name, line);
    return WASM_TRAP_NONE;
}

static wasm_trap api_now(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi, (void)a, (void)user;
    r[0].type = I64;
    r[0].of.i64 = ktime_now();
    return WASM_TRAP_NONE;
}

/* handle(name_ptr, name_len) -> the handle of the grant with that name, or
 * -KERR_NOT_FOUND. Grants are handles 1..n in manifest order. */
static wasm_trap api_handle(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    sbx_inst_t *in = inst_of(user);
    char name[64];
    uint32_t len = a[1].of.i32;
    int32_t h = -(int32_t)KERR_NOT_FOUND;
    if (len < sizeof name && sbx_mem_ok(in, a[0].of.i32, len)) {
        wasm_mem_read(in->wi, a[0].of.i32, name, len);
        name[len] = 0;
        for (uint32_t i = 0; i < in->cfg->ngrants; i++)
            if (!strcmp(in->cfg->grants[i].name, name))
                h = (int32_t)in->grant_handle[i];
    } else {
        h = -(int32_t)KERR_INVALID;
    }
    r[0].type = I32;
    r[0].of.i32 = (uint32_t)h;
    return WASM_TRAP_NONE;
}

static wasm_trap api_dup(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    kcap_handle_t h;
    kerr_t err = kcap_dup(&inst_of(user)->caps, (kcap_handle_t)a[0].of.i32,
                          a[1].of.i32, &h);
    r[0].type = I32;
    r[0].of.i32 = err ? (uint32_t)-(int32_t)err : (uint32_t)h;
    return WASM_TRAP_NONE;
}

static wasm_trap api_close(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, kcap_close(&inst_of(user)->caps, (kcap_handle_t)a[0].of.i32));
    return WASM_TRAP_NONE;
}

static wasm_trap api_exit(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi, (void)r;
    sbx_inst_t *in = inst_of(user);
    in->exiting = true;
    in->exit_code = (int)a[0].of.i32;
    return WASM_TRAP_HOST; /* unwinds the guest; sbx_call sees `exiting` */
}

static wasm_trap api_cancel(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    sbx_slot_t *s = sbx_slot_find(inst_of(user), a[0].of.i64);
    ret(r, s ? kcancel(&s->r.work) : KERR_NOT_FOUND);
    return WASM_TRAP_NONE;
}

static wasm_trap api_timer(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    sbx_inst_t *in = inst_of(user);
    kobj_t *o;
    kerr_t err = need(in, a[1].of.i32, KOBJ_TIMER, KCAP_READ, &o);
    sbx_slot_t *s = err ? NULL : sbx_slot_get(in, a[0].of.i64);
    if (!err && !s)
        err = KERR_NOMEM;
    if (!err) {
        ktimer_init(&s->r.timer, NULL, NULL);
        s->r.work.deadline = ktime_now() + a[2].of.i64;
        if (!s->r.work.deadline)
            s->r.work.deadline = 1;
        err = sbx_slot_submit(s);
    }
    ret(r, err);
    return WASM_TRAP_NONE;
}

static wasm_trap api_random(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    sbx_inst_t *in = inst_of(user);
    uint32_t ptr = a[1].of.i32, len = a[2].of.i32;
    kerr_t err = KERR_OK;
    sbx_slot_t *s = NULL;
    if (len > SBX_SLOT_BUF || !sbx_mem_ok(in, ptr, len))
        err = len > SBX_SLOT_BUF ? KERR_TOO_BIG : KERR_INVALID;
    else if (!(s = sbx_slot_get(in, a[0].of.i64)))
        err = KERR_NOMEM;
    if (!err) {
        krng_req_init(&s->r.rng, s->buf, len, NULL, NULL);
        s->gptr = ptr;
        err = sbx_slot_submit(s);
    }
    ret(r, err);
    return WASM_TRAP_NONE;
}

/* udp_send(token, h, ptr, len, ip, port) / udp_recv(token, h, ptr, cap, peer_ptr) */
static kerr_t udp_common(sbx_inst_t *in, const wasm_val *a, bool send)
{
    uint32_t ptr = a[2].of.i32, len = a[3].of.i32;
    kobj_t *o;
    kerr_t err = need(in, a[1].of.i32, KOBJ_UDP, send ? KCAP_SEND : KCAP_RECEIVE, &o);
    if (err)
        return err;
    if (len > NET_UDP_MAX_PAYLOAD || !sbx_mem_ok(in, ptr, len))
        return len > NET_UDP_MAX_PAYLOAD ? KERR_TOO_BIG : KERR_INVALID;
    if (!send && a[4].of.i32 && !sbx_mem_ok(in, a[4].of.i32, 8))
        return KERR_INVALID;
    sbx_slot_t *s = sbx_slot_get(in, a[0].of.i64);
    if (!s)
        return KERR_NOMEM;
    net_udp_req_init(&s->r.udp, send ? KOP_UDP_SEND : KOP_UDP_RECV, sbx_udp_sock(o),
                     s->buf, len, NULL, NULL);
    s->gptr = ptr;
    if (send) {
        wasm_mem_read(in->wi, ptr, s->buf, len);
        s->r.udp.peer.ip = a[4].of.i32;
        s->r.udp.peer.port = (uint16_t)a[5].of.i32;
    } else {
        s->gaux = a[4].of.i32;
    }
    return sbx_slot_submit(s);
}

static wasm_trap api_udp_send(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, udp_common(inst_of(user), a, true));
    return WASM_TRAP_NONE;
}

static wasm_trap api_udp_recv(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, udp_common(inst_of(user), a, false));
    return WASM_TRAP_NONE;
}

/* Take the handles a message carries out of the sender's table; on any
 * failure, put back what was taken. */
static kerr_t take_handles(sbx_inst_t *in, sbx_slot_t *s, uint32_t hs, uint32_t nh)
{
    int32_t hv[KCHAN_MAX_OBJS];
    if (nh > KCHAN_MAX_OBJS || (nh && !sbx_mem_ok(in, hs, nh * 4)))
        return KERR_INVALID;
    wasm_mem_read(in->wi, hs, hv, nh * 4);
    kchan_req_t *c = &s->r.chan;
    for (uint32_t i = 0; i < nh; i++) {
        kerr_t err = kcap_take(&in->caps, hv[i], &c->objs[i], &c->rights[i]);
        if (err) {
            for (uint32_t j = 0; j < i; j++) {
                kcap_handle_t back;
                if (kcap_install(&in->caps, c->objs[j], c->rights[j], &back))
                    kobj_unref(c->objs[j]);
            }
            return err;
        }
    }
    c->nobjs = nh;
    return KERR_OK;
}

/* chan_send(token, h, ptr, len, hs_ptr, nh) / chan_recv(token, h, ptr, cap, hs_out) */
static kerr_t chan_common(sbx_inst_t *in, const wasm_val *a, bool send)
{
    uint32_t ptr = a[2].of.i32, len = a[3].of.i32;
    kobj_t *o;
    kerr_t err = need(in, a[1].of.i32, KOBJ_CHAN, send ? KCAP_SEND : KCAP_RECEIVE, &o);
    if (err)
        return err;
    if (len > SBX_SLOT_BUF || !sbx_mem_ok(in, ptr, len))
        return len > SBX_SLOT_BUF ? KERR_TOO_BIG : KERR_INVALID;
    if (!send && a[4].of.i32 && !sbx_mem_ok(in, a[4].of.i32, 4 * (1 + KCHAN_MAX_OBJS)))
        return KERR_INVALID;
    sbx_slot_t *s = sbx_slot_get(in, a[0].of.i64);
    if (!s)
        return KERR_NOMEM;
    kchan_end_t *end = KCONTAINER_OF(o, kchan_end_t, obj);
    kchan_req_init(&s->r.chan, send ? KOP_CHAN_SEND : KOP_CHAN_RECV, end, s->buf,
                   len, NULL, NULL);
    s->gptr = ptr;
    if (!send) {
        s->gaux = a[4].of.i32;
        return sbx_slot_submit(s);
    }
    wasm_mem_read(in->wi, ptr, s->buf, len);
    err = take_handles(in, s, a[4].of.i32, a[5].of.i32);
    if (err) {
        s->busy = 0;
        return err;
    }
    uint32_t nobjs = s->r.chan.nobjs;
    kobj_t *objs[KCHAN_MAX_OBJS];
    uint32_t rights[KCHAN_MAX_OBJS];
    memcpy(objs, s->r.chan.objs, sizeof objs);
    memcpy(rights, s->r.chan.rights, sizeof rights);
    err = sbx_slot_submit(s);
    for (uint32_t i = 0; err && i < nobjs; i++) { /* refused: give them back */
        kcap_handle_t back;
        if (kcap_install(&in->caps, objs[i], rights[i], &back))
            kobj_unref(objs[i]);
    }
    return err;
}

static wasm_trap api_chan_send(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, chan_common(inst_of(user), a, true));
    return WASM_TRAP_NONE;
}

static wasm_trap api_chan_recv(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, chan_common(inst_of(user), a, false));
    return WASM_TRAP_NONE;
}

/* blk_read/blk_write(token, h, sector, ptr, len): sector is relative to the
 * granted region, len a multiple of the sector size, at most SBX_SLOT_BUF. */
static kerr_t blk_common(sbx_inst_t *in, const wasm_val *a, kop_t op)
{
    kobj_t *o;
    kerr_t err = need(in, a[1].of.i32, KOBJ_BLK,
                      op == KOP_BLK_READ ? KCAP_READ : KCAP_WRITE, &o);
    if (err)
        return err;
    sbx_blk_region_t *b = KCONTAINER_OF(o, sbx_blk_region_t, obj);
    kblk_info_t info;
    if (kblk_info(b->dev, &info))
        return KERR_NO_DEVICE;
    uint64_t sector = op == KOP_BLK_FLUSH ? 0 : a[2].of.i64;
    uint32_t ptr = op == KOP_BLK_FLUSH ? 0 : a[3].of.i32;
    uint32_t len = op == KOP_BLK_FLUSH ? 0 : a[4].of.i32;
    uint64_t nsec = len / info.sector_size;
    if (len > SBX_SLOT_BUF || len % info.sector_size || !sbx_mem_ok(in, ptr, len) ||
        sector > b->count || nsec > b->count - sector)
        return KERR_INVALID;
    sbx_slot_t *s = sbx_slot_get(in, a[0].of.i64);
    if (!s)
        return KERR_NOMEM;
    s->seg.buf = s->buf;
    s->seg.len = len;
    kblk_req_init(&s->r.blk, op, b->dev, b->first + sector, &s->seg,
                  op == KOP_BLK_FLUSH ? 0 : 1, NULL, NULL);
    s->gptr = ptr;
    if (op == KOP_BLK_WRITE)
        wasm_mem_read(in->wi, ptr, s->buf, len);
    return sbx_slot_submit(s);
}

static wasm_trap api_blk_read(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, blk_common(inst_of(user), a, KOP_BLK_READ));
    return WASM_TRAP_NONE;
}

static wasm_trap api_blk_write(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, blk_common(inst_of(user), a, KOP_BLK_WRITE));
    return WASM_TRAP_NONE;
}

static wasm_trap api_blk_flush(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, blk_common(inst_of(user), a, KOP_BLK_FLUSH));
    return WASM_TRAP_NONE;
}

static wasm_trap api_kv_get(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, sbx_kv_get(inst_of(user), a));
    return WASM_TRAP_NONE;
}

static wasm_trap api_kv_put(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, sbx_kv_put_del(inst_of(user), a, true));
    return WASM_TRAP_NONE;
}

static wasm_trap api_kv_del(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, sbx_kv_put_del(inst_of(user), a, false));
    return WASM_TRAP_NONE;
}

static wasm_trap api_kv_scan(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, sbx_kv_scan(inst_of(user), a));
    return WASM_TRAP_NONE;
}

static wasm_trap api_kv_commit(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, sbx_kv_commit(inst_of(user), a));
    return WASM_TRAP_NONE;
}

/* tcp_accept(token, listener, peer_ptr), tcp_send(token, h, ptr, len),
 * tcp_recv(token, h, ptr, cap), tcp_shutdown(token, h): sandbox/tcp.c */
static wasm_trap api_tcp_accept(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, sbx_tcp_accept(inst_of(user), a));
    return WASM_TRAP_NONE;
}

static wasm_trap api_tcp_send(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, sbx_tcp_io(inst_of(user), a, KOP_TCP_SEND));
    return WASM_TRAP_NONE;
}

static wasm_trap api_tcp_recv(wasm_instance *wi, const wasm_val *a, wasm_val *r, void *user)
{
    (void)wi;
    ret(r, sbx_tcp_io(inst_of(user), a, KOP_TCP_RECV));
    return WASM_TRAP_NONE;
}

static wasm_trap api_tcp_shutdown(wasm_instance *wi, const wasm_val *a, wasm_val *r,
                                  void *user)
{
    (void)wi;
    ret(r, sbx_tcp_io(inst_of(user), a, KOP_TCP_SHUTDOWN));
    return WASM_TRAP_NONE;
}

typedef struct host_fn {
    const char *name;
    const char *params, *results; /* 'i' = i32, 'I' = i64 */
    wasm_host_fn fn;
} host_fn_t;

static const host_fn_t mote_fns[] = {
    {"print", "ii", "", api_print},
    {"now", "", "I", api_now},
    {"exit", "i", "", api_exit},
    {"handle", "ii", "i", api_handle},
    {"handle_dup", "ii", "i", api_dup},
    {"handle_close", "i", "i", api_close},
    {"cancel", "I", "i", api_cancel},
    {"timer", "IiI", "i", api_timer},
    {"random", "Iii", "i", api_random},
    {"udp_send", "Iiiiii", "i", api_udp_send},
    {"udp_recv", "Iiiii", "i", api_udp_recv},
    {"chan_send", "Iiiiii", "i", api_chan_send},
    {"chan_recv", "Iiiii", "i", api_chan_recv},
    {"blk_read", "IiIii", "i", api_blk_read},
    {"blk_write", "IiIii", "i", api_blk_write},
    {"blk_flush", "Ii", "i", api_blk_flush},
    {"kv_get", "Iiiiii", "i", api_kv_get},
    {"kv_put", "Iiiiii", "i", api_kv_put},
    {"kv_del", "Iiii", "i", api_kv_del},
    {"kv_scan", "Iiiiiii", "i", api_kv_scan},
    {"kv_commit", "Ii", "i", api_kv_commit},
    {"tcp_accept", "Iii", "i", api_tcp_accept},
    {"tcp_send", "Iiii", "i", api_tcp_send},
    {"tcp_recv", "Iiii", "i", api_tcp_recv},
    {"tcp_shutdown", "Ii", "i", api_tcp_shutdown},
};

bool sbx_resolve_mote(sbx_inst_t *in, const wasm_import *imp, wasm_extern *out)
{
    for (unsigned i = 0; i < sizeof mote_fns / sizeof mote_fns[0]; i++) {
        const host_fn_t *f = &mote_fns[i];
        if (strlen(f->name) == imp->name_len && !memcmp(f->name, imp->name, imp->name_len))
            return sbx_host_fn(in, f->params, f->results, f->fn, imp, out);
    }
    return false;
}
