/* Work items: submit, complete, cancel in every state; deadlines racing
 * completions; exactly-once callbacks; bad submissions. */
#include <string.h>

#include "kernel/kloop.h"
#include "mote/ktime.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

/* The scripted device serves the USER class so tests own its behaviour. */
#define OP_DEV ((kop_t)(KOP_CLASS_USER << 8))

static fake_dev_t dev;

static int timer_calls;
static kerr_t timer_result;
static void count_timer(kwork_t *w)
{
    timer_calls++;
    timer_result = w->result;
}


typedef struct rec {
    kwork_t w;
    int calls;
    kerr_t last;
} rec_t;

static void on_done(kwork_t *w)
{
    rec_t *r = KCONTAINER_OF(w, rec_t, w);
    r->calls++;
    r->last = w->result;
}

static void setup(rec_t *r, bool retractable)
{
    dev.retractable = retractable;
    dev.refuse = KERR_OK;
    fake_dev_attach(&dev, KOP_CLASS_USER);
    kwork_init(&r->w, OP_DEV, on_done, NULL);
    r->calls = 0;
}

TEST(submit_complete_once)
{
    rec_t r;
    setup(&r, true);
    CHECK_EQ(ksubmit(&r.w), KERR_OK);
    CHECK_EQ(r.w.state, KWORK_STATE_LIVE);
    fake_settle();
    CHECK_EQ(r.calls, 0); /* the device has not finished */
    fake_dev_complete(&dev, &r.w, KERR_IO);
    fake_settle();
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(r.last, KERR_IO);
    CHECK_EQ(r.w.state, KWORK_STATE_IDLE);
    fake_run(KTIME_S);
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(kloop.live, 0);
}

TEST(callback_never_inside_submit)
{
    ktimer_t t;
    timer_calls = 0;
    ktimer_init(&t, count_timer, NULL); /* deadline 0: fires at once... */
    CHECK_EQ(ksubmit(&t.work), KERR_OK);
    CHECK_EQ(t.work.state, KWORK_STATE_DONE); /* ...but only queued */
    CHECK_EQ(timer_calls, 0);
    fake_settle();
    CHECK_EQ(timer_calls, 1);
}

TEST(double_submit_busy)
{
    rec_t r;
    setup(&r, true);
    CHECK_EQ(ksubmit(&r.w), KERR_OK);
    CHECK_EQ(ksubmit(&r.w), KERR_BUSY);
    CHECK_EQ(dev.submits, 1);
    fake_dev_complete(&dev, &r.w, KERR_OK);
    fake_run(KTIME_MS); /* poll: now DONE with the callback queued */
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(ksubmit(&r.w), KERR_OK); /* idle again: resubmission works */
    CHECK_EQ(dev.submits, 2);
}

TEST(busy_while_done_queued)
{
    rec_t r;
    setup(&r, true);
    ksubmit(&r.w);
    fake_dev_complete(&dev, &r.w, KERR_OK);
    extern void platform_poll(void);
    platform_poll();
    CHECK_EQ(r.w.state, KWORK_STATE_DONE);
    CHECK_EQ(ksubmit(&r.w), KERR_BUSY);
    fake_settle();
    CHECK_EQ(r.calls, 1);
}

TEST(uninitialised_and_unknown_op)
{
    rec_t r;
    setup(&r, true);
    kwork_t junk;
    memset(&junk, 0xa5, sizeof junk);
    CHECK_EQ(ksubmit(&junk), KERR_INVALID);
    kwork_t zero = {0};
    CHECK_EQ(ksubmit(&zero), KERR_INVALID);
    CHECK_EQ(ksubmit(NULL), KERR_INVALID);
    kwork_t bad;
    kwork_init(&bad, (kop_t)0xff00, on_done, NULL);
    CHECK_EQ(ksubmit(&bad), KERR_INVALID);
    kwork_init(&bad, (kop_t)0x0001, on_done, NULL); /* class 0 */
    CHECK_EQ(ksubmit(&bad), KERR_INVALID);
    kwork_init(&bad, KOP_DNS_RESOLVE, on_done, NULL); /* nobody serves it */
    CHECK_EQ(ksubmit(&bad), KERR_NO_DEVICE);
    kwork_init(&bad, (kop_t)(KOP_TIMER + 1), on_done, NULL);
    CHECK_EQ(ksubmit(&bad), KERR_INVALID); /* the timer service refuses */
    CHECK_EQ(kloop.live, 0);
    CHECK(kheap_min(&kloop.deadlines) == NULL);
    CHECK_EQ(dev.submits, 0);
    /* The queues are intact: a good request still goes through. */
    CHECK_EQ(ksubmit(&r.w), KERR_OK);
    fake_dev_complete(&dev, &r.w, KERR_OK);
    fake_settle();
    CHECK_EQ(r.calls, 1);
}

