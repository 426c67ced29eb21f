/* Channels: the kernel's KOP_CLASS_CHAN service; see mote/kchan.h.
 *
 * A message is a waiting send request: nothing is buffered in the kernel.
 * When a receive meets a send (whichever arrives second), deliver() copies
 * the bytes once, moves the object references, and completes both.
 */
#include "kernel/kloop.h"
#include "kernel/kqueue.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "mote/kchan.h"

static kchan_req_t *req_of(kwork_t *w)
{
    return KCONTAINER_OF(w, kchan_req_t, work);
}

static void deliver(kchan_req_t *s, kchan_req_t *r)
{
    uint32_t n = s->len < r->len ? s->len : r->len;
    if (n)
        memcpy(r->buf, s->buf, n);
    r->done = n;
    r->nobjs = s->nobjs;
    for (uint32_t i = 0; i < s->nobjs; i++) {
        r->objs[i] = s->objs[i];
        r->rights[i] = s->rights[i];
    }
    kcomplete(&r->work, s->len > r->len ? KERR_TOO_BIG : KERR_OK);
    kcomplete(&s->work, KERR_OK);
}

static kerr_t chan_send(kchan_req_t *s)
{
    kchan_end_t *peer = s->end->peer;
    if (s->nobjs > KCHAN_MAX_OBJS || (s->len && !s->buf))
        return KERR_INVALID;
    if (s->len > KCHAN_MAX_BYTES)
        return KERR_TOO_BIG;
    if (!peer || peer->closed)
        return KERR_UNREACHABLE;
    kwork_t *r = kq_pop(&peer->recvs);
    if (r) {
        deliver(s, req_of(r));
        return KERR_OK;
    }
    if (peer->nsends >= KCHAN_DEPTH)
        return KERR_NOMEM;
    peer->nsends++;
    kq_push(&peer->sends, &s->work);
    return KERR_OK;
}

static kerr_t chan_recv(kchan_req_t *r)
{
    kchan_end_t *e = r->end;
    if (r->len && !r->buf)
        return KERR_INVALID;
    kwork_t *s = kq_pop(&e->sends);
    if (s) {
        e->nsends--;
        deliver(req_of(s), r);
        return KERR_OK;
    }
    if (!e->peer || e->peer->closed)
        return KERR_UNREACHABLE; /* nothing queued and nothing can come */
    kq_push(&e->recvs, &r->work);
    return KERR_OK;
}

static kerr_t chan_submit(kwork_t *w)
{
    kchan_req_t *r = req_of(w);
    if (!r->end || r->end->obj.type != KOBJ_CHAN)
        return KERR_INVALID;
    if (r->end->closed)
        return KERR_INVALID;
    r->done = 0;
    if (w->op == KOP_CHAN_SEND)
        return chan_send(r);
    if (w->op == KOP_CHAN_RECV) {
        r->nobjs = 0;
        return chan_recv(r);
    }
    return KERR_INVALID;
}

/* A waiting send sits on the peer's queue; a receive on its own end. */
static bool chan_cancel(kwork_t *w)
{
    kchan_req_t *r = req_of(w);
    if (w->op == KOP_CHAN_RECV)
        return kq_remove(&r->end->recvs, w);
    kchan_end_t *peer = r->end->peer;
    if (peer && kq_remove(&peer->sends, w)) {
        peer->nsends--;
        return true;
    }
    return false;
}

static const kservice_t chan_service = {
    .name = "channel",
    .submit = chan_submit,
    .cancel = chan_cancel,
};

void kchan_register(void)
{
    kservice_register(KOP_CLASS_CHAN, &chan_service);
}

void kchan_close(kchan_end_t *e)
{
    if (e->closed)
        return;
    e->closed = 1;
    kwork_t *w;
    while ((w = kq_pop(&e->recvs)))
        kcomplete(w, KERR_CANCELLED);
    while ((w = kq_pop(&e->sends)))
        kcomplete(w, KERR_UNREACHABLE); /* the sender keeps its objects */
    e->nsends = 0;
    /* The peer's armed receives can never be satisfied now. */
    if (e->peer)
        while ((w = kq_pop(&e->peer->recvs)))
            kcomplete(w, KERR_UNREACHABLE);
}

static void end_release(kobj_t *o)
{
    kchan_close(KCONTAINER_OF(o, kchan_end_t, obj));
}

void kchan_pair_init(kchan_end_t *a, kchan_end_t *b)
{
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    kobj_init(&a->obj, KOBJ_CHAN, end_release);
    kobj_init(&b->obj, KOBJ_CHAN, end_release);
    a->peer = b;
    b->peer = a;
}

void kchan_req_init(kchan_req_t *r, kop_t op, kchan_end_t *end, void *buf,
                    uint32_t len, kwork_fn callback, void *ctx)
{
    memset(r, 0, sizeof *r);
    kwork_init(&r->work, op, callback, ctx);
    r->end = end;
    r->buf = buf;
    r->len = len;
}
