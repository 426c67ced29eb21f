/* mote: work items, the one asynchronous mechanism.
 *
 * Every asynchronous operation is a caller-owned request struct that embeds
 * a kwork_t as its first member. The life of one request:
 *
 *   kwork_init()          caller owns it (state IDLE)
 *   ksubmit()  -> KERR_OK the kernel owns it (state LIVE); the caller must
 *                         not touch the request or its buffers
 *   ...completion, deadline or kcancel()...
 *                         the kernel queues it (state DONE) with a result
 *   callback(w)           runs from the event loop, exactly once; the state
 *                         is IDLE again before it runs, so the callback may
 *                         resubmit the same request
 *
 * Callbacks never run inside ksubmit() or kcancel(): only the event loop's
 * tick calls them, so there is no re-entrancy to reason about. Everything in
 * this header must be called from tick context (app start-up or a callback),
 * never from an interrupt handler.
 *
 * Deadlines: `deadline` is an absolute ktime_now() value in nanoseconds, 0 for
 * none. When it passes first, the request completes with KERR_TIMEOUT. For a
 * timer the deadline *is* the expiry and it completes with KERR_OK.
 *
 * Cancellation is best-effort but always completes the request exactly once.
 * If the service can retract the request (not yet handed to a device, a
 * timer, an armed receive) it completes promptly with KERR_CANCELLED.
 * If a device already holds the buffers (a DMA in flight) the request stays
 * LIVE until the device finishes, then completes with KERR_CANCELLED (or
 * KERR_TIMEOUT): the callback still marks the moment the buffers are the
 * caller's again. A cancelled or timed-out write may or may not have reached
 * the device; a cancelled read leaves its buffer contents undefined.
 */
#ifndef MOTE_KWORK_H
#define MOTE_KWORK_H

#include <stddef.h>
#include <stdint.h>
#include "mote/kerr.h"

/* Op codes: class in the high byte, operation in the low byte. */
#define KOP_CLASS(op) ((uint16_t)(op) >> 8)
enum {
    KOP_CLASS_TIMER = 1,
    KOP_CLASS_RNG = 2,
    KOP_CLASS_BLK = 3,
    KOP_CLASS_NET = 4,  /* raw frames */
    KOP_CLASS_UDP = 5,
    KOP_CLASS_DNS = 6,
    KOP_CLASS_KV = 7,
    KOP_CLASS_CHAN = 8,
    KOP_CLASS_USER = 9, /* services an application registers itself */
    KOP_CLASS_TCP = 10,
    KOP_CLASS__COUNT
};
typedef enum kop {
    KOP_TIMER = KOP_CLASS_TIMER << 8,     /* ktimer_t: fires at its deadline */
    KOP_RNG_READ = KOP_CLASS_RNG << 8,    /* krng_req_t: entropy from the device */
    KOP_BLK_READ = KOP_CLASS_BLK << 8,    /* kblk_req_t */
    KOP_BLK_WRITE,                        /* kblk_req_t */
    KOP_BLK_FLUSH,                        /* kblk_req_t (no segments) */
    KOP_NET_SEND = KOP_CLASS_NET << 8,    /* knet_req_t: one frame */
    KOP_NET_RECV,                         /* knet_req_t: one frame */
    KOP_UDP_SEND = KOP_CLASS_UDP << 8,    /* net_udp_req_t */
    KOP_UDP_RECV,                         /* net_udp_req_t */
    KOP_DNS_RESOLVE = KOP_CLASS_DNS << 8, /* net_dns_req_t */
    KOP_CHAN_SEND = KOP_CLASS_CHAN << 8,  /* kchan_req_t */
    KOP_CHAN_RECV,                        /* kchan_req_t */
    KOP_TCP_ACCEPT = KOP_CLASS_TCP << 8,  /* net_tcp_req_t on a listener */
    KOP_TCP_CONNECT,                      /* net_tcp_req_t */
    KOP_TCP_SEND,                         /* net_tcp_req_t */
    KOP_TCP_RECV,                         /* net_tcp_req_t */
    KOP_TCP_SHUTDOWN,                     /* net_tcp_req_t (no buffer) */
} kop_t;

typedef struct kwork kwork_t;
typedef void (*kwork_fn)(kwork_t *w);

/* Work item states (kernel-owned; read them for assertions only). */
enum {
    KWORK_STATE_IDLE = 1, /* caller owns it */
    KWORK_STATE_LIVE,     /* a service owns it */
    KWORK_STATE_DONE,     /* completed; callback queued */
};

struct kwork {
    uint16_t op;          /* kop_t */
    uint8_t state;        /* KWORK_STATE_*; set by kwork_init and the kernel */
    uint8_t flags;        /* kernel-private */
    kerr_t result;        /* valid inside the callback */
    kwork_fn callback;    /* runs once per submission, from tick */
    void *ctx;            /* the caller's, untouched by the kernel */
    uint64_t deadline;    /* absolute ns (ktime_now), 0 = none */
    /* Kernel-private below: links for the completion queue and the
     * deadline heap, and the service's own slot. */
    uint32_t magic;
    kwork_t *next;
    kwork_t *heap_child, *heap_sibling, *heap_parent;
    void *svc_priv;       /* for the service that owns it while LIVE */
};

/* A FIFO of work items, for structures that keep requests waiting (the
 * functions are in kernel/kqueue.h: services link items they own). */
typedef struct kqueue {
    kwork_t *head, *tail;
} kqueue_t;

/* Prepare (w) for its first submission: op, callback, context, no deadline.
 * Call it once per struct; after that a request may be resubmitted any number
 * of times (typically from its own callback) without re-initialising. */
void kwork_init(kwork_t *w, kop_t op, kwork_fn callback, void *ctx);

/* Hand (w) to the kernel. KERR_OK: the callback will fire exactly once.
 * Any other result: nothing happened, the caller still owns (w), and the
 * callback will not fire. KERR_BUSY if (w) is already in flight,
 * KERR_INVALID if it was never initialised, has an unknown op or fails the
 * service's own checks (e.g. a block range past the device end),
 * KERR_NO_DEVICE if nothing serves that op. */
kerr_t ksubmit(kwork_t *w);

/* Ask for (w) to finish early with KERR_CANCELLED. KERR_OK if (w) was in
 * flight (it will complete exactly once, see above), KERR_INVALID if it is
 * idle (nothing to cancel). If it already completed and its callback is
 * queued, this is a no-op that returns KERR_OK: the callback reports the
 * real result. */
kerr_t kcancel(kwork_t *w);

/* The struct that embeds work item (w) as member (field). */
#define KCONTAINER_OF(w, type, field) \
    ((type *)(void *)((char *)(w) - offsetof(type, field)))

#endif
