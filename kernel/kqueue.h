/* mote: an intrusive FIFO of work items, for services.
 *
 * While a service owns a work item (state LIVE) it may link it through
 * kwork_t.svc_priv; this queue does exactly that, so every service that
 * keeps "armed receives" or "sends waiting for room" shares one piece of
 * code. O(1) push and pop; remove is O(n) (used only by cancellation).
 */
#ifndef MOTE_KQUEUE_H
#define MOTE_KQUEUE_H

#include <stdbool.h>
#include "mote/kwork.h"

void kq_push(kqueue_t *q, kwork_t *w);
kwork_t *kq_pop(kqueue_t *q);
/* Unlink (w) if queued; true if it was. */
bool kq_remove(kqueue_t *q, kwork_t *w);

static inline bool kq_empty(const kqueue_t *q)
{
    return q->head == 0;
}

#endif
