/* mote: channels.
 *
 * A channel is a pair of connected ends. A message sent on one end is
 * received on the other: up to KCHAN_MAX_BYTES bytes and up to
 * KCHAN_MAX_OBJS kernel object references (capabilities, mote/kobj.h),
 * each with a rights word the receiver's handle table will apply.
 *
 * Sending is asynchronous and copies once: a send request keeps its buffer
 * until a receive on the other end takes the message, then the bytes go
 * straight into the receiver's buffer and both requests complete. Messages
 * arrive in the order they were sent. The queue is bounded: at most
 * KCHAN_DEPTH sends may wait on one end; another is refused by ksubmit with
 * KERR_NOMEM, so a slow receiver pushes back on its sender instead of
 * growing memory.
 *
 * Object references travel with the message: on a successful send the
 * sender's references belong to the receiver (the send's `nobjs` objects
 * are no longer the sender's); on any failure they stay with the sender.
 * A receive whose buffer is too small gets the first `len` bytes, all
 * objects, and KERR_TOO_BIG.
 *
 * Closing an end completes its armed receives with KERR_CANCELLED and the
 * sends waiting on it with KERR_UNREACHABLE (their senders keep their
 * objects). The peer can still receive what was sent before the close;
 * after that its receives complete, or are refused, with KERR_UNREACHABLE,
 * and its sends are refused with KERR_UNREACHABLE.
 */
#ifndef MOTE_KCHAN_H
#define MOTE_KCHAN_H

#include <stdint.h>
#include "mote/kobj.h"
#include "mote/kwork.h"

#define KCHAN_MAX_BYTES 65536
#define KCHAN_MAX_OBJS 4
#define KCHAN_DEPTH 16

typedef struct kchan_end {
    kobj_t obj;                 /* KOBJ_CHAN; release closes the end */
    struct kchan_end *peer;
    kqueue_t sends;             /* messages waiting here, in order */
    kqueue_t recvs;             /* receives armed here, in order */
    uint32_t nsends;
    uint8_t closed;
} kchan_end_t;

typedef struct kchan_req {
    kwork_t work;            /* KOP_CHAN_SEND or KOP_CHAN_RECV */
    kchan_end_t *end;        /* the caller's end */
    void *buf;
    uint32_t len;            /* send: message length; receive: capacity */
    uint32_t done;           /* receive: bytes stored */
    uint32_t nobjs;          /* send: objects attached; receive: received */
    kobj_t *objs[KCHAN_MAX_OBJS];
    uint32_t rights[KCHAN_MAX_OBJS];
} kchan_req_t;

/* Connect (a) and (b); each starts with one reference (the caller's). */
void kchan_pair_init(kchan_end_t *a, kchan_end_t *b);

/* Close (e) now (normally done by its last kobj_unref). Idempotent. */
void kchan_close(kchan_end_t *e);

void kchan_req_init(kchan_req_t *r, kop_t op, kchan_end_t *end, void *buf,
                    uint32_t len, kwork_fn callback, void *ctx);

#endif
