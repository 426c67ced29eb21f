/* mote: the wall clock's start-up (kernel-internal half; the public half
 * is ktime_wall() in mote/ktime.h). */
#ifndef MOTE_KWALL_H
#define MOTE_KWALL_H

#include <stdint.h>

/* Read the platform's wall clock (platform_wallclock_ns) and remember it
 * against the monotonic clock; logs what it found. kmain calls it once,
 * after platform_init. */
void kwall_init(void);

/* Forget the wall clock (unit tests only). */
void kwall_reset(void);

#endif
