/* Timers: the kernel's own service. A timer's whole state is its place in
 * the deadline heap, which ksubmit() already gave it, so submit has nothing
 * to do but handle "no deadline" (fire now), and cancel always succeeds. */
#include "kernel/kloop.h"
#include "kernel/kservice.h"
#include "mote/ktime.h"

static kerr_t timer_submit(kwork_t *w)
{
    if (w->op != KOP_TIMER)
        return KERR_INVALID;
    if (!w->deadline)
        kcomplete(w, KERR_OK);
    return KERR_OK;
}

static bool timer_cancel(kwork_t *w)
{
    (void)w;
    return true;
}

static const kservice_t timer_service = {
    .name = "timer",
    .submit = timer_submit,
    .cancel = timer_cancel,
};

void ktimer_register(void)
{
    kservice_register(KOP_CLASS_TIMER, &timer_service);
}

void ktimer_init(ktimer_t *t, kwork_fn callback, void *ctx)
{
    kwork_init(&t->work, KOP_TIMER, callback, ctx);
}

kerr_t ktimer_start(ktimer_t *t, uint64_t delay_ns)
{
    t->work.deadline = ktime_now() + delay_ns;
    if (!t->work.deadline)
        t->work.deadline = 1;
    return ksubmit(&t->work);
}
