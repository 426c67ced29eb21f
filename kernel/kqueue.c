/* Intrusive FIFO of work items; see kqueue.h. */
#include <stddef.h>
#include "kernel/kqueue.h"

void kq_push(kqueue_t *q, kwork_t *w)
{
    w->svc_priv = NULL;
    if (q->tail)
        q->tail->svc_priv = w;
    else
        q->head = w;
    q->tail = w;
}

kwork_t *kq_pop(kqueue_t *q)
{
    kwork_t *w = q->head;
    if (w) {
        q->head = w->svc_priv;
        if (!q->head)
            q->tail = NULL;
        w->svc_priv = NULL;
    }
    return w;
}

bool kq_remove(kqueue_t *q, kwork_t *w)
{
    kwork_t *prev = NULL;
    for (kwork_t *p = q->head; p; prev = p, p = p->svc_priv) {
        if (p != w)
            continue;
        if (prev)
            prev->svc_priv = p->svc_priv;
        else
            q->head = p->svc_priv;
        if (q->tail == p)
            q->tail = prev;
        p->svc_priv = NULL;
        return true;
    }
    return false;
}
