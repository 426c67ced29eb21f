/* Capability tables: forged, stale, out-of-range handles; rights; dup with
 * fewer rights; transfer over a channel into another table. */
#include <string.h>

#include "mote/kcap.h"
#include "mote/kchan.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

static int released;
static void nop(kwork_t *w)
{
    (void)w;
}

static void on_release(kobj_t *o)
{
    (void)o;
    released++;
}

TEST(install_get_rights)
{
    kcap_table_t t;
    kobj_t o;
    kcap_table_init(&t);
    kobj_init(&o, KOBJ_UDP, on_release);
    kcap_handle_t h;
    CHECK_EQ(kcap_install(&t, &o, KCAP_SEND | KCAP_RECEIVE, &h), KERR_OK);
    CHECK(h > 0);
    kobj_t *got = NULL;
    uint32_t r;
    CHECK_EQ(kcap_get(&t, h, KOBJ_UDP, KCAP_SEND, &got, &r), KERR_OK);
    CHECK(got == &o);
    CHECK_EQ(r, KCAP_SEND | KCAP_RECEIVE);
    got = NULL;
    CHECK_EQ(kcap_get(&t, h, KOBJ_UDP, KCAP_WRITE, &got, NULL), KERR_DENIED);
    CHECK(got == NULL);
    CHECK_EQ(kcap_get(&t, h, KOBJ_KV, 0, &got, NULL), KERR_INVALID); /* wrong kind */
    CHECK(got == NULL);
}

TEST(forged_out_of_range_and_stale)
{
    kcap_table_t t;
    kobj_t o1, o2;
    kobj_t *got = NULL;
    kcap_table_init(&t);
    kobj_init(&o1, KOBJ_TIMER, on_release);
    kobj_init(&o2, KOBJ_TIMER, on_release);
    kcap_handle_t h1, h2;
    kcap_install(&t, &o1, KCAP_ALL, &h1);
    CHECK_EQ(kcap_get(&t, 0, KOBJ_NONE, 0, &got, NULL), KERR_INVALID);
    CHECK_EQ(kcap_get(&t, -1, KOBJ_NONE, 0, &got, NULL), KERR_INVALID);
    CHECK_EQ(kcap_get(&t, 1000, KOBJ_NONE, 0, &got, NULL), KERR_INVALID);
    CHECK_EQ(kcap_get(&t, h1 + 1, KOBJ_NONE, 0, &got, NULL), KERR_INVALID); /* free slot */
    CHECK_EQ(kcap_get(&t, h1 + 256, KOBJ_NONE, 0, &got, NULL), KERR_INVALID); /* wrong gen */
    for (int i = 0; i < 10000; i++) { /* random values never reach o1 */
        kcap_handle_t f = (kcap_handle_t)test_rand();
        if (f == h1)
            continue;
        CHECK_EQ(kcap_get(&t, f, KOBJ_NONE, 0, &got, NULL), KERR_INVALID);
    }
    released = 0;
    CHECK_EQ(kcap_close(&t, h1), KERR_OK);
    CHECK_EQ(released, 1);
    CHECK_EQ(kcap_close(&t, h1), KERR_INVALID); /* double close */
    kcap_install(&t, &o2, KCAP_ALL, &h2); /* reuses the slot */
    CHECK((h2 & 0xff) == (h1 & 0xff));
    CHECK(h2 != h1);
    CHECK_EQ(kcap_get(&t, h1, KOBJ_NONE, 0, &got, NULL), KERR_INVALID); /* stale */
    CHECK(got == NULL);
}

TEST(dup_only_loses_rights)
{
    kcap_table_t t;
    kobj_t o;
    kcap_table_init(&t);
    kobj_init(&o, KOBJ_BLK, on_release);
    kcap_handle_t h, d, d2;
    kcap_install(&t, &o, KCAP_READ | KCAP_WRITE | KCAP_DUPLICATE, &h);
    CHECK_EQ(kcap_dup(&t, h, KCAP_READ, &d), KERR_OK);
    CHECK_EQ(o.refs, 2);
    kobj_t *got;
    CHECK_EQ(kcap_get(&t, d, KOBJ_BLK, KCAP_WRITE, &got, NULL), KERR_DENIED);
    CHECK_EQ(kcap_dup(&t, h, KCAP_READ | KCAP_TRANSFER, &d2), KERR_DENIED);
    CHECK_EQ(kcap_dup(&t, d, KCAP_READ, &d2), KERR_DENIED); /* d lacks DUPLICATE */
    released = 0;
    kcap_close(&t, h);
    CHECK_EQ(released, 0); /* d still holds it */
    kcap_table_close_all(&t);
    CHECK_EQ(released, 1);
}

TEST(table_full)
{
    kcap_table_t t;
    static kobj_t o[KCAP_SLOTS + 1];
    kcap_table_init(&t);
    kcap_handle_t h;
    for (int i = 0; i < KCAP_SLOTS; i++) {
        kobj_init(&o[i], KOBJ_TIMER, NULL);
        CHECK_EQ(kcap_install(&t, &o[i], 0, &h), KERR_OK);
    }
    kobj_init(&o[KCAP_SLOTS], KOBJ_TIMER, NULL);
    CHECK_EQ(kcap_install(&t, &o[KCAP_SLOTS], 0, &h), KERR_NOMEM);
}

/* Instance A sends a handle over a channel; instance B installs it. */
TEST(transfer_over_channel)
{
    kcap_table_t ta, tb;
    kchan_end_t ea, eb;
    kobj_t port;
    kcap_table_init(&ta);
    kcap_table_init(&tb);
    kchan_pair_init(&ea, &eb);
    kobj_init(&port, KOBJ_UDP, on_release);
    kcap_handle_t hp, hk;
    kcap_install(&ta, &port, KCAP_SEND | KCAP_TRANSFER, &hp);
    kcap_install(&ta, kobj_ref(&port), KCAP_SEND, &hk); /* no TRANSFER */
    kobj_t *o;
    uint32_t rights;
    CHECK_EQ(kcap_take(&ta, hk, &o, &rights), KERR_DENIED);
    CHECK_EQ(kcap_take(&ta, hp, &o, &rights), KERR_OK);
    CHECK_EQ(kcap_get(&ta, hp, KOBJ_NONE, 0, &o, NULL), KERR_INVALID); /* gone */
    kchan_req_t s, r;
    char buf[4];
    kchan_req_init(&s, KOP_CHAN_SEND, &ea, "p", 1, nop, NULL);
    s.nobjs = 1;
    s.objs[0] = o;
    s.rights[0] = rights;
    kchan_req_init(&r, KOP_CHAN_RECV, &eb, buf, sizeof buf, nop, NULL);
    CHECK_EQ(ksubmit(&s.work), KERR_OK);
    CHECK_EQ(ksubmit(&r.work), KERR_OK);
    fake_settle();
    CHECK_EQ(r.work.result, KERR_OK);
    CHECK_EQ(r.nobjs, 1);
    kcap_handle_t hb;
    CHECK_EQ(kcap_install(&tb, r.objs[0], r.rights[0], &hb), KERR_OK);
    CHECK_EQ(kcap_get(&tb, hb, KOBJ_UDP, KCAP_SEND, &o, NULL), KERR_OK);
    CHECK(o == &port);
    CHECK_EQ(port.refs, 2); /* tb's, and ta's rights-less handle */
    released = 0;
    kcap_table_close_all(&ta);
    kcap_table_close_all(&tb);
    CHECK_EQ(released, 1);
}
