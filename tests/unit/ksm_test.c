/* State machines (include/mote/ksm.h) on the fake platform: waits on a
 * scripted device, sleeps, timeouts, cancellation of each kind of wait,
 * error paths (a refused submission, a device error), hand-offs between
 * machines, loops, and restarting from the done callback. */
#include <string.h>

#include "mote/ksm.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

#define OP_DEV ((kop_t)(KOP_CLASS_USER << 8))

static fake_dev_t dev;

typedef struct job {
    ksm_t sm;
    kwork_t req;
    int step;          /* how far the body got */
    int loops;
    kerr_t seen[8];    /* m->err after each wait */
    int nseen;
    int done_calls;
    kerr_t final;
    uint64_t woke_at;
} job_t;

static job_t job;

static void setup(void)
{
    memset(&job, 0, sizeof job);
    dev.retractable = true;
    dev.refuse = KERR_OK;
    fake_dev_attach(&dev, KOP_CLASS_USER);
    kwork_init(&job.req, OP_DEV, NULL, NULL);
}

static void record(job_t *j)
{
    if (j->nseen < 8)
        j->seen[j->nseen++] = j->sm.err;
}

static void finished(ksm_t *m)
{
    job_t *j = KCONTAINER_OF(m, job_t, sm);
    j->done_calls++;
    j->final = m->err;
}

/* Two device requests in a row, the second with a 1 s deadline. */
static void two_requests(ksm_t *m)
{
    job_t *j = KCONTAINER_OF(m, job_t, sm);
    KSM_BEGIN(m);
    j->step = 1;
    KSM_AWAIT(m, &j->req);
    record(j);
    if (m->err)
        KSM_EXIT(m, m->err);
    j->step = 2;
    KSM_AWAIT_UNTIL(m, &j->req, ktime_now() + KTIME_S);
    record(j);
    j->step = 3;
    KSM_END(m);
}

TEST(waits_resume_below_the_wait)
{
    setup();
    ksm_start(&job.sm, two_requests, finished);
    CHECK_EQ(job.step, 1);
    CHECK(ksm_running(&job.sm));
    CHECK(fake_dev_holds(&dev, &job.req));
    fake_settle();
    CHECK_EQ(job.step, 1);               /* still waiting */
    fake_dev_complete(&dev, &job.req, KERR_OK);
    fake_settle();
    CHECK_EQ(job.step, 2);
    CHECK(fake_dev_holds(&dev, &job.req));
    fake_dev_complete(&dev, &job.req, KERR_OK);
    fake_settle();
    CHECK_EQ(job.step, 3);
    CHECK_EQ(job.nseen, 2);
    CHECK_EQ(job.seen[0], KERR_OK);
    CHECK_EQ(job.seen[1], KERR_OK);
    CHECK_EQ(job.done_calls, 1);
    CHECK_EQ(job.final, KERR_OK);
    CHECK(!ksm_running(&job.sm));
}

TEST(timeout_ends_the_wait_with_timeout)
{
    setup();
    dev.retractable = true;
    ksm_start(&job.sm, two_requests, finished);
    fake_dev_complete(&dev, &job.req, KERR_OK);
    fake_settle();
    CHECK_EQ(job.step, 2);
    uint64_t t0 = fake_now;
    fake_run(KTIME_S / 2);
    CHECK_EQ(job.step, 2);               /* not yet */
    fake_run(KTIME_S);
    CHECK_EQ(job.step, 3);
    CHECK_EQ(job.seen[1], KERR_TIMEOUT);
    CHECK(fake_now - t0 >= KTIME_S);
    CHECK_EQ(job.final, KERR_TIMEOUT);   /* KSM_END ends with m->err */
    CHECK_EQ(job.done_calls, 1);
}

TEST(device_error_takes_the_error_path)
{
    setup();
    ksm_start(&job.sm, two_requests, finished);
    fake_dev_complete(&dev, &job.req, KERR_IO);
    fake_settle();
    CHECK_EQ(job.step, 1);               /* KSM_EXIT before step 2 */
    CHECK(!job.sm.refused);
    CHECK_EQ(job.final, KERR_IO);
    CHECK_EQ(job.done_calls, 1);
    CHECK(!ksm_running(&job.sm));
}

TEST(refused_submission_continues_at_once_with_the_error)
{
    setup();
    dev.refuse = KERR_BUSY;
    ksm_start(&job.sm, two_requests, finished);
    CHECK_EQ(job.step, 1);
    CHECK_EQ(job.done_calls, 1);         /* no wait happened */
    CHECK(job.sm.refused);
    CHECK_EQ(job.final, KERR_BUSY);
}

TEST(cancel_a_request_wait)
{
    setup();
    ksm_start(&job.sm, two_requests, finished);
    CHECK_EQ(ksm_cancel(&job.sm), KERR_OK);
    CHECK_EQ(job.done_calls, 0);         /* never inside ksm_cancel */
    fake_settle();
    CHECK_EQ(job.final, KERR_CANCELLED);
    CHECK_EQ(job.done_calls, 1);
    CHECK(job.sm.cancelled);
    CHECK_EQ(ksm_cancel(&job.sm), KERR_INVALID); /* not running */
}

