/* Host-call cost and request throughput, from inside the sandbox.
 *  1. N calls to the cheapest host function (mote.now) against the same
 *     loop doing a volatile add instead: the difference per call is what
 *     crossing into the kernel costs.
 *  2. Timer requests with zero delay, one in flight, resubmitted from each
 *     completion for one second: requests per second through the host API.
 * Prints "hostcall_ns=<x>" and "requests_per_s=<y>", then exits. */
#include "mote.h"
#include <stdio.h>

#define N 2000000

static int32_t clk;
static int64_t t_start;
static long done;
static char line[96];

void mote_start(void)
{
    volatile int64_t sink = 0;
    int64_t t0 = mote_now();
    for (int i = 0; i < N; i++)
        sink += mote_now();
    int64_t t1 = mote_now();
    for (int i = 0; i < N; i++)
        sink += i;
    int64_t t2 = mote_now();
    snprintf(line, sizeof line, "hostcall_ns=%.1f loop_ns=%.1f",
             (double)((t1 - t0) - (t2 - t1)) / N, (double)(t2 - t1) / N);
    mote_print(line);
    clk = mote_handle("clk");
    t_start = mote_now();
    mote_timer(1, clk, 0);
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    (void)token, (void)value;
    if (result != MOTE_OK) {
        mote_print("request failed");
        mote_exit(1);
    }
    done++;
    int64_t now = mote_now();
    if (now - t_start >= 1000000000LL) {
        snprintf(line, sizeof line, "requests_per_s=%.0f", done * 1e9 / (double)(now - t_start));
        mote_print(line);
        mote_exit(0);
    }
    mote_timer(1, clk, 0);
}
