/* mote: monotonic time, wall-clock time and timers.
 *
 * Time is a uint64_t count of nanoseconds since an arbitrary point at boot;
 * it never goes backwards and does not wrap for 584 years, on 32-bit targets
 * too. A timer is a work item whose deadline is its expiry: it completes with
 * KERR_OK at (or shortly after) that instant, or KERR_CANCELLED. The kernel
 * keeps all deadlines in one pairing heap: O(1) insert, O(log n) amortised
 * removal, no allocation, no limit on how many are live.
 *
 * Wall-clock time is a separate, read-only clock: nanoseconds since the
 * Unix epoch (1970-01-01T00:00:00Z, leap seconds not counted, like POSIX
 * time), taken from the platform's real-time clock once at boot and
 * advanced by the monotonic clock from then on. So it never goes backwards
 * or jumps while the kernel runs, but it is only as right as the RTC was
 * at boot (whole seconds on most RTCs) and drifts with the monotonic
 * clock. Deadlines and timers always use monotonic time.
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

/* Wall-clock time into (*ns): KERR_OK, or KERR_NO_DEVICE with *ns = 0 if
 * the platform has no wall clock (no RTC, an RTC holding no valid time, or
 * early boot before kmain read it). Any context, O(1). */
kerr_t ktime_wall(uint64_t *ns);

/* The same as a value: wall-clock nanoseconds, or 0 when ktime_wall()
 * would say KERR_NO_DEVICE. Any context, O(1). */
uint64_t ktime_wall_now(void);

typedef struct ktimer {
    kwork_t work; /* op KOP_TIMER; work.deadline is the expiry */
} ktimer_t;

/* kwork_init for a timer. */
void ktimer_init(ktimer_t *t, kwork_fn callback, void *ctx);

/* Submit (t) to fire (delay_ns) from now. Same results as ksubmit(). */
kerr_t ktimer_start(ktimer_t *t, uint64_t delay_ns);

#endif
