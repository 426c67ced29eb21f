/* mote riscv: conversion between a free-running tick counter and the
 * kernel's nanoseconds. Exact in both directions, so the deadline the
 * timer is armed for is precisely the first tick at which the clock
 * reads the deadline: no early wake-ups, at any uptime. 64-bit integer
 * arithmetic only (rv32 has no 128-bit type; its 64-bit divisions come
 * from lib/rt), and none at all on the common path: when the frequency
 * divides 1e9 (QEMU virt's 10 MHz) a tick is a whole number of ns.
 * Pure code: the host tests check it against a 128-bit reference.
 */
#ifndef MOTE_RISCV_TIMEBASE_H
#define MOTE_RISCV_TIMEBASE_H

#include <stdint.h>

typedef struct timebase {
    uint64_t boot;    /* counter value at time 0 */
    uint64_t freq;    /* Hz, 1 .. 1e9 */
    uint64_t tick_ns; /* 1e9 / freq when that is exact, else 0 */
} timebase_t;

/* Start the clock at counter value (boot) counting (freq) Hz. */
void timebase_init(timebase_t *tb, uint64_t freq, uint64_t boot);

/* floor((ticks - boot) * 1e9 / freq): nanoseconds since boot at counter
 * value (ticks) (>= boot). */
uint64_t timebase_ns(const timebase_t *tb, uint64_t ticks);

/* The first counter value at which timebase_ns() >= (ns); UINT64_MAX when
 * the counter never gets there (or only after centuries). */
uint64_t timebase_ticks(const timebase_t *tb, uint64_t ns);

#endif
