/* mote riscv: ticks <-> nanoseconds (see timebase.h). */
#include "platform/riscv/timebase.h"

#define NS_PER_S 1000000000u

void timebase_init(timebase_t *tb, uint64_t freq, uint64_t boot)
{
    tb->boot = boot;
    tb->freq = freq;
    tb->tick_ns = NS_PER_S % freq ? 0 : NS_PER_S / freq;
}

/* Whole seconds, then the remainder: (d % freq) * 1e9 < 2^60 never
 * overflows. */
uint64_t timebase_ns(const timebase_t *tb, uint64_t ticks)
{
    uint64_t d = ticks - tb->boot;
    if (tb->tick_ns)
        return d * tb->tick_ns;
    return d / tb->freq * NS_PER_S + d % tb->freq * NS_PER_S / tb->freq;
}

/* ceil(ns * freq / 1e9) ticks after boot, the exact inverse of
 * timebase_ns. */
uint64_t timebase_ticks(const timebase_t *tb, uint64_t ns)
{
    uint64_t s = ns / NS_PER_S, rem = ns % NS_PER_S;
    if (s > (UINT64_MAX >> 1) / tb->freq) /* ~292 years: never */
        return UINT64_MAX;
    uint64_t t = s * tb->freq + (rem * tb->freq + NS_PER_S - 1) / NS_PER_S;
    return t > UINT64_MAX - tb->boot ? UINT64_MAX : tb->boot + t;
}
