/* Hosted block device: an image file served by a small worker pool.
 *
 * The loop thread never blocks on the file: submit queues the request for
 * HOSTED_BLK_WORKERS threads doing preadv/pwritev/fdatasync, and a worker
 * that finishes pushes the item onto a done list and pokes an eventfd that
 * epoll watches. The workers touch only the request they hold and the two
 * mutex-protected lists; kcomplete() runs on the loop thread, in
 * platform_poll. A request still waiting for a worker can be cancelled; one
 * a worker holds cannot (its buffers are in a system call).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kernel/kblk_check.h"
#include "kernel/kservice.h"
#include "mote/kblk.h"
#include "mote/printk.h"
#include "platform/hosted/hosted.h"

#define HOSTED_BLK_WORKERS 4

static struct {
    int fd;
    kblk_info_t info;
    pthread_mutex_t lock;
    pthread_cond_t more;
    kqueue_t todo, done;   /* under lock */
    hosted_watch_t watch;       /* the eventfd */
} blk = {.fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER,
         .more = PTHREAD_COND_INITIALIZER};

static kerr_t do_io(kblk_req_t *r)
{
    if (r->work.op == KOP_BLK_FLUSH)
        return fdatasync(blk.fd) == 0 ? KERR_OK : KERR_IO;
    struct iovec iov[KBLK_MAX_SEGS];
    size_t total = 0;
    for (uint32_t i = 0; i < r->nsegs; i++) {
        iov[i].iov_base = r->segs[i].buf;
        iov[i].iov_len = r->segs[i].len;
        total += r->segs[i].len;
    }
    off_t off = (off_t)(r->sector * blk.info.sector_size);
    struct iovec *v = iov;
    int nv = (int)r->nsegs;
    while (total) {
        ssize_t n = r->work.op == KOP_BLK_READ ? preadv(blk.fd, v, nv, off)
                                               : pwritev(blk.fd, v, nv, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return KERR_IO;
        total -= (size_t)n;
        off += n;
        while (nv && (size_t)n >= v->iov_len) { /* skip finished segments */
            n -= (ssize_t)v->iov_len;
            v++, nv--;
        }
        if (nv) {
            v->iov_base = (char *)v->iov_base + n;
            v->iov_len -= (size_t)n;
        }
    }
    return KERR_OK;
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&blk.lock);
    for (;;) {
        kwork_t *w;
        while (!(w = kq_pop(&blk.todo)))
            pthread_cond_wait(&blk.more, &blk.lock);
        pthread_mutex_unlock(&blk.lock);
        kerr_t res = do_io(KCONTAINER_OF(w, kblk_req_t, work));
        pthread_mutex_lock(&blk.lock);
        w->result = res; /* carried to kcomplete in done_handler */
        kq_push(&blk.done, w);
        uint64_t one = 1;
        if (write(blk.watch.fd, &one, sizeof one) < 0) {
            /* The eventfd counter cannot overflow at our rates. */
        }
    }
    return NULL;
}

static void done_handler(hosted_watch_t *wt, uint32_t events)
{
    (void)events;
    uint64_t n;
    if (read(wt->fd, &n, sizeof n) < 0) {
        /* EAGAIN: a previous poll already took the count; drain anyway. */
    }
    pthread_mutex_lock(&blk.lock);
    kqueue_t done = blk.done;
    blk.done.head = blk.done.tail = NULL;
    pthread_mutex_unlock(&blk.lock);
    kwork_t *w;
    while ((w = kq_pop(&done)))
        kcomplete(w, w->result);
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
    pthread_mutex_lock(&blk.lock);
    kq_push(&blk.todo, w);
    pthread_cond_signal(&blk.more);
    pthread_mutex_unlock(&blk.lock);
    return KERR_OK;
}

static bool blk_cancel(kwork_t *w)
{
    pthread_mutex_lock(&blk.lock);
    int found = kq_remove(&blk.todo, w);
    pthread_mutex_unlock(&blk.lock);
    return found;
}

static kerr_t blk_info(uint32_t dev, void *out)
{
    if (dev != 0 || blk.fd < 0)
        return KERR_NO_DEVICE;
    *(kblk_info_t *)out = blk.info;
    return KERR_OK;
}

static const kservice_t blk_service = {
    .name = "hosted-blk",
    .submit = blk_submit,
    .cancel = blk_cancel,
    .info = blk_info,
};

int hosted_blk_open(const char *path, kblk_info_t *info)
{
    if (!path || !*path)
        return -1; /* no drive= : requests get KERR_NO_DEVICE */
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EROFS)) {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        info->read_only = 1;
    }
    if (fd < 0)
        hosted_die("cannot open drive %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        hosted_die("drive %s is not a regular file", path);
    info->sector_size = 512;
    info->sectors = (uint64_t)st.st_size / 512;
    if (!info->sectors)
        hosted_die("drive %s is empty (need at least 512 bytes)", path);
    printk(KLOG_INFO, "blk0: %s, %llu sectors of 512 bytes%s", path,
           (unsigned long long)info->sectors, info->read_only ? ", read-only" : "");
    return fd;
}

void hosted_blk_init(const char *path)
{
    kservice_register(KOP_CLASS_BLK, &blk_service);
    blk.fd = hosted_blk_open(path, &blk.info);
    if (blk.fd < 0)
        return;
    blk.watch.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    blk.watch.handler = done_handler;
    if (blk.watch.fd < 0 || hosted_watch(&blk.watch, EPOLLIN) < 0)
        hosted_die("eventfd: %s", strerror(errno));
    for (int i = 0; i < HOSTED_BLK_WORKERS; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, NULL))
            hosted_die("cannot start block worker thread");
        pthread_detach(t);
    }
}
