/* mote hosted platform: the io_uring back end's ring.
 *
 * One ring carries every request the hosted services submit: a service
 * fills a submission entry (hosted_uring_sqe), and the loop hands all of
 * them to the host together. The loop makes one io_uring_enter per turn:
 * platform_wait submits what the turn queued and waits for a completion or
 * the loop's deadline in the same call; platform_poll then reads the
 * completions out of shared memory and calls each operation's (done) in
 * tick context, where kcomplete() is allowed. Only when the loop skips the
 * wait (callbacks queued more callbacks) does platform_poll enter itself,
 * to submit and collect without waiting.
 *
 * An operation in flight is named by its hosted_uop_t, which the service
 * embeds in its own per-request slot; the ring stores its address as the
 * entry's user_data. user_data 0 marks entries whose completion nobody
 * needs (cancellations).
 *
 * Descriptors still served by epoll readiness (hosted_watch, e.g. a
 * service that has no io_uring version yet) keep working: the ring holds
 * a multishot poll on the epoll descriptor and runs the epoll handlers
 * when it fires. See docs/hosted.md.
 */
#ifndef MOTE_HOSTED_URING_H
#define MOTE_HOSTED_URING_H

#include <linux/io_uring.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct hosted_uop {
    /* (res) is the operation's result (bytes or -errno), (flags) the
     * completion's IORING_CQE_F_* bits. Tick context. */
    void (*done)(struct hosted_uop *op, int32_t res, uint32_t flags);
} hosted_uop_t;

/* True once hosted_uring_start chose io_uring. */
extern bool hosted_uring_on;

/* Boot argument io_uring_min=1 (tests): use only what Linux 5.11 offers,
 * so the paths for older hosts run here too: no set-up flags, no buffer
 * rings or multishot receive/read, no SEND with an address. */
extern bool hosted_uring_min;

/* Choose the I/O back end from the boot arguments (io=uring|epoll|auto,
 * default auto; io_uring_fail=1 makes the ring's set-up fail, for tests)
 * and set the ring up; hosted_uring_report then says which back end runs
 * and, on a fall-back, why. Returns hosted_uring_on. io=uring with no usable
 * io_uring is a start-up error. (epfd): the epoll descriptor to ride along. */
bool hosted_uring_start(int epfd);

/* Print the one line hosted_uring_start decided on (end of platform_init). */
void hosted_uring_report(void);

/* A zeroed submission entry for (op) (NULL: nobody needs the completion),
 * queued for the next enter. Never fails: a full queue is submitted first. */
struct io_uring_sqe *hosted_uring_sqe(hosted_uop_t *op);

/* Submit what is queued now, without waiting: before closing a descriptor
 * that queued entries name, so that the number cannot be reused first. */
void hosted_uring_flush(void);

/* Ask the host to cancel (op), which is in flight; its own completion
 * follows (usually with -ECANCELED). */
void hosted_uring_cancel(hosted_uop_t *op);

/* io_uring_register(2) on the ring: 0 or -errno. */
int hosted_uring_register(unsigned opcode, void *arg, unsigned nr);

/* platform_wait and platform_poll on the ring. */
void hosted_uring_wait(uint64_t deadline);
void hosted_uring_poll(void);

/* Run the epoll handlers whose descriptors are ready (main.c). */
void hosted_epoll_poll(void);

/* The io_uring versions of the devices (uring_*.c), called instead of
 * their epoll versions when hosted_uring_on. */
void hosted_uring_blk_init(const char *path);
void hosted_uring_udp_init(void);
void hosted_uring_tap_init(const char *ifname, const char *mac);

#endif
