/* Sandbox TCP: listeners granted by the manifest, connections as handles.
 *
 * `grant tcp PORT RIGHTS` makes a listener object on PORT (one per port,
 * shared by every grant of it). A guest holding it with the `accept` right
 * calls tcp_accept; each accepted connection becomes a new kernel object
 * and a new handle in the guest's table, with the listener handle's send,
 * receive, dup and transfer rights (so a grant of "accept,receive" yields
 * connections that can only be read). tcp_send needs `send`, tcp_recv
 * `receive`, tcp_shutdown `send`. The connection lives as long as some
 * handle names it (it may be duplicated or sent over a channel to another
 * instance); closing the last one closes it (net_tcp_close: queued data is
 * still delivered, unread data makes it a RST).
 *
 * Data moves through the slot's bounce buffer like UDP's: at most
 * SBX_SLOT_BUF bytes per call (a larger receive is clamped, a larger send
 * refused with KERR_TOO_BIG). A send's value is the bytes taken, also when
 * it ends early; a receive's is the bytes stored, and KERR_CLOSED marks the
 * peer's end of stream.
 */
#include "lib/kstring.h"
#include "mote/printk.h"
#include "sandbox/inst.h"

#define MAX_LISTEN  8
#define MAX_CONNS   64
#define BACKLOG     64
#define CONN_RIGHTS (KCAP_SEND | KCAP_RECEIVE | KCAP_DUPLICATE | KCAP_TRANSFER)

typedef struct sbx_listen {
    kobj_t obj;
    net_tcp_listener_t l;
    uint16_t port;
} sbx_listen_t;

typedef struct sbx_conn {
    kobj_t obj;
    net_tcp_conn_t c;
    uint8_t used; /* reserved by an accept, or alive */
} sbx_conn_t;

static sbx_listen_t listens[MAX_LISTEN];
static uint32_t nlisten;
static sbx_conn_t conns[MAX_CONNS];

static void listen_release(kobj_t *o)
{
    sbx_listen_t *l = KCONTAINER_OF(o, sbx_listen_t, obj);
    net_tcp_unlisten(&l->l);
}

kobj_t *sbx_tcp_listen_obj(uint16_t port)
{
    for (uint32_t i = 0; i < nlisten; i++)
        if (listens[i].port == port)
            return &listens[i].obj;
    if (nlisten == MAX_LISTEN)
        return NULL;
    sbx_listen_t *l = &listens[nlisten];
    kerr_t err = net_tcp_listen(&l->l, port, BACKLOG);
    if (err) {
        printk(KLOG_ERR, "sbx: cannot listen on tcp port %u: %s", port,
               kerr_str(err));
        return NULL;
    }
    kobj_init(&l->obj, KOBJ_TCP_LISTEN, listen_release);
    l->port = port;
    nlisten++;
    return &l->obj;
}

void sbx_tcp_boot_done(void)
{
    for (uint32_t i = 0; i < nlisten; i++)
        kobj_unref(&listens[i].obj);
}

static void conn_release(kobj_t *o)
{
    sbx_conn_t *c = KCONTAINER_OF(o, sbx_conn_t, obj);
    net_tcp_close(&c->c);
    c->used = 0;
}

static sbx_conn_t *conn_reserve(void)
{
    for (uint32_t i = 0; i < MAX_CONNS; i++)
        if (!conns[i].used) {
            memset(&conns[i], 0, sizeof conns[i]);
            conns[i].used = 1;
            return &conns[i];
        }
    return NULL;
}

/* tcp_accept(token, listener, peer_ptr): value = the new handle; peer
 * {u32 ip, u32 port} at peer_ptr (0: not wanted). The slot keeps the
 * rights for the new handle in gptr (no guest buffer to copy). */
