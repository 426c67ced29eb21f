/* Hosted I/O on io_uring: set-up, the back-end choice, submit and wait.
 *
 * Raw system calls and <linux/io_uring.h> (linux-libc-dev), no liburing:
 * the ring needs three calls and two memory orderings, the binary keeps
 * no run-time dependency beyond libc, and the fall-back decision (setup
 * refused by an old kernel, seccomp or kernel.io_uring_disabled) is one
 * errno we see directly. docs/hosted.md says more.
 *
 * Memory ordering with the host kernel: we publish the submission tail
 * with a release store after filling the entries, and read the completion
 * tail with an acquire load before reading entries; our completion head is
 * stored with release after we are done with an entry.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/platform.h"
#include "mote/kapp.h"
#include "mote/printk.h"
#include "platform/hosted/hosted.h"
#include "platform/hosted/uring.h"

#define SQ_ENTRIES 256
#define CQ_ENTRIES 4096 /* multishot and bursts: room for many per entry */

bool hosted_uring_on;
bool hosted_uring_min;

static struct {
    int fd;
    unsigned *sq_head, *sq_tail, *sq_flags, sq_mask, sq_entries;
    unsigned *cq_head, *cq_tail, cq_mask;
    struct io_uring_cqe *cqes;
    struct io_uring_sqe *sqes;
    unsigned tail;        /* our submission tail, published at enter */
    bool waited;          /* platform_wait already entered this turn */
    bool multi_poll;      /* the host takes multishot poll */
    int epfd;
    hosted_uop_t epoll_op;
} ring = {.fd = -1};

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
    return (int)syscall(__NR_io_uring_setup, entries, p);
}

/* Enter with (to_submit) new entries; wait for (min) completions or
 * (ts) (NULL: no time limit). Returns the submitted count or -errno. */
static int sys_enter(unsigned to_submit, unsigned min, unsigned flags,
                     const struct __kernel_timespec *ts)
{
    struct io_uring_getevents_arg arg = {.ts = (uint64_t)(uintptr_t)ts};
    long r = syscall(__NR_io_uring_enter, ring.fd, to_submit, min,
                     flags | IORING_ENTER_EXT_ARG, &arg, sizeof arg);
    return r < 0 ? -errno : (int)r;
}

static unsigned sq_pending(void)
{
    return ring.tail - __atomic_load_n(ring.sq_head, __ATOMIC_ACQUIRE);
}

/* Submit everything queued, optionally waiting (see sys_enter). */
static int enter(unsigned min, const struct __kernel_timespec *ts)
{
    __atomic_store_n(ring.sq_tail, ring.tail, __ATOMIC_RELEASE);
    int r;
    do
        r = sys_enter(sq_pending(), min, IORING_ENTER_GETEVENTS, ts);
    while (r == -EINTR && !ts && !min);
    if (r < 0 && r != -ETIME && r != -EINTR && r != -EBUSY && r != -EAGAIN)
        kpanic("io_uring_enter: %s", strerror(-r));
    return r;
}

static void reap(void);

struct io_uring_sqe *hosted_uring_sqe(hosted_uop_t *op)
{
    /* Full: hand the queue over now. A host that refuses new entries while
     * completions overflow (EBUSY, kernels before 5.19) needs them read
     * first; their handlers run here, in tick context as always. */
    while (ring.tail - __atomic_load_n(ring.sq_head, __ATOMIC_ACQUIRE) >= ring.sq_entries)
        if (enter(0, NULL) < 0)
            reap();
    struct io_uring_sqe *e = &ring.sqes[ring.tail & ring.sq_mask];
    memset(e, 0, sizeof *e);
    e->user_data = (uint64_t)(uintptr_t)op;
    ring.tail++;
    return e;
}

int hosted_uring_register(unsigned opcode, void *arg, unsigned nr)
{
    return syscall(__NR_io_uring_register, ring.fd, opcode, arg, nr) < 0 ? -errno : 0;
}

void hosted_uring_flush(void)
{
    if (ring.tail != __atomic_load_n(ring.sq_head, __ATOMIC_ACQUIRE))
        enter(0, NULL);
}

