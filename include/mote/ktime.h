/* mote: monotonic time and timers.
 *
 * Time is a uint64_t count of nanoseconds since an arbitrary point at boot;
 * it never goes backwards and does not wrap for 584 years, on 32-bit targets
 * too. A timer is a work item whose deadline is its expiry: it completes with
 * KERR_OK at (or shortly after) that instant, or KERR_CANCELLED. The kernel
 * keeps all deadlines in one pairing heap: O(1) insert, O(log n) amortised
 * removal, no allocation, no limit on how many are live.
 */
#ifndef MOTE_KTIME_H
#define MOTE_KTIME_H

#include <stdint.h>
#include "mote/kwork.h"

#define KTIME_US 1000ull
#define KTIME_MS 1000000ull
#define KTIME_S 1000000000ull

/* Monotonic nanoseconds. Any context, O(1). */
uint64_t ktime_now(void);

typedef struct ktimer {
    kwork_t work; /* op KOP_TIMER; work.deadline is the expiry */
} ktimer_t;

/* kwork_init for a timer. */
void ktimer_init(ktimer_t *t, kwork_fn callback, void *ctx);

/* Submit (t) to fire (delay_ns) from now. Same results as ksubmit(). */
kerr_t ktimer_start(ktimer_t *t, uint64_t delay_ns);

#endif
