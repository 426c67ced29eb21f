/* The echo app's block check: read sector 0, bump the boot counter, write
 * it back with a counter-derived pattern, flush, read back and compare.
 * Four requests in a row, written as one state machine (mote/ksm.h). */
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
    const char *what;  /* the step that failed */
    kerr_t skipped;    /* why the check did not run (KERR_OK: no need) */
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

/* The request for (op) on sector 0 with (buf), named (what) for errors. */
static kwork_t *blk(kop_t op, void *buf, const char *what)
{
    bc.what = what;
    bc.seg.buf = buf;
    bc.seg.len = bc.ssize;
    kblk_req_init(&bc.req, op, 0, 0, &bc.seg, op == KOP_BLK_FLUSH ? 0 : 1, NULL,
                  NULL);
    return &bc.req.work;
}

#define STEP_DEADLINE (ktime_now() + 10 * KTIME_S)

static void check(ksm_t *m)
{
    KSM_BEGIN(m);
    KSM_AWAIT_UNTIL(m, blk(KOP_BLK_READ, bc.buf, "read"), STEP_DEADLINE);
    if (m->err)
        goto failed;
    uint64_t prev = 0;
    if (memcmp(bc.buf, ECHO_BLK_MAGIC, 8) == 0)
        for (int i = 0; i < 8; i++)
            prev |= (uint64_t)bc.buf[8 + i] << (8 * i);
    bc.count = prev + 1;
    fill(bc.buf, bc.ssize, bc.count);
    KSM_AWAIT_UNTIL(m, blk(KOP_BLK_WRITE, bc.buf, "write"), STEP_DEADLINE);
    if (m->err)
        goto failed;
    KSM_AWAIT_UNTIL(m, blk(KOP_BLK_FLUSH, NULL, "flush"), STEP_DEADLINE);
    if (m->err)
        goto failed;
    KSM_AWAIT_UNTIL(m, blk(KOP_BLK_READ, bc.back, "read-back"), STEP_DEADLINE);
    if (m->err)
        goto failed;
    if (memcmp(bc.buf, bc.back, bc.ssize)) {
        bc.what = "compare";
        m->err = KERR_CORRUPT;
        goto failed;
    }
    printk(KLOG_INFO, "blk: boot count %llu ok", (unsigned long long)bc.count);
    KSM_EXIT(m, KERR_OK);
failed:
    printk(KLOG_ERR, "blk: FAILED at %s: %s", bc.what, kerr_str(m->err));
    KSM_END(m);
}

/* The check did not run: finish at once with bc.skipped. */
static void skip(ksm_t *m)
{
    KSM_BEGIN(m);
    KSM_EXIT(m, bc.skipped);
    KSM_END(m);
}

void echo_block_check(ksm_t *m, ksm_fn done)
{
    kblk_info_t info;
    kerr_t err = KERR_OK;
    if (kblk_info(0, &info) != KERR_OK) {
        printk(KLOG_INFO, "blk: no device");
    } else if (info.sector_size > sizeof bc.buf || info.sectors == 0) {
        printk(KLOG_ERR, "blk: unusable device (sector size %u, %llu sectors)",
               info.sector_size, (unsigned long long)info.sectors);
        err = KERR_INVALID;
    } else if (info.read_only) {
        printk(KLOG_INFO, "blk: device is read-only; check skipped");
    } else {
        bc.ssize = info.sector_size;
        ksm_start(m, check, done);
        return;
    }
    bc.skipped = err;
    ksm_start(m, skip, done);
}