void hosted_uring_cancel(hosted_uop_t *op)
{
    struct io_uring_sqe *e = hosted_uring_sqe(NULL);
    e->opcode = IORING_OP_ASYNC_CANCEL;
    e->fd = -1;
    e->addr = (uint64_t)(uintptr_t)op;
}

/* Run the completions waiting in the ring, at most one ring's worth so
 * that a flood cannot starve timers and callbacks. */
static void reap(void)
{
    unsigned head = *ring.cq_head;
    for (unsigned budget = ring.cq_mask + 1; budget; budget--) {
        if (head == __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE))
            break;
        struct io_uring_cqe *c = &ring.cqes[head & ring.cq_mask];
        hosted_uop_t *op = (hosted_uop_t *)(uintptr_t)c->user_data;
        int32_t res = c->res;
        uint32_t flags = c->flags;
        head++;
        __atomic_store_n(ring.cq_head, head, __ATOMIC_RELEASE);
        if (op)
            op->done(op, res, flags);
    }
}

void hosted_uring_poll(void)
{
    /* Without a wait this turn, enter once to submit and (with deferred
     * task work) to let the host post completions. */
    if (!ring.waited ||
        (__atomic_load_n(ring.sq_flags, __ATOMIC_RELAXED) & IORING_SQ_CQ_OVERFLOW))
        enter(0, NULL);
    ring.waited = false;
    reap();
}

void hosted_uring_wait(uint64_t deadline)
{
    struct __kernel_timespec ts, *tsp = NULL;
    if (deadline != UINT64_MAX) {
        uint64_t now = platform_now_ns();
        uint64_t d = deadline > now ? deadline - now : 0;
        ts.tv_sec = (long long)(d / 1000000000u);
        ts.tv_nsec = (long long)(d % 1000000000u);
        tsp = &ts;
    }
    bool ready = *ring.cq_head != __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE);
    enter(ready ? 0 : 1, tsp);
    ring.waited = true;
}

/* The epoll descriptor rides in the ring: when it turns readable, run the
 * epoll handlers. A multishot poll stays armed while the host says MORE. */
static void arm_epoll(void)
{
    struct io_uring_sqe *e = hosted_uring_sqe(&ring.epoll_op);
    e->opcode = IORING_OP_POLL_ADD;
    e->fd = ring.epfd;
    e->poll32_events = POLLIN;
    e->len = ring.multi_poll ? IORING_POLL_ADD_MULTI : 0;
}

static void epoll_ready(hosted_uop_t *op, int32_t res, uint32_t flags)
{
    (void)op;
    if (res == -EINVAL && ring.multi_poll)
        ring.multi_poll = false; /* before Linux 5.13: one-shot polls */
    else if (res < 0 && res != -ECANCELED)
        printk(KLOG_WARN, "hosted: epoll poll: %s", strerror(-res));
    if (res > 0)
        hosted_epoll_poll();
    if (!(flags & IORING_CQE_F_MORE))
        arm_epoll();
}

static void *map(size_t len, off_t off)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                   ring.fd, off);
    return p == MAP_FAILED ? NULL : p;
}

/* Create the ring with the best flags the host takes: deferred task work
 * (completions posted only when we enter, no interrupts of the loop), else
 * cooperative task work, else none. Returns 0 or -errno. */
static int create(struct io_uring_params *p)
{
    static const unsigned tries[] = {
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL,
        IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL,
        0,
    };
    int err = -EINVAL;
    for (unsigned i = hosted_uring_min ? 2 : 0; i < sizeof tries / sizeof tries[0] && err == -EINVAL; i++) {
        memset(p, 0, sizeof *p);
        p->flags = tries[i] | IORING_SETUP_CQSIZE;
        p->cq_entries = CQ_ENTRIES;
        ring.fd = sys_setup(SQ_ENTRIES, p);
        err = ring.fd < 0 ? -errno : 0;
    }
    return err;
}

