/* Hosted block device on io_uring: the image file, each request one
 * READV/WRITEV (its segments as the iovec) or FSYNC(DATASYNC), no threads
 * of ours.
 *
 * Many requests go to the host in one enter, and the host runs them in
 * parallel (page-cache hits inline, the rest on its own io-wq workers),
 * in no particular order, as the kblk.h contract allows. A short transfer
 * (the host may return fewer bytes) is resubmitted for the rest. Requests
 * beyond the operation pool wait in FIFO order and can be retracted;
 * one the host holds completes first, as with the worker pool.
 */
#include <errno.h>
#include <sys/uio.h>

#include "kernel/kblk_check.h"
#include "kernel/kqueue.h"
#include "kernel/kservice.h"
#include "mote/kblk.h"
#include "platform/hosted/hosted.h"
#include "platform/hosted/uring.h"

#define BLK_OPS 64

typedef struct blk_op {
    hosted_uop_t u;
    kblk_req_t *r;       /* NULL while free */
    struct iovec iov[KBLK_MAX_SEGS];
    unsigned first, n;   /* the iovecs still to transfer */
    uint64_t off;        /* byte offset of iov[first] */
    struct blk_op *next_free;
} blk_op_t;

static struct {
    int fd;
    kblk_info_t info;
    blk_op_t ops[BLK_OPS];
    blk_op_t *free_ops;
    kqueue_t waiting;
} blk = {.fd = -1};

static void issue(blk_op_t *op)
{
    struct io_uring_sqe *e = hosted_uring_sqe(&op->u);
    e->fd = blk.fd;
    if (op->r->work.op == KOP_BLK_FLUSH) {
        e->opcode = IORING_OP_FSYNC;
        e->fsync_flags = IORING_FSYNC_DATASYNC;
        return;
    }
    e->opcode = op->r->work.op == KOP_BLK_READ ? IORING_OP_READV : IORING_OP_WRITEV;
    e->addr = (uint64_t)(uintptr_t)&op->iov[op->first];
    e->len = op->n;
    e->off = op->off;
}

static void start(kblk_req_t *r, blk_op_t *op)
{
    op->r = r;
    op->first = 0;
    op->n = r->nsegs;
    op->off = r->sector * blk.info.sector_size;
    for (uint32_t i = 0; i < r->nsegs; i++) {
        op->iov[i].iov_base = r->segs[i].buf;
        op->iov[i].iov_len = r->segs[i].len;
    }
    issue(op);
}

/* (res) bytes of (op) moved: true if all of it is done. */
static bool advance(blk_op_t *op, uint32_t res)
{
    op->off += res;
    while (op->n && res >= op->iov[op->first].iov_len) {
        res -= (uint32_t)op->iov[op->first].iov_len;
        op->first++, op->n--;
    }
    if (op->n) {
        op->iov[op->first].iov_base = (char *)op->iov[op->first].iov_base + res;
        op->iov[op->first].iov_len -= res;
    }
    return op->n == 0;
}

static void op_done(hosted_uop_t *u, int32_t res, uint32_t flags)
{
    (void)flags;
    blk_op_t *op = (blk_op_t *)u;
    kblk_req_t *r = op->r;
    if (res == -EINTR || res == -EAGAIN ||
        (res > 0 && r->work.op != KOP_BLK_FLUSH && !advance(op, (uint32_t)res))) {
        issue(op); /* interrupted or short: the rest */
        return;
    }
    /* 0 bytes of a transfer: the file shrank under us. */
    kerr_t err = res < 0 || (res == 0 && r->work.op != KOP_BLK_FLUSH) ? KERR_IO : KERR_OK;
    kwork_t *w = kq_pop(&blk.waiting);
    if (w) {
        start(KCONTAINER_OF(w, kblk_req_t, work), op);
    } else {
        op->r = NULL;
        op->next_free = blk.free_ops;
        blk.free_ops = op;
    }
    kcomplete(&r->work, err);
}

static kerr_t blk_submit(kwork_t *w)
{
    kblk_req_t *r = KCONTAINER_OF(w, kblk_req_t, work);
    if (r->dev != 0 || blk.fd < 0)
        return KERR_NO_DEVICE;
    uint64_t bytes;
    kerr_t err = kblk_check(r, &blk.info, &bytes);
    if (err)
        return err;
    blk_op_t *op = blk.free_ops;
    if (op) {
        blk.free_ops = op->next_free;
        start(r, op);
    } else {
        kq_push(&blk.waiting, w);
    }
    return KERR_OK;
}

static bool blk_cancel(kwork_t *w)
{
    return kq_remove(&blk.waiting, w); /* the host's ones finish first */
}

static kerr_t blk_info(uint32_t dev, void *out)
{
    if (dev != 0 || blk.fd < 0)
        return KERR_NO_DEVICE;
    *(kblk_info_t *)out = blk.info;
    return KERR_OK;
}

static const kservice_t blk_service = {
    .name = "hosted-blk-uring",
    .submit = blk_submit,
    .cancel = blk_cancel,
    .info = blk_info,
};

void hosted_uring_blk_init(const char *path)
{
    kservice_register(KOP_CLASS_BLK, &blk_service);
    blk.fd = hosted_blk_open(path, &blk.info);
    for (int i = BLK_OPS - 1; i >= 0; i--) {
        blk.ops[i].u.done = op_done;
        blk.ops[i].next_free = blk.free_ops;
        blk.free_ops = &blk.ops[i];
    }
}