TEST(refused_submit_leaves_no_trace)
{
    rec_t r;
    setup(&r, true);
    dev.refuse = KERR_NOMEM;
    r.w.deadline = fake_now + KTIME_MS;
    CHECK_EQ(ksubmit(&r.w), KERR_NOMEM);
    CHECK_EQ(r.w.state, KWORK_STATE_IDLE);
    CHECK(kheap_min(&kloop.deadlines) == NULL);
    fake_run(KTIME_S);
    CHECK_EQ(r.calls, 0);
}

TEST(cancel_idle_invalid)
{
    rec_t r;
    setup(&r, true);
    CHECK_EQ(kcancel(&r.w), KERR_INVALID);
    kwork_t junk = {0};
    CHECK_EQ(kcancel(&junk), KERR_INVALID);
}

TEST(cancel_live_retractable)
{
    rec_t r;
    setup(&r, true);
    ksubmit(&r.w);
    CHECK_EQ(kcancel(&r.w), KERR_OK);
    CHECK(!fake_dev_holds(&dev, &r.w));
    CHECK_EQ(r.calls, 0); /* never from inside kcancel */
    fake_settle();
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(r.last, KERR_CANCELLED);
    CHECK_EQ(kcancel(&r.w), KERR_INVALID); /* idle again */
}

TEST(cancel_live_held_by_device)
{
    rec_t r;
    setup(&r, false);
    ksubmit(&r.w);
    CHECK_EQ(kcancel(&r.w), KERR_OK);
    CHECK_EQ(kcancel(&r.w), KERR_OK); /* twice is harmless */
    fake_run(KTIME_S);
    CHECK_EQ(r.calls, 0); /* the device still holds the buffers */
    CHECK_EQ(r.w.state, KWORK_STATE_LIVE);
    fake_dev_complete(&dev, &r.w, KERR_OK);
    fake_settle();
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(r.last, KERR_CANCELLED);
}

TEST(cancel_after_completion_reports_real_result)
{
    rec_t r;
    setup(&r, true);
    ksubmit(&r.w);
    fake_dev_complete(&dev, &r.w, KERR_OK);
    extern void platform_poll(void);
    platform_poll(); /* completed, callback queued */
    CHECK_EQ(kcancel(&r.w), KERR_OK);
    fake_settle();
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(r.last, KERR_OK);
}

TEST(cancel_timer)
{
    ktimer_t t;
    timer_calls = 0;
    ktimer_init(&t, count_timer, NULL);
    CHECK_EQ(ktimer_start(&t, KTIME_S), KERR_OK);
    fake_run(KTIME_MS);
    CHECK_EQ(kcancel(&t.work), KERR_OK);
    CHECK(kheap_min(&kloop.deadlines) == NULL);
    fake_run(2 * KTIME_S);
    CHECK_EQ(timer_calls, 1);
    CHECK_EQ(timer_result, KERR_CANCELLED);
    CHECK_EQ(t.work.state, KWORK_STATE_IDLE);
}

static int timer_fired;
static uint64_t fired_at;
static void on_timer(kwork_t *w)
{
    timer_fired++;
    fired_at = fake_now;
    CHECK_EQ(w->result, KERR_OK);
}

TEST(timer_fires_at_deadline)
{
    ktimer_t t;
    timer_fired = 0;
    ktimer_init(&t, on_timer, NULL);
    uint64_t start = fake_now;
    ktimer_start(&t, 250 * KTIME_MS);
    fake_run(249 * KTIME_MS);
    CHECK_EQ(timer_fired, 0);
    fake_run(10 * KTIME_MS);
    CHECK_EQ(timer_fired, 1);
    CHECK_EQ(fired_at, start + 250 * KTIME_MS);
}

