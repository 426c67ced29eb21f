/* mote: the event loop's internals, shared by kernel/ files and the unit
 * tests' fake platform. Applications never include this. */
#ifndef MOTE_KLOOP_H
#define MOTE_KLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/kheap.h"

/* Private work-item flags (kwork_t.flags). */
#define KWF_IN_HEAP 0x01  /* linked in the deadline heap */
#define KWF_CANCEL 0x02   /* kcancel took effect: result forced to CANCELLED */
#define KWF_TIMEOUT 0x04  /* deadline passed: result forced to TIMEOUT */

#define KWORK_MAGIC 0x6d6f7465u /* "mote": set by kwork_init */

typedef struct kloop {
    kheap_t deadlines;
    kwork_t *done_head, *done_tail; /* completed, callbacks pending */
    uint32_t live;                  /* submitted and not yet called back */
    bool stopping;
    int exit_code;
} kloop_t;

extern kloop_t kloop;

/* One turn: poll the platform, expire deadlines, run the callbacks that
 * were queued when the turn began. Returns true if more callbacks are
 * already queued (the caller should turn again before waiting). */
bool ktick(void);

/* The deadline the loop should wait for: the heap's minimum, UINT64_MAX
 * if none, 0 if callbacks are pending. */
uint64_t knext_deadline(void);

/* Forget all state (unit tests only: between test cases). */
void kloop_reset(void);

/* The kernel's own services: timers and channels (start-up). */
void ktimer_register(void);
void kchan_register(void);
void kcore_register(void);

/* kmain's start-up, split out so the fake platform can drive it. */
void kstart(const char *cmdline);

#endif