/* Map the rings. NULL on success, else what went wrong. */
static const char *map_rings(const struct io_uring_params *p)
{
    if (!(p->features & IORING_FEAT_EXT_ARG))
        return "kernel too old (no IORING_FEAT_EXT_ARG, Linux < 5.11)";
    if (!(p->features & IORING_FEAT_NODROP))
        return "kernel too old (no IORING_FEAT_NODROP)";
    size_t sq_len = p->sq_off.array + p->sq_entries * sizeof(unsigned);
    size_t cq_len = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
    if (p->features & IORING_FEAT_SINGLE_MMAP)
        sq_len = cq_len = sq_len > cq_len ? sq_len : cq_len;
    char *sq = map(sq_len, IORING_OFF_SQ_RING);
    char *cq = (p->features & IORING_FEAT_SINGLE_MMAP) ? sq : map(cq_len, IORING_OFF_CQ_RING);
    ring.sqes = map(p->sq_entries * sizeof(struct io_uring_sqe), IORING_OFF_SQES);
    if (!sq || !cq || !ring.sqes)
        return "cannot map the rings";
    ring.sq_head = (unsigned *)(sq + p->sq_off.head);
    ring.sq_tail = (unsigned *)(sq + p->sq_off.tail);
    ring.sq_flags = (unsigned *)(sq + p->sq_off.flags);
    ring.sq_mask = *(unsigned *)(sq + p->sq_off.ring_mask);
    ring.sq_entries = p->sq_entries;
    unsigned *array = (unsigned *)(sq + p->sq_off.array);
    for (unsigned i = 0; i < p->sq_entries; i++)
        array[i] = i; /* slot i is entry i, for good */
    ring.tail = *ring.sq_tail;
    ring.cq_head = (unsigned *)(cq + p->cq_off.head);
    ring.cq_tail = (unsigned *)(cq + p->cq_off.tail);
    ring.cq_mask = *(unsigned *)(cq + p->cq_off.ring_mask);
    ring.cqes = (struct io_uring_cqe *)(cq + p->cq_off.cqes);
    return NULL;
}

/* NULL when the ring is up, else why io_uring cannot be used. */
static const char *ring_init(void)
{
    static char why[96];
    if (kargs_get_ulong("io_uring_fail", 0))
        return "io_uring_setup refused (io_uring_fail=1)";
    hosted_uring_min = kargs_get_ulong("io_uring_min", 0) != 0;
    struct io_uring_params p;
    int err = create(&p);
    if (err) {
        snprintf(why, sizeof why, "io_uring_setup: %s", strerror(-err));
        return why;
    }
    const char *bad = map_rings(&p);
    if (bad) {
        close(ring.fd); /* the mappings die with the process or stay unused */
        ring.fd = -1;
    }
    return bad;
}

/* What hosted_uring_report prints: after the devices opened, so that a
 * start-up error stays the only line. */
static const char *choice_line;
static char choice_buf[160];

bool hosted_uring_start(int epfd)
{
    const char *io = kargs_get("io");
    if (io && !strcmp(io, "epoll")) {
        choice_line = "hosted: I/O on epoll (io=epoll)";
        return false;
    }
    if (io && strcmp(io, "uring") && strcmp(io, "auto"))
        hosted_die("bad io=%s (want uring, epoll or auto)", io);
    const char *why = ring_init();
    if (why) {
        if (io && !strcmp(io, "uring"))
            hosted_die("io=uring: io_uring unavailable: %s", why);
        snprintf(choice_buf, sizeof choice_buf,
                 "hosted: io_uring unavailable (%s); I/O on epoll", why);
        choice_line = choice_buf;
        return false;
    }
    ring.epfd = epfd;
    ring.epoll_op.done = epoll_ready;
    ring.multi_poll = true;
    arm_epoll();
    hosted_uring_on = true;
    choice_line = hosted_uring_min ? "hosted: I/O on io_uring (io_uring_min=1)"
                                   : "hosted: I/O on io_uring";
    return true;
}

void hosted_uring_report(void)
{
    printk(hosted_uring_on || !strstr(choice_line, "unavailable") ? KLOG_INFO : KLOG_WARN,
           "%s", choice_line);
}
