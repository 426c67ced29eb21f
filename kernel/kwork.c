/* Work items: submission, cancellation, completion.
 *
 * The state machine (see mote/kwork.h) is enforced here and nowhere else:
 *
 *   IDLE --ksubmit--> LIVE --kcomplete--> DONE --callback--> IDLE
 *
 * Deadlines and cancellation both go through abandon(): mark why, ask the
 * owning service to let go, and complete now if it could. If it could not
 * (a device holds the buffers), the item stays LIVE and the mark makes its
 * eventual kcomplete() report the cancel or timeout instead.
 */
#include "kernel/kloop.h"
#include "kernel/kservice.h"
#include "kernel/platform.h"
#include "lib/kstring.h"
#include "mote/printk.h"

kloop_t kloop;
static const kservice_t *services[KOP_CLASS__COUNT];

void kservice_register(unsigned cls, const kservice_t *svc)
{
    KASSERT(cls > 0 && cls < KOP_CLASS__COUNT);
    services[cls] = svc;
}

const kservice_t *kservice_get(unsigned cls)
{
    return cls < KOP_CLASS__COUNT ? services[cls] : NULL;
}

void kwork_init(kwork_t *w, kop_t op, kwork_fn callback, void *ctx)
{
    if (w->magic == KWORK_MAGIC && w->state != KWORK_STATE_IDLE &&
        w->state != 0)
        kpanic("kwork_init on a request still in flight (op %#x)", w->op);
    memset(w, 0, sizeof *w);
    w->op = (uint16_t)op;
    w->callback = callback;
    w->ctx = ctx;
    w->magic = KWORK_MAGIC;
    w->state = KWORK_STATE_IDLE;
}

kerr_t ksubmit(kwork_t *w)
{
    if (!w || w->magic != KWORK_MAGIC || !w->callback)
        return KERR_INVALID;
    if (w->state == KWORK_STATE_LIVE || w->state == KWORK_STATE_DONE)
        return KERR_BUSY;
    if (w->state != KWORK_STATE_IDLE)
        return KERR_INVALID;
    unsigned cls = KOP_CLASS(w->op);
    if (cls == 0 || cls >= KOP_CLASS__COUNT)
        return KERR_INVALID;
    const kservice_t *svc = services[cls];
    if (!svc)
        return KERR_NO_DEVICE;
    w->flags = 0;
    w->result = KERR_OK;
    w->next = NULL;
    w->svc_priv = NULL;
    w->state = KWORK_STATE_LIVE;
    kloop.live++;
    if (w->deadline) {
        kheap_insert(&kloop.deadlines, w);
        w->flags |= KWF_IN_HEAP;
    }
    kerr_t err = svc->submit(w);
    if (err != KERR_OK) {
        /* Refused: undo everything, the caller still owns it. A service
         * that refuses must not have completed it. */
        KASSERT(w->state == KWORK_STATE_LIVE);
        if (w->flags & KWF_IN_HEAP)
            kheap_remove(&kloop.deadlines, w);
        w->flags = 0;
        w->state = KWORK_STATE_IDLE;
        kloop.live--;
    }
    return err;
}

void kcomplete(kwork_t *w, kerr_t result)
{
    if (w->state != KWORK_STATE_LIVE)
        kpanic("kcomplete of a request that is not live (op %#x, state %u)",
               w->op, w->state);
    if (w->flags & KWF_IN_HEAP)
        kheap_remove(&kloop.deadlines, w);
    if (w->flags & KWF_CANCEL)
        result = KERR_CANCELLED;
    else if (w->flags & KWF_TIMEOUT)
        result = KERR_TIMEOUT;
    w->flags = 0;
    w->result = result;
    w->state = KWORK_STATE_DONE;
    w->next = NULL;
    if (kloop.done_tail)
        kloop.done_tail->next = w;
    else
        kloop.done_head = w;
    kloop.done_tail = w;
}

/* Take (w) back from its service because of (why): KWF_CANCEL or
 * KWF_TIMEOUT. The first reason wins. */
static void abandon(kwork_t *w, uint8_t why)
{
    if (w->flags & (KWF_CANCEL | KWF_TIMEOUT))
        return;
    if (w->flags & KWF_IN_HEAP) {
        kheap_remove(&kloop.deadlines, w);
        w->flags &= (uint8_t)~KWF_IN_HEAP;
    }
    w->flags |= why;
    const kservice_t *svc = services[KOP_CLASS(w->op)];
    if (svc->cancel && svc->cancel(w))
        kcomplete(w, why == KWF_CANCEL ? KERR_CANCELLED : KERR_TIMEOUT);
}

kerr_t kcancel(kwork_t *w)
{
    if (!w || w->magic != KWORK_MAGIC)
        return KERR_INVALID;
    if (w->state == KWORK_STATE_DONE)
        return KERR_OK; /* already completed; its callback tells the truth */
    if (w->state != KWORK_STATE_LIVE)
        return KERR_INVALID;
    abandon(w, KWF_CANCEL);
    return KERR_OK;
}

/* Expire every deadline at or before (now). A timer's deadline is its
 * purpose, so it completes with KERR_OK; anything else times out. */
static void expire(uint64_t now)
{
    kwork_t *w;
    while ((w = kheap_min(&kloop.deadlines)) && w->deadline <= now) {
        if (w->op == KOP_TIMER)
            kcomplete(w, KERR_OK);
        else
            abandon(w, KWF_TIMEOUT);
    }
}

/* Run the callbacks queued before this call; ones they queue wait for the
 * next turn, so a callback that resubmits forever cannot starve polling. */
static void run_callbacks(void)
{
    kwork_t *last = kloop.done_tail;
    while (kloop.done_head) {
        kwork_t *w = kloop.done_head;
        kloop.done_head = w->next;
        if (!kloop.done_head)
            kloop.done_tail = NULL;
        w->next = NULL;
        w->state = KWORK_STATE_IDLE;
        kloop.live--;
        w->callback(w);
        if (w == last)
            break;
    }
}

bool ktick(void)
{
    platform_poll();
    expire(platform_now_ns());
    run_callbacks();
    return kloop.done_head != NULL;
}

uint64_t knext_deadline(void)
{
    if (kloop.done_head)
        return 0;
    kwork_t *w = kheap_min(&kloop.deadlines);
    return w ? w->deadline : UINT64_MAX;
}

void kloop_reset(void)
{
    memset(&kloop, 0, sizeof kloop);
    memset(services, 0, sizeof services);
}
