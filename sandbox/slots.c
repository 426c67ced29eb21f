/* Request slots: each instance has a fixed number, each with a bounce
 * buffer. A host call fills a slot and submits its kernel request; the
 * request's callback copies results into guest memory and calls the
 * guest's mote_complete(token, result, value). Slots of an ended instance
 * still complete (exactly once, as every request does) and are dropped. */
#include "lib/kstring.h"
#include "mote/printk.h"
#include "sandbox/inst.h"

static void slot_done(kwork_t *w);

void sbx_slot_init(sbx_inst_t *in, sbx_slot_t *s)
{
    memset(s, 0, sizeof *s - sizeof s->buf);
    s->inst = in;
}

sbx_slot_t *sbx_slot_get(sbx_inst_t *in, uint64_t token)
{
    for (uint32_t i = 0; i < in->nslots; i++) {
        sbx_slot_t *s = &in->slots[i];
        if (!s->busy) {
            sbx_slot_init(in, s);
            s->busy = 1;
            s->token = token;
            return s;
        }
    }
    return NULL;
}

sbx_slot_t *sbx_slot_find(sbx_inst_t *in, uint64_t token)
{
    for (uint32_t i = 0; i < in->nslots; i++)
        if (in->slots[i].busy && in->slots[i].token == token)
            return &in->slots[i];
    return NULL;
}

kerr_t sbx_slot_submit(sbx_slot_t *s)
{
    s->r.work.callback = slot_done;
    s->r.work.ctx = s;
    kerr_t err = ksubmit(&s->r.work);
    if (err)
        s->busy = 0;
    else
        s->inst->busy++;
    return err;
}

void sbx_slot_fail(sbx_slot_t *s, kerr_t err)
{
    s->busy = 0;
    if (s->inst->state != SBX_RUNNING)
        return;
    wasm_val args[3] = {{.type = WASM_I64, .of.i64 = s->token},
                        {.type = WASM_I32, .of.i32 = (uint32_t)err},
                        {.type = WASM_I32, .of.i32 = 0}};
    sbx_call(s->inst, "mote_complete", args, 3);
}

void sbx_slots_cancel_all(sbx_inst_t *in)
{
    for (uint32_t i = 0; i < in->nslots; i++)
        if (in->slots[i].busy && in->slots[i].r.work.state == KWORK_STATE_LIVE)
            kcancel(&in->slots[i].r.work);
}

/* A received message's objects become handles of the receiver; their
 * values (or 0 where the table was full) go to guest memory at gaux as
 * [count, h0, h1, h2, h3] (little-endian i32). */
static void install_received(sbx_slot_t *s)
{
    kchan_req_t *r = &s->r.chan;
    int32_t out[1 + KCHAN_MAX_OBJS] = {(int32_t)r->nobjs};
    for (uint32_t i = 0; i < r->nobjs; i++) {
        kcap_handle_t h = 0;
        if (kcap_install(&s->inst->caps, r->objs[i], r->rights[i], &h)) {
            printk(KLOG_WARN, "sbx%d: handle table full; received object closed",
                   s->inst->id);
            kobj_unref(r->objs[i]);
        }
        out[1 + i] = h;
    }
    if (s->gaux)
        wasm_mem_write(s->inst->wi, s->gaux, out, sizeof out);
}

/* A failed send gives its objects back to the sender's table. */
static void return_sent(sbx_slot_t *s)
{
    kchan_req_t *r = &s->r.chan;
    for (uint32_t i = 0; i < r->nobjs; i++) {
        kcap_handle_t h;
        if (kcap_install(&s->inst->caps, r->objs[i], r->rights[i], &h))
            kobj_unref(r->objs[i]);
    }
}

/* Copy what the request produced into guest memory; the value passed to
 * mote_complete. */
static int32_t deliver(sbx_slot_t *s)
{
    kwork_t *w = &s->r.work;
    bool ok = w->result == KERR_OK || w->result == KERR_TOO_BIG;
    wasm_instance *wi = s->inst->wi;
    switch (w->op) {
    case KOP_RNG_READ:
        if (ok)
            wasm_mem_write(wi, s->gptr, s->buf, s->r.rng.len);
        return ok ? (int32_t)s->r.rng.len : 0;
    case KOP_UDP_RECV:
        if (ok) {
            uint32_t peer[2] = {s->r.udp.peer.ip, s->r.udp.peer.port};
            wasm_mem_write(wi, s->gptr, s->buf, s->r.udp.done);
            if (s->gaux)
                wasm_mem_write(wi, s->gaux, peer, sizeof peer);
        }
        return ok ? (int32_t)s->r.udp.done : 0;
    case KOP_UDP_SEND: return ok ? (int32_t)s->r.udp.len : 0;
    case KOP_CHAN_RECV:
        if (ok) {
            wasm_mem_write(wi, s->gptr, s->buf, s->r.chan.done);
            install_received(s);
        }
        return ok ? (int32_t)s->r.chan.done : 0;
    case KOP_CHAN_SEND:
        if (!ok)
            return_sent(s);
        return 0;
    case KOP_BLK_READ:
        if (ok)
            wasm_mem_write(wi, s->gptr, s->buf, s->seg.len);
        return ok ? (int32_t)s->seg.len : 0;
    case KOP_BLK_WRITE: return ok ? (int32_t)s->seg.len : 0;
    default:
        if (KOP_CLASS(w->op) == KOP_CLASS_KV)
            return sbx_kv_deliver(s);
        if (KOP_CLASS(w->op) == KOP_CLASS_TCP)
            return sbx_tcp_deliver(s);
        return 0;
    }
}

static void slot_done(kwork_t *w)
{
    sbx_slot_t *s = w->ctx;
    sbx_inst_t *in = s->inst;
    s->busy = 0;
    in->busy--;
    if (KOP_CLASS(w->op) == KOP_CLASS_KV)
        sbx_kv_completed(s); /* a commit lets waiting writes go */
    if (in->state != SBX_RUNNING) {
        if (KOP_CLASS(w->op) == KOP_CLASS_TCP)
            sbx_tcp_deliver(s); /* an accepted connection is closed */
        if (w->op == KOP_CHAN_RECV) /* nobody to give them to */
            for (uint32_t i = 0; i < s->r.chan.nobjs; i++)
                kobj_unref(s->r.chan.objs[i]);
        return;
    }
    int32_t value = deliver(s);
    wasm_val args[3] = {{.type = WASM_I64, .of.i64 = s->token},
                        {.type = WASM_I32, .of.i32 = (uint32_t)w->result},
                        {.type = WASM_I32, .of.i32 = (uint32_t)value}};
    sbx_call(in, "mote_complete", args, 3);
}
