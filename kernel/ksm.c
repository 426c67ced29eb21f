/* State machines (see include/mote/ksm.h): the waits' plumbing.
 *
 * Every wait ends in wake(): the awaited request's callback (ksm points the
 * request's callback and ctx at itself), or the machine's own timer's for
 * sleeps, yields and ksm_resume (a resume is a timer due now, so the body
 * never runs inside ksm_resume or ksm_cancel, only from the loop, as any
 * callback).
 */
#include "mote/ksm.h"
#include "mote/printk.h"

static void wake(kwork_t *w)
{
    ksm_t *m = w->ctx;
    m->waiting = NULL;
    m->err = w->result;
    if (w == &m->timer.work && m->parked) {
        m->parked = 0;
        if (m->err == KERR_OK)
            m->err = m->wake_err;
    }
    m->body(m);
}

void ksm_start(ksm_t *m, ksm_fn body, ksm_fn done)
{
    KASSERT(!m->running);
    m->pc = 0;
    m->running = 1;
    m->parked = 0;
    m->cancelled = 0;
    m->refused = 0;
    m->pending = 0;
    m->err = KERR_OK;
    m->waiting = NULL;
    m->body = body;
    m->done = done;
    ktimer_init(&m->timer, wake, m);
    body(m);
}

bool ksm_wait_(ksm_t *m, kwork_t *w, uint64_t deadline)
{
    w->callback = wake;
    w->ctx = m;
    w->deadline = deadline;
    m->refused = 1;
    if (m->cancelled) {          /* no new waits once cancelled */
        m->err = KERR_CANCELLED;
        return false;
    }
    m->err = ksubmit(w);
    if (m->err != KERR_OK)
        return false;
    m->refused = 0;
    m->waiting = w;
    return true;
}

bool ksm_sleep_(ksm_t *m, uint64_t until)
{
    uint64_t now = ktime_now();
    m->refused = 1;
    if (m->cancelled) {
        m->err = KERR_CANCELLED;
        return false;
    }
    m->timer.work.deadline = until > now ? until : 0; /* 0: due at once */
    m->err = ksubmit(&m->timer.work);
    if (m->err != KERR_OK)
        return false;
    m->refused = 0;
    m->waiting = &m->timer.work;
    return true;
}

static kerr_t wake_soon(ksm_t *m, kerr_t err)
{
    m->wake_err = err;
    m->timer.work.deadline = 0;   /* a timer with no deadline completes now */
    return ksubmit(&m->timer.work);
}

void ksm_park_(ksm_t *m)
{
    m->parked = 1;
    m->refused = 0;
    if (m->pending) {
        m->pending = 0;
        wake_soon(m, m->wake_err);
    } else if (m->cancelled) {
        wake_soon(m, KERR_CANCELLED);
    }
}

kerr_t ksm_resume(ksm_t *m, kerr_t err)
{
    if (!m->running || m->pending)
        return KERR_INVALID;
    if (!m->parked) {
        m->pending = 1;
        m->wake_err = err;
        return KERR_OK;
    }
    if (m->timer.work.state != KWORK_STATE_IDLE)
        return KERR_INVALID;      /* already woken */
    return wake_soon(m, err);
}

kerr_t ksm_cancel(ksm_t *m)
{
    if (!m->running)
        return KERR_INVALID;
    m->cancelled = 1;
    if (m->waiting)
        return kcancel(m->waiting);
    if (m->parked)
        ksm_resume(m, KERR_CANCELLED);
    return KERR_OK;
}

void ksm_finish_(ksm_t *m, kerr_t err)
{
    m->running = 0;
    m->err = err;
    if (m->done)
        m->done(m);
}
