/* The fake platform's RAM block device with a power-loss model; see
 * fake_platform.h for the rules it enforces. */
#include <stdlib.h>
#include <string.h>

#include "kernel/kblk_check.h"
#include "tests/unit/fake_internal.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

typedef struct logrec {  /* a completed write sector, not yet durable */
    uint64_t sector, seq;
    uint8_t *data;
} logrec_t;

static struct {
    bool attached, powered_off;
    kblk_info_t info;
    uint8_t *cur, *durable;
    logrec_t *log;
    size_t nlog, caplog;
    kwork_t *inflight[512];
    uint64_t flush_seq[512];     /* for flushes: completions they cover */
    int ninflight;
    uint64_t seq, ops, power_off_at, bytes_written;
} b;

static const kservice_t blk_service;

void fake_blk_reset(bool keep_data)
{
    if (!keep_data || !b.attached) {
        free(b.cur);
        free(b.durable);
        for (size_t i = 0; i < b.nlog; i++)
            free(b.log[i].data);
        free(b.log);
        memset(&b, 0, sizeof b);
        return;
    }
    /* A reboot: whatever reads saw is what the disk holds now. */
    for (size_t i = 0; i < b.nlog; i++)
        free(b.log[i].data);
    b.nlog = 0;
    b.ninflight = 0;
    b.powered_off = false;
    b.power_off_at = 0;
    memcpy(b.durable, b.cur, b.info.sectors * b.info.sector_size);
    kservice_register(KOP_CLASS_BLK, &blk_service);
}

void fake_blk_attach(uint64_t sectors, uint32_t sector_size, bool read_only)
{
    fake_blk_reset(false);
    b.attached = true;
    b.info.sectors = sectors;
    b.info.sector_size = sector_size;
    b.info.read_only = read_only;
    b.cur = calloc(sectors, sector_size);
    b.durable = calloc(sectors, sector_size);
    kservice_register(KOP_CLASS_BLK, &blk_service);
}

uint8_t *fake_blk_image(void)
{
    return b.cur;
}

uint64_t fake_blk_ops(void)
{
    return b.ops;
}

uint64_t fake_blk_bytes_written(void)
{
    return b.bytes_written;
}

void fake_blk_power_off_after(uint64_t n)
{
    b.power_off_at = n ? b.ops + n : 0;
}

bool fake_blk_powered_off(void)
{
    return b.powered_off;
}

bool fake_blk_busy(void)
{
    return b.ninflight > 0 && !b.powered_off;
}

static void log_write(uint64_t sector, const uint8_t *data)
{
    if (b.nlog == b.caplog) {
        b.caplog = b.caplog ? 2 * b.caplog : 64;
        b.log = realloc(b.log, b.caplog * sizeof *b.log);
    }
    uint32_t ss = b.info.sector_size;
    logrec_t *r = &b.log[b.nlog++];
    r->sector = sector;
    r->seq = b.seq;
    r->data = malloc(ss);
    memcpy(r->data, data, ss);
}

/* Copy between the request's segments and the image. */
static void transfer(kblk_req_t *r)
{
    uint32_t ss = b.info.sector_size;
    uint64_t sector = r->sector;
    if (r->work.op == KOP_BLK_WRITE)
        b.seq++;
    for (uint32_t i = 0; i < r->nsegs; i++) {
        uint8_t *p = r->segs[i].buf;
        for (uint32_t off = 0; off < r->segs[i].len; off += ss, sector++) {
            uint8_t *img = b.cur + sector * ss;
            if (r->work.op == KOP_BLK_READ) {
                memcpy(p + off, img, ss);
            } else {
                memcpy(img, p + off, ss);
                log_write(sector, img);
                b.bytes_written += ss;
            }
        }
    }
}

static void persist(uint64_t upto)
{
    size_t keep = 0;
    uint32_t ss = b.info.sector_size;
    for (size_t i = 0; i < b.nlog; i++) {
        logrec_t *r = &b.log[i];
        if (r->seq <= upto) {
            memcpy(b.durable + r->sector * ss, r->data, ss);
            free(r->data);
        } else {
            b.log[keep++] = *r;
        }
    }
    b.nlog = keep;
}

/* Each poll completes each in-flight request with probability 1/2, so
 * completions interleave and reorder under the seed's control. */
void fake_blk_poll(void)
{
    if (b.powered_off)
        return;
    for (int i = 0; i < b.ninflight;) {
        if (test_rand() & 1) {
            i++;
            continue;
        }
        kwork_t *w = b.inflight[i];
        uint64_t fseq = b.flush_seq[i];
        b.ninflight--;
        b.inflight[i] = b.inflight[b.ninflight];
        b.flush_seq[i] = b.flush_seq[b.ninflight];
        kblk_req_t *r = KCONTAINER_OF(w, kblk_req_t, work);
        if (w->op == KOP_BLK_FLUSH)
            persist(fseq);
        else
            transfer(r);
        kcomplete(w, KERR_OK);
    }
}

static kerr_t blk_submit(kwork_t *w)
{
    kblk_req_t *r = KCONTAINER_OF(w, kblk_req_t, work);
    if (!b.attached || r->dev != 0)
        return KERR_NO_DEVICE;
    uint64_t bytes;
    kerr_t err = kblk_check(r, &b.info, &bytes);
    if (err)
        return err;
    if (b.ninflight == (int)(sizeof b.inflight / sizeof b.inflight[0]))
        return KERR_NOMEM;
    if (w->op != KOP_BLK_READ) {
        b.ops++;
        if (b.power_off_at && b.ops >= b.power_off_at)
            b.powered_off = true;
    }
    b.flush_seq[b.ninflight] = b.seq; /* a flush covers completions so far */
    b.inflight[b.ninflight++] = w;
    return KERR_OK;
}

static bool blk_cancel(kwork_t *w)
{
    (void)w;
    return false; /* like DMA: once submitted it runs to completion */
}

static kerr_t blk_info(uint32_t dev, void *out)
{
    if (!b.attached || dev != 0)
        return KERR_NO_DEVICE;
    *(kblk_info_t *)out = b.info;
    return KERR_OK;
}

static const kservice_t blk_service = {
    .name = "fake-blk",
    .submit = blk_submit,
    .cancel = blk_cancel,
    .info = blk_info,
};

void fake_blk_crash(void)
{
    uint32_t ss = b.info.sector_size;
    memcpy(b.cur, b.durable, b.info.sectors * ss);
    for (size_t i = 0; i < b.nlog; i++)
        if (test_rand() & 1)
            memcpy(b.cur + b.log[i].sector * ss, b.log[i].data, ss);
    for (int i = 0; i < b.ninflight; i++) {
        kblk_req_t *r = KCONTAINER_OF(b.inflight[i], kblk_req_t, work);
        if (r->work.op != KOP_BLK_WRITE)
            continue;
        uint64_t sector = r->sector;
        for (uint32_t s = 0; s < r->nsegs; s++)
            for (uint32_t off = 0; off < r->segs[s].len; off += ss, sector++)
                if (test_rand() & 1)
                    memcpy(b.cur + sector * ss, (uint8_t *)r->segs[s].buf + off, ss);
    }
    for (size_t i = 0; i < b.nlog; i++)
        free(b.log[i].data);
    b.nlog = 0;
    b.ninflight = 0;
    memcpy(b.durable, b.cur, b.info.sectors * ss);
}
