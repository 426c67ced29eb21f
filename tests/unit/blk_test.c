/* Block requests: the validation every block service shares
 * (kernel/kblk_check.c), multi-segment transfers with many requests in
 * flight, and the fake device's durability model the KV store relies on. */
#include <string.h>

#include "kernel/kloop.h"
#include "mote/kblk.h"
#include "mote/ktime.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

static _Alignas(64) uint8_t buf[8][4096];
static int done_calls;
static kerr_t done_res;

static void on_done(kwork_t *w)
{
    done_calls++;
    done_res = w->result;
}

static kerr_t submit(kop_t op, uint64_t sector, kseg_t *segs, uint32_t n)
{
    static kblk_req_t r;
    kblk_req_init(&r, op, 0, sector, segs, n, on_done, NULL);
    return ksubmit(&r.work);
}

TEST(rejects_bad_requests)
{
    fake_blk_attach(100, 512, false);
    kseg_t ok = {buf[0], 512};
    kseg_t odd_len = {buf[0], 100};
    kseg_t misaligned = {buf[0] + 1, 512};
    kseg_t zero = {buf[0], 0};
    kseg_t many[KBLK_MAX_SEGS + 1];
    for (int i = 0; i <= KBLK_MAX_SEGS; i++)
        many[i] = ok;
    CHECK_EQ(submit(KOP_BLK_READ, 100, &ok, 1), KERR_INVALID); /* past end */
    CHECK_EQ(submit(KOP_BLK_READ, 99, (kseg_t[]){{buf[0], 1024}}, 1), KERR_INVALID);
    CHECK_EQ(submit(KOP_BLK_READ, UINT64_MAX, &ok, 1), KERR_INVALID); /* overflow */
    CHECK_EQ(submit(KOP_BLK_READ, 0, &odd_len, 1), KERR_INVALID);
    CHECK_EQ(submit(KOP_BLK_READ, 0, &misaligned, 1), KERR_INVALID);
    CHECK_EQ(submit(KOP_BLK_READ, 0, &zero, 1), KERR_INVALID);
    CHECK_EQ(submit(KOP_BLK_READ, 0, &ok, 0), KERR_INVALID);
    CHECK_EQ(submit(KOP_BLK_READ, 0, many, KBLK_MAX_SEGS + 1), KERR_INVALID);
    CHECK_EQ(submit(KOP_BLK_FLUSH, 0, &ok, 1), KERR_INVALID);
    CHECK_EQ(kloop.live, 0);
    CHECK_EQ(submit(KOP_BLK_READ, 99, &ok, 1), KERR_OK); /* last sector */
    fake_run(KTIME_MS);
    CHECK_EQ(done_calls, 1);
    CHECK_EQ(done_res, KERR_OK);
}

TEST(read_only_and_missing_device)
{
    kseg_t ok = {buf[0], 512};
    CHECK_EQ(submit(KOP_BLK_READ, 0, &ok, 1), KERR_NO_DEVICE);
    kblk_info_t info;
    CHECK_EQ(kblk_info(0, &info), KERR_NO_DEVICE);
    fake_blk_attach(10, 512, true);
    CHECK_EQ(kblk_info(0, &info), KERR_OK);
    CHECK_EQ(info.read_only, 1);
    CHECK_EQ(submit(KOP_BLK_WRITE, 0, &ok, 1), KERR_READ_ONLY);
    CHECK_EQ(submit(KOP_BLK_READ, 0, &ok, 1), KERR_OK);
    static kblk_req_t other;
    kblk_req_init(&other, KOP_BLK_READ, 1, 0, &ok, 1, on_done, NULL);
    CHECK_EQ(ksubmit(&other.work), KERR_NO_DEVICE);
    fake_run(KTIME_MS);
    CHECK_EQ(kloop.live, 0);
}

/* 64 requests in flight, 1-4 segments each, completing in random order. */
TEST(scatter_gather_many_in_flight)
{
    enum { NREQ = 64 };
    static kblk_req_t reqs[NREQ];
    static kseg_t segs[NREQ][4];
    static _Alignas(64) uint8_t data[NREQ][4][512];
    fake_blk_attach(NREQ * 4, 512, false);
    done_calls = 0;
    for (int i = 0; i < NREQ; i++) {
        uint32_t n = 1 + (uint32_t)(test_rand() % 4);
        for (uint32_t s = 0; s < n; s++) {
            memset(data[i][s], (int)(i * 4 + s), 512);
            segs[i][s] = (kseg_t){data[i][s], 512};
        }
        kblk_req_init(&reqs[i], KOP_BLK_WRITE, 0, (uint64_t)i * 4, segs[i], n,
                      on_done, NULL);
        CHECK_EQ(ksubmit(&reqs[i].work), KERR_OK);
    }
    fake_run(KTIME_S);
    CHECK_EQ(done_calls, NREQ);
    const uint8_t *img = fake_blk_image();
    for (int i = 0; i < NREQ; i++)
        for (uint32_t s = 0; s < reqs[i].nsegs; s++)
            CHECK_EQ(img[(i * 4 + s) * 512 + 7], (uint8_t)(i * 4 + s));
    /* Read back through one 4-segment request. */
    memset(data, 0, sizeof data);
    kblk_req_init(&reqs[0], KOP_BLK_READ, 0, 8, segs[0], 4, on_done, NULL);
    for (int s = 0; s < 4; s++)
        segs[0][s] = (kseg_t){data[0][s], 512};
    CHECK_EQ(ksubmit(&reqs[0].work), KERR_OK);
    fake_run(KTIME_S);
    CHECK_EQ(data[0][0][0], 8);
    CHECK_EQ(data[0][3][511], reqs[2].nsegs > 3 ? 11 : 0); /* sector 11 */
}

/* The power-loss model: flushed data survives every crash; unflushed data
 * survives some and not others. */
TEST(fake_device_durability_model)
{
    kseg_t s0 = {buf[0], 512};
    int lost = 0, kept = 0;
    for (int trial = 0; trial < 50; trial++) {
        fake_blk_attach(4, 512, false);
        memset(buf[0], 0xaa, 512);
        submit(KOP_BLK_WRITE, 0, &s0, 1);
        fake_run(KTIME_MS);
        submit(KOP_BLK_FLUSH, 0, NULL, 0);
        fake_run(KTIME_MS);
        memset(buf[0], 0xbb, 512);
        submit(KOP_BLK_WRITE, 1, &s0, 1);
        fake_run(KTIME_MS);
        fake_blk_crash();
        fake_reboot(NULL);
        CHECK_EQ(fake_blk_image()[0], 0xaa);
        if (fake_blk_image()[512] == 0xbb)
            kept++;
        else
            lost++;
    }
    CHECK(lost > 0 && kept > 0);
}