/* Sleeps in a loop; then parks until another machine hands it a result. */
static void sleeper(ksm_t *m)
{
    job_t *j = KCONTAINER_OF(m, job_t, sm);
    KSM_BEGIN(m);
    for (j->loops = 0; j->loops < 3; j->loops++) {
        KSM_SLEEP(m, KTIME_S);
        record(j);
        if (m->err)
            KSM_EXIT(m, m->err);
    }
    j->woke_at = ktime_now();
    j->step = 1;
    KSM_WAIT(m);
    record(j);
    j->step = 2;
    KSM_YIELD(m);
    j->step = 3;
    KSM_END(m);
}

TEST(sleep_loop_park_and_resume)
{
    setup();
    uint64_t t0 = fake_now;
    ksm_start(&job.sm, sleeper, finished);
    fake_run(2 * KTIME_S + KTIME_S / 2);
    CHECK_EQ(job.loops, 2);
    fake_run(KTIME_S);
    CHECK_EQ(job.step, 1);
    CHECK_EQ(job.woke_at - t0, 3 * KTIME_S);
    fake_run(10 * KTIME_S);
    CHECK_EQ(job.step, 1);               /* parked: nothing wakes it */
    CHECK_EQ(ksm_resume(&job.sm, KERR_NOT_FOUND), KERR_OK);
    CHECK_EQ(job.step, 1);               /* not inside ksm_resume */
    CHECK_EQ(ksm_resume(&job.sm, KERR_OK), KERR_INVALID); /* once */
    fake_settle();
    CHECK_EQ(job.step, 3);
    CHECK_EQ(job.seen[3], KERR_NOT_FOUND);
    CHECK_EQ(job.done_calls, 1);
    CHECK_EQ(ksm_resume(&job.sm, KERR_OK), KERR_INVALID); /* finished */
}

TEST(cancel_a_sleep_and_a_park)
{
    setup();
    ksm_start(&job.sm, sleeper, finished);
    fake_run(KTIME_S / 2);
    CHECK_EQ(ksm_cancel(&job.sm), KERR_OK);
    fake_settle();
    CHECK_EQ(job.final, KERR_CANCELLED);
    CHECK_EQ(job.loops, 0);
    CHECK(fake_now < 1000000 + KTIME_S); /* cut short, not slept out */

    setup();
    ksm_start(&job.sm, sleeper, finished);
    fake_run(4 * KTIME_S);
    CHECK_EQ(job.step, 1);
    CHECK_EQ(ksm_cancel(&job.sm), KERR_OK);
    fake_settle();
    CHECK_EQ(job.seen[3], KERR_CANCELLED);
    CHECK_EQ(job.step, 3);               /* this body carries on after a park */
    CHECK_EQ(job.done_calls, 1);
}

/* done() may start the machine again: a service that restarts. */
static void restart(ksm_t *m)
{
    job_t *j = KCONTAINER_OF(m, job_t, sm);
    j->done_calls++;
    if (j->done_calls < 3)
        ksm_start(m, two_requests, restart);
}

TEST(restart_from_done)
{
    setup();
    dev.refuse = KERR_IO;                /* each run ends at once */
    ksm_start(&job.sm, two_requests, restart);
    CHECK_EQ(job.done_calls, 3);
    CHECK(!ksm_running(&job.sm));
    dev.refuse = KERR_OK;
    job.done_calls = 0;
    ksm_start(&job.sm, two_requests, restart);
    CHECK(ksm_running(&job.sm));
    fake_dev_complete(&dev, &job.req, KERR_OK);
    fake_settle();
    fake_dev_complete(&dev, &job.req, KERR_OK);
    fake_settle();
    CHECK_EQ(job.done_calls, 1);
    CHECK(ksm_running(&job.sm));         /* the second run is waiting */
}

/* A helper that may finish at once: the parent parks after starting it,
 * and a resume that came first is not lost. */
static job_t helper;

static void helper_body(ksm_t *m)
{
    job_t *j = KCONTAINER_OF(m, job_t, sm);
    KSM_BEGIN(m);
    if (j->step == 0)                    /* step 0: finish at once */
        KSM_EXIT(m, KERR_NOT_FOUND);
    KSM_SLEEP(m, KTIME_S);
    KSM_EXIT(m, KERR_IO);
    KSM_END(m);
}

static void helper_done(ksm_t *m)
{
    CHECK_EQ(ksm_resume(&job.sm, m->err), KERR_OK);
}

static void parent(ksm_t *m)
{
    job_t *j = KCONTAINER_OF(m, job_t, sm);
    KSM_BEGIN(m);
    ksm_start(&helper.sm, helper_body, helper_done);
    KSM_WAIT(m);
    record(j);
    helper.step = 1;
    ksm_start(&helper.sm, helper_body, helper_done);
    KSM_WAIT(m);
    record(j);
    CHECK(!m->refused);
    KSM_END(m);
}

TEST(resume_before_park_is_kept)
{
    setup();
    memset(&helper, 0, sizeof helper);
    ksm_start(&job.sm, parent, finished);
    CHECK_EQ(job.nseen, 0);              /* even a ready resume waits for the loop */
    fake_settle();
    CHECK_EQ(job.nseen, 1);
    CHECK_EQ(job.seen[0], KERR_NOT_FOUND);
    fake_run(2 * KTIME_S);
    CHECK_EQ(job.nseen, 2);
    CHECK_EQ(job.seen[1], KERR_IO);
    CHECK_EQ(job.done_calls, 1);
    CHECK_EQ(job.final, KERR_IO);
}
