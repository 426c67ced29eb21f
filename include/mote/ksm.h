/* mote: state machines written top to bottom (protothread style).
 *
 * Asynchronous code in mote is a chain of callbacks: submit a request,
 * return, continue in its callback. A ksm body reads as one function
 * instead: it waits for a request's completion where the request is made
 * and carries on below once the completion arrives, with no thread and no
 * stack of its own:
 *
 *   static void fetch(ksm_t *m)
 *   {
 *       conn_t *c = KCONTAINER_OF(m, conn_t, sm);
 *       KSM_BEGIN(m);
 *       KSM_AWAIT_UNTIL(m, &c->rx.work, ktime_now() + 2 * KTIME_S);
 *       if (m->err)                        // KERR_TIMEOUT, KERR_CANCELLED...
 *           KSM_EXIT(m, m->err);
 *       c->tx.len = c->rx.done;
 *       KSM_AWAIT(m, &c->tx.work);
 *       KSM_END(m);                         // done(m) runs with m->err
 *   }
 *   ...
 *   ksm_start(&c->sm, fetch, finished);
 *
 * How: KSM_BEGIN opens a switch on the machine's resume point; each wait
 * records its line as the resume point and returns; the request's
 * completion (whose callback ksm sets to its own) calls the body again and
 * the switch jumps back to that line. Why this and not an explicit state
 * enum: the body stays one readable function with its waits, loops and
 * error paths where they happen (see docs/ksm.md), it costs one switch per
 * resumption, and it allocates nothing (a ksm_t holds all it needs,
 * including the timer for sleeps).
 *
 * The rules that come with it:
 *   - Locals do not survive a wait: keep state in the struct that embeds
 *     the ksm_t (reach it with KCONTAINER_OF).
 *   - A body may not use `switch` around a wait (a wait's case label
 *     would land in the inner switch), and at most one KSM_ wait per line.
 *   - A request awaited by a machine belongs to it: ksm sets its callback
 *     and ctx at each wait (the ctx is the machine).
 *
 * Results: after every wait m->err holds the request's result (KERR_OK,
 * KERR_TIMEOUT at its deadline, KERR_CANCELLED after ksm_cancel, a device
 * error...) or, when ksubmit refused it, that refusal (no wait happened).
 *
 * Context: everything here runs in tick context. The body runs from
 * ksm_start (until its first wait) and then only from completions.
 */
#ifndef MOTE_KSM_H
#define MOTE_KSM_H

#include <stdbool.h>
#include <stdint.h>
#include "mote/kerr.h"
#include "mote/ktime.h"
#include "mote/kwork.h"

typedef struct ksm ksm_t;
typedef void (*ksm_fn)(ksm_t *m);

struct ksm {
    uint32_t pc;          /* resume point: a source line, 0 = start */
    uint8_t running;      /* started and not yet finished */
    uint8_t parked;       /* in KSM_WAIT, until ksm_resume */
    uint8_t cancelled;    /* ksm_cancel was called (sticky until restart) */
    uint8_t refused;      /* the last wait's ksubmit failed: no wait
                           * happened, m->err says why */
    uint8_t pending;      /* a ksm_resume arrived before the park */
    kerr_t err;           /* result of the last wait; the final result */
    kerr_t wake_err;      /* what ksm_resume passes to a parked machine */
    kwork_t *waiting;     /* the request being awaited, if any */
    ksm_fn body;
    ksm_fn done;          /* runs once when the body ends; may be NULL */
    ktimer_t timer;       /* sleeps, yields and resumes */
};

/* Start (m) running (body) from the top; (done) runs when it ends (it may
 * start the machine again). The body runs now, up to its first wait. (m)
 * must not be running. */
void ksm_start(ksm_t *m, ksm_fn body, ksm_fn done);

/* Ask a running machine to stop: the request it awaits is cancelled (or
 * its sleep, or its park), so the wait ends with KERR_CANCELLED and the
 * body takes its error path. Best effort like kcancel; m->cancelled stays
 * set so a body can tell. KERR_INVALID if (m) is not running. */
kerr_t ksm_cancel(ksm_t *m);

/* Wake a machine parked in KSM_WAIT with (err) as m->err. It continues
 * from the event loop (never inside this call). A resume that comes while
 * the machine is running but not yet parked is kept, and its next
 * KSM_WAIT returns at once (so "start a helper, then wait for it" cannot
 * miss a helper that finishes immediately). KERR_INVALID if (m) is not
 * running or a resume is already pending. */
kerr_t ksm_resume(ksm_t *m, kerr_t err);

/* Is (m) between ksm_start and the end of its body? */
static inline bool ksm_running(const ksm_t *m)
{
    return m->running;
}

/* --- for the macros --------------------------------------------------- */
bool ksm_wait_(ksm_t *m, kwork_t *w, uint64_t deadline);
bool ksm_sleep_(ksm_t *m, uint64_t until);
void ksm_park_(ksm_t *m);
void ksm_finish_(ksm_t *m, kerr_t err);

/* Open and close a body. Falling off KSM_END finishes with m->err. */
#define KSM_BEGIN(m) switch ((m)->pc) { case 0:
#define KSM_END(m) } ksm_finish_((m), (m)->err); return

/* The resume point of the current line. */
#define KSM_POINT_(m) (m)->pc = __LINE__; return; case __LINE__:

/* Submit (w) and wait for its completion (result in m->err). */
#define KSM_AWAIT(m, w) KSM_AWAIT_UNTIL(m, w, 0)

/* Same, with (w) timing out at absolute time (deadline) (0: none). */
#define KSM_AWAIT_UNTIL(m, w, deadline)                                    \
    do {                                                                   \
        if (ksm_wait_((m), (w), (deadline))) {                             \
            KSM_POINT_(m);                                                 \
        }                                                                  \
    } while (0)

/* Wait until absolute time (t) (m->err: KERR_OK, or KERR_CANCELLED). */
#define KSM_SLEEP_UNTIL(m, t)                                              \
    do {                                                                   \
        if (ksm_sleep_((m), (t))) {                                        \
            KSM_POINT_(m);                                                 \
        }                                                                  \
    } while (0)
#define KSM_SLEEP(m, ns) KSM_SLEEP_UNTIL(m, ktime_now() + (ns))

/* Let the loop run everything else queued, then continue. */
#define KSM_YIELD(m) KSM_SLEEP_UNTIL(m, 0)

/* Park until someone calls ksm_resume(m, err) (m->err = err) or
 * ksm_cancel (KERR_CANCELLED). For hand-offs between machines. */
#define KSM_WAIT(m)                                                        \
    do {                                                                   \
        ksm_park_(m);                                                      \
        KSM_POINT_(m);                                                     \
    } while (0)

/* End the body now with (err): done(m) runs with m->err = err. */
#define KSM_EXIT(m, err)                                                   \
    do {                                                                   \
        ksm_finish_((m), (err));                                           \
        return;                                                            \
    } while (0)

#endif