kerr_t sbx_tcp_accept(sbx_inst_t *in, const wasm_val *a)
{
    kobj_t *o;
    uint32_t rights, peer = a[2].of.i32;
    kerr_t err = kcap_get(&in->caps, (kcap_handle_t)a[1].of.i32,
                          KOBJ_TCP_LISTEN, KCAP_ACCEPT, &o, &rights);
    if (err)
        return err;
    if (peer && !sbx_mem_ok(in, peer, 8))
        return KERR_INVALID;
    sbx_conn_t *c = conn_reserve();
    if (!c)
        return KERR_NOMEM;
    sbx_slot_t *s = sbx_slot_get(in, a[0].of.i64);
    if (!s) {
        c->used = 0;
        return KERR_NOMEM;
    }
    net_tcp_req_init(&s->r.tcp, KOP_TCP_ACCEPT, &c->c, NULL, 0, NULL, NULL);
    s->r.tcp.listener = &KCONTAINER_OF(o, sbx_listen_t, obj)->l;
    s->gptr = rights & CONN_RIGHTS;
    s->gaux = peer;
    err = sbx_slot_submit(s);
    if (err)
        c->used = 0;
    return err;
}

/* tcp_send(token, h, ptr, len) / tcp_recv(token, h, ptr, cap) /
 * tcp_shutdown(token, h) */
kerr_t sbx_tcp_io(sbx_inst_t *in, const wasm_val *a, kop_t op)
{
    kobj_t *o;
    uint32_t need = op == KOP_TCP_RECV ? KCAP_RECEIVE : KCAP_SEND;
    kerr_t err = kcap_get(&in->caps, (kcap_handle_t)a[1].of.i32, KOBJ_TCP_CONN,
                          need, &o, NULL);
    if (err)
        return err;
    uint32_t ptr = 0, len = 0;
    if (op != KOP_TCP_SHUTDOWN) {
        ptr = a[2].of.i32;
        len = a[3].of.i32;
        if (op == KOP_TCP_SEND && len > SBX_SLOT_BUF)
            return KERR_TOO_BIG;
        if (!sbx_mem_ok(in, ptr, len) || (op == KOP_TCP_RECV && !len))
            return KERR_INVALID;
        if (len > SBX_SLOT_BUF)
            len = SBX_SLOT_BUF;
    }
    sbx_slot_t *s = sbx_slot_get(in, a[0].of.i64);
    if (!s)
        return KERR_NOMEM;
    net_tcp_req_init(&s->r.tcp, op, &KCONTAINER_OF(o, sbx_conn_t, obj)->c,
                     op == KOP_TCP_SHUTDOWN ? NULL : s->buf, len, NULL, NULL);
    s->gptr = ptr;
    if (op == KOP_TCP_SEND)
        wasm_mem_read(in->wi, ptr, s->buf, len);
    return sbx_slot_submit(s);
}

/* An accepted connection becomes a handle of (s)'s instance. */
static int32_t accepted(sbx_slot_t *s)
{
    sbx_conn_t *c = KCONTAINER_OF(s->r.tcp.conn, sbx_conn_t, c);
    if (s->r.work.result != KERR_OK) {
        c->used = 0;
        return 0;
    }
    kobj_init(&c->obj, KOBJ_TCP_CONN, conn_release);
    if (s->inst->state != SBX_RUNNING) {
        kobj_unref(&c->obj); /* nobody to give it to */
        return 0;
    }
    kcap_handle_t h;
    if (kcap_install(&s->inst->caps, &c->obj, s->gptr, &h)) {
        kobj_unref(&c->obj);
        s->r.work.result = KERR_NOMEM; /* handle table full */
        return 0;
    }
    if (s->gaux) {
        uint32_t peer[2] = {s->r.tcp.peer.ip, s->r.tcp.peer.port};
        wasm_mem_write(s->inst->wi, s->gaux, peer, sizeof peer);
    }
    return h;
}

/* What a finished TCP request gives the guest; called for every one, also
 * when the instance has ended (then only to let go of what it holds). */
int32_t sbx_tcp_deliver(sbx_slot_t *s)
{
    net_tcp_req_t *r = &s->r.tcp;
    switch (r->work.op) {
    case KOP_TCP_ACCEPT: return accepted(s);
    case KOP_TCP_RECV:
        if (r->work.result == KERR_OK && s->inst->state == SBX_RUNNING)
            wasm_mem_write(s->inst->wi, s->gptr, s->buf, r->done);
        return r->work.result == KERR_OK ? (int32_t)r->done : 0;
    case KOP_TCP_SEND: return (int32_t)r->done;
    default: return 0;
    }
}
