/* The echo app's block check: read sector 0, bump the boot counter, write
 * it back with a counter-derived pattern, flush, read back and compare. A
 * chain of four requests; each callback submits the next. */
#include "apps/echo/echo.h"
#include "lib/kstring.h"
#include "mote/mote.h"

static struct {
    kblk_req_t req;
    kseg_t seg;
    _Alignas(KBLK_ALIGN) uint8_t buf[4096];
    _Alignas(KBLK_ALIGN) uint8_t back[4096];
    uint32_t ssize;
    uint64_t count;
    void (*done)(int ok);
} bc;

static void fill(uint8_t *p, uint32_t n, uint64_t count)
{
    memset(p, 0, n);
    memcpy(p, ECHO_BLK_MAGIC, 8);
    for (int i = 0; i < 8; i++)
        p[8 + i] = (uint8_t)(count >> (8 * i));
    for (uint32_t i = 16; i < 512; i++)
        p[i] = (uint8_t)(i * 7 + count);
}

static void finish(int ok, const char *what, kerr_t err)
{
    if (ok)
        printk(KLOG_INFO, "blk: boot count %llu ok",
               (unsigned long long)bc.count);
    else
        printk(KLOG_ERR, "blk: FAILED at %s: %s", what, kerr_str(err));
    bc.done(ok);
}

static kerr_t step(kop_t op, void *buf, kwork_fn next)
{
    bc.seg.buf = buf;
    bc.seg.len = bc.ssize;
    kblk_req_init(&bc.req, op, 0, 0, &bc.seg, op == KOP_BLK_FLUSH ? 0 : 1, next,
                  NULL);
    bc.req.work.deadline = ktime_now() + 10 * KTIME_S;
    return ksubmit(&bc.req.work);
}

static void verified(kwork_t *w)
{
    if (w->result) {
        finish(0, "read-back", w->result);
        return;
    }
    if (memcmp(bc.buf, bc.back, bc.ssize)) {
        finish(0, "compare", KERR_CORRUPT);
        return;
    }
    finish(1, NULL, KERR_OK);
}

static void flushed(kwork_t *w)
{
    kerr_t err = w->result ? w->result : step(KOP_BLK_READ, bc.back, verified);
    if (err)
        finish(0, "flush", err);
}

static void written(kwork_t *w)
{
    kerr_t err = w->result ? w->result : step(KOP_BLK_FLUSH, NULL, flushed);
    if (err)
        finish(0, "write", err);
}

static void got_sector0(kwork_t *w)
{
    if (w->result) {
        finish(0, "read", w->result);
        return;
    }
    uint64_t prev = 0;
    if (memcmp(bc.buf, ECHO_BLK_MAGIC, 8) == 0)
        for (int i = 0; i < 8; i++)
            prev |= (uint64_t)bc.buf[8 + i] << (8 * i);
    bc.count = prev + 1;
    fill(bc.buf, bc.ssize, bc.count);
    kerr_t err = step(KOP_BLK_WRITE, bc.buf, written);
    if (err)
        finish(0, "write", err);
}

void echo_block_check(void (*done)(int ok))
{
    kblk_info_t info;
    bc.done = done;
    if (kblk_info(0, &info) != KERR_OK) {
        printk(KLOG_INFO, "blk: no device");
        {
            done(1);
            return;
        }
    }
    if (info.sector_size > sizeof bc.buf || info.sectors == 0) {
        printk(KLOG_ERR, "blk: unusable device (sector size %u, %llu sectors)",
               info.sector_size, (unsigned long long)info.sectors);
        {
            done(0);
            return;
        }
    }
    if (info.read_only) {
        printk(KLOG_INFO, "blk: device is read-only; check skipped");
        {
            done(1);
            return;
        }
    }
    bc.ssize = info.sector_size;
    kerr_t err = step(KOP_BLK_READ, bc.buf, got_sector0);
    if (err)
        finish(0, "read", err);
}
