/* Channels: delivery in both orders, ordering, the depth bound, object
 * transfer and reference counts, truncation, cancel, close. */
#include <string.h>

#include "kernel/kloop.h"
#include "kernel/kqueue.h"
#include "mote/ktime.h"
#include "mote/kchan.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

static kchan_end_t a, b;
static int calls;
static kerr_t results[64];

static void on_done(kwork_t *w)
{
    results[calls++ % 64] = w->result;
}

static kerr_t send(kchan_req_t *r, const char *msg)
{
    kchan_req_init(r, KOP_CHAN_SEND, &a, (void *)(uintptr_t)msg,
                   (uint32_t)strlen(msg), on_done, NULL);
    return ksubmit(&r->work);
}

static kerr_t recv(kchan_req_t *r, kchan_end_t *e, char *buf, uint32_t cap)
{
    kchan_req_init(r, KOP_CHAN_RECV, e, buf, cap, on_done, NULL);
    return ksubmit(&r->work);
}

TEST(send_then_receive)
{
    kchan_pair_init(&a, &b);
    calls = 0;
    kchan_req_t s, r;
    char buf[32] = {0};
    CHECK_EQ(send(&s, "hello"), KERR_OK);
    fake_settle();
    CHECK_EQ(calls, 0); /* nobody received yet: the send waits */
    CHECK_EQ(recv(&r, &b, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(calls, 2);
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK_EQ(s.work.result, KERR_OK);
    CHECK_EQ(r.done, 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
}

TEST(receive_then_send_and_order)
{
    kchan_pair_init(&a, &b);
    static kchan_req_t r[3], s[3];
    static char bufs[3][8];
    for (int i = 0; i < 3; i++)
        CHECK_EQ(recv(&r[i], &b, bufs[i], 8), KERR_OK);
    send(&s[0], "one");
    send(&s[1], "two");
    send(&s[2], "three");
    fake_settle();
    CHECK(strcmp(bufs[0], "one") == 0);
    CHECK(strcmp(bufs[1], "two") == 0);
    CHECK(strcmp(bufs[2], "three") == 0);
}

TEST(depth_bound_refuses_with_nomem)
{
    kchan_pair_init(&a, &b);
    static kchan_req_t s[KCHAN_DEPTH + 1];
    for (int i = 0; i < KCHAN_DEPTH; i++)
        CHECK_EQ(send(&s[i], "x"), KERR_OK);
    CHECK_EQ(send(&s[KCHAN_DEPTH], "x"), KERR_NOMEM);
    CHECK_EQ(s[KCHAN_DEPTH].work.state, KWORK_STATE_IDLE);
    kchan_req_t r;
    char c;
    recv(&r, &b, &c, 1);
    fake_settle();
    CHECK_EQ(send(&s[KCHAN_DEPTH], "y"), KERR_OK); /* room again */
    kchan_close(&b);
    fake_settle();
    CHECK_EQ(kloop.live, 0);
}

static int released;
static void on_release(kobj_t *o)
{
    (void)o;
    released++;
}

TEST(objects_travel_with_rights)
{
    kchan_pair_init(&a, &b);
    kobj_t o1, o2;
    released = 0;
    kobj_init(&o1, KOBJ_TIMER, on_release);
    kobj_init(&o2, KOBJ_UDP, on_release);
    kchan_req_t s, r;
    send(&s, "caps");
    s.nobjs = 2; /* set after init: init clears the request */
    s.objs[0] = &o1;
    s.rights[0] = 0x5;
    s.objs[1] = &o2;
    s.rights[1] = 0x3;
    char buf[8];
    recv(&r, &b, buf, sizeof buf);
    fake_settle();
    CHECK_EQ(r.nobjs, 2);
    CHECK(r.objs[0] == &o1 && r.objs[1] == &o2);
    CHECK_EQ(r.rights[0], 0x5);
    CHECK_EQ(r.rights[1], 0x3);
    CHECK_EQ(o1.refs, 1); /* moved, not copied */
    kobj_unref(r.objs[0]);
    kobj_unref(r.objs[1]);
    CHECK_EQ(released, 2);
}

TEST(too_many_objects_or_bytes_refused)
{
    kchan_pair_init(&a, &b);
    kchan_req_t s;
    kchan_req_init(&s, KOP_CHAN_SEND, &a, "x", 1, on_done, NULL);
    s.nobjs = KCHAN_MAX_OBJS + 1;
    CHECK_EQ(ksubmit(&s.work), KERR_INVALID);
    static char big[KCHAN_MAX_BYTES + 1];
    kchan_req_init(&s, KOP_CHAN_SEND, &a, big, sizeof big, on_done, NULL);
    CHECK_EQ(ksubmit(&s.work), KERR_TOO_BIG);
    kchan_req_init(&s, KOP_CHAN_SEND, NULL, big, 1, on_done, NULL);
    CHECK_EQ(ksubmit(&s.work), KERR_INVALID);
}

TEST(small_buffer_truncates)
{
    kchan_pair_init(&a, &b);
    kchan_req_t s, r;
    char buf[4];
    send(&s, "truncated");
    recv(&r, &b, buf, sizeof buf);
    fake_settle();
    CHECK_EQ(r.work.result, KERR_TOO_BIG);
    CHECK_EQ(r.done, 4);
    CHECK(memcmp(buf, "trun", 4) == 0);
    CHECK_EQ(s.work.result, KERR_OK);
}

TEST(cancel_waiting_send_and_receive)
{
    kchan_pair_init(&a, &b);
    kchan_req_t s, r;
    char buf[8];
    send(&s, "gone");
    CHECK_EQ(kcancel(&s.work), KERR_OK);
    fake_settle();
    CHECK_EQ(s.work.result, KERR_CANCELLED);
    CHECK_EQ(b.nsends, 0);
    recv(&r, &b, buf, sizeof buf);
    CHECK_EQ(kcancel(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(r.work.result, KERR_CANCELLED);
    CHECK(kq_empty(&b.recvs));
}

TEST(receive_deadline)
{
    kchan_pair_init(&a, &b);
    kchan_req_t r;
    char buf[8];
    kchan_req_init(&r, KOP_CHAN_RECV, &b, buf, sizeof buf, on_done, NULL);
    r.work.deadline = fake_now + KTIME_MS;
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_run(2 * KTIME_MS);
    CHECK_EQ(r.work.result, KERR_TIMEOUT);
    CHECK(kq_empty(&b.recvs));
}

TEST(close_semantics)
{
    kchan_pair_init(&a, &b);
    kchan_req_t s1, s2, ra, rb;
    char buf[8], bufa[8];
    send(&s1, "before");
    recv(&ra, &a, bufa, sizeof bufa); /* a waits for b's messages */
    kobj_unref(&b.obj);               /* b's last reference: closed */
    fake_settle();
    CHECK_EQ(s1.work.result, KERR_UNREACHABLE); /* waiting on b: returned */
    CHECK_EQ(ra.work.result, KERR_UNREACHABLE); /* nothing can come now */
    CHECK_EQ(send(&s2, "after"), KERR_UNREACHABLE);
    CHECK_EQ(recv(&rb, &b, buf, sizeof buf), KERR_INVALID); /* closed end */
    CHECK_EQ(kloop.live, 0);
}

TEST(peer_reads_what_was_sent_before_close)
{
    kchan_pair_init(&a, &b);
    kchan_req_t s, r;
    char buf[8] = {0};
    send(&s, "last");
    kchan_close(&a); /* the sender closes after sending */
    CHECK_EQ(recv(&r, &b, buf, sizeof buf), KERR_OK);
    fake_settle();
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK(strcmp(buf, "last") == 0);
    CHECK_EQ(recv(&r, &b, buf, sizeof buf), KERR_UNREACHABLE);
}