TEST(deadline_times_out_retractable)
{
    rec_t r;
    setup(&r, true);
    r.w.deadline = fake_now + 5 * KTIME_MS;
    ksubmit(&r.w);
    fake_run(4 * KTIME_MS);
    CHECK_EQ(r.calls, 0);
    fake_run(2 * KTIME_MS);
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(r.last, KERR_TIMEOUT);
    CHECK(!fake_dev_holds(&dev, &r.w));
    CHECK_EQ(dev.cancels, 1);
}

TEST(deadline_times_out_device_held)
{
    rec_t r;
    setup(&r, false);
    r.w.deadline = fake_now + 5 * KTIME_MS;
    ksubmit(&r.w);
    fake_run(10 * KTIME_MS);
    CHECK_EQ(r.calls, 0);
    kcancel(&r.w); /* the timeout was first; it stays the reason */
    fake_dev_complete(&dev, &r.w, KERR_OK);
    fake_settle();
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(r.last, KERR_TIMEOUT);
}

/* Completion and deadline in the same tick: the completion is seen first
 * (platform_poll runs before expiry), so it wins. */
TEST(deadline_races_completion)
{
    rec_t r;
    setup(&r, true);
    r.w.deadline = fake_now + KTIME_MS;
    ksubmit(&r.w);
    fake_now += 2 * KTIME_MS;
    fake_dev_complete(&dev, &r.w, KERR_OK);
    fake_settle();
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(r.last, KERR_OK);
    /* And the other order: the deadline passes, then the device answers. */
    r.w.deadline = fake_now + KTIME_MS;
    dev.retractable = false;
    ksubmit(&r.w);
    fake_run(2 * KTIME_MS);
    fake_dev_complete(&dev, &r.w, KERR_OK);
    fake_settle();
    CHECK_EQ(r.calls, 2);
    CHECK_EQ(r.last, KERR_TIMEOUT);
    CHECK(kheap_min(&kloop.deadlines) == NULL);
}

static rec_t chain;
static int chain_left;
static void resubmit(kwork_t *w)
{
    chain.calls++;
    if (--chain_left > 0)
        CHECK_EQ(ksubmit(w), KERR_OK);
}

TEST(resubmit_from_callback)
{
    setup(&chain, true);
    chain.w.callback = resubmit;
    chain_left = 100;
    ksubmit(&chain.w);
    for (int i = 0; i < 100; i++) {
        fake_dev_complete(&dev, &chain.w, KERR_OK);
        fake_settle();
    }
    CHECK_EQ(chain.calls, 100);
    CHECK_EQ(kloop.live, 0);
}

TEST(double_complete_panics)
{
    rec_t r;
    setup(&r, true);
    ksubmit(&r.w);
    kcomplete(&r.w, KERR_OK);
    CHECK(FAKE_PANICS(kcomplete(&r.w, KERR_OK)));
}

TEST(init_live_request_panics)
{
    rec_t r;
    setup(&r, true);
    ksubmit(&r.w);
    CHECK(FAKE_PANICS(kwork_init(&r.w, OP_DEV, on_done, NULL)));
}

/* Many requests, random completions/cancels/deadlines: every one is
 * called back exactly once and the kernel ends with nothing live. */
TEST(random_exactly_once)
{
    static rec_t rs[200];
    setup(&rs[0], true);
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 200; i++) {
            kwork_init(&rs[i].w, OP_DEV, on_done, NULL);
            rs[i].calls = 0;
            if (test_rand() % 3 == 0)
                rs[i].w.deadline = fake_now + test_rand() % (10 * KTIME_MS);
            dev.retractable = test_rand() & 1;
            CHECK_EQ(ksubmit(&rs[i].w), KERR_OK);
        }
        for (int step = 0; step < 400; step++) {
            rec_t *r = &rs[test_rand() % 200];
            switch (test_rand() % 4) {
            case 0:
                if (fake_dev_holds(&dev, &r->w))
                    fake_dev_complete(&dev, &r->w, KERR_OK);
                break;
            case 1: kcancel(&r->w); break;
            case 2: fake_run(test_rand() % KTIME_MS); break;
            default: dev.retractable = test_rand() & 1;
            }
        }
        while (dev.nheld)
            fake_dev_complete(&dev, dev.held[0], KERR_OK);
        fake_run(20 * KTIME_MS);
        for (int i = 0; i < 200; i++)
            CHECK_EQ(rs[i].calls, 1);
        CHECK_EQ(kloop.live, 0);
        CHECK(kheap_min(&kloop.deadlines) == NULL);
    }
}
