/* net: the stack's one timer.
 *
 * Every timed thing in the stack (ARP retries, DHCP timers, DNS retries,
 * deferred work) is polled from one ktimer rather than owning a timer each:
 * when it fires, net_timer_run() asks every module for what is due and for
 * its next deadline, and re-arms at the earliest. A module that needs to be
 * woken earlier than the armed time calls net_timer_kick(); that cancels the
 * timer, whose callback then polls and re-arms. Nothing is armed when
 * nothing is pending, so an idle stack costs no wake-ups.
 */
#ifndef NET_TIMER_H
#define NET_TIMER_H

#include <stdint.h>

/* Make sure the stack is polled at or before (when) (absolute ns; 0 or a
 * past time means "at the next tick"). Tick context. */
void net_timer_kick(uint64_t when);

/* Poll every module now and re-arm (the timer's callback; tests). */
void net_timer_run(void);

/* Forget the timer (start-up; a test's reboot). */
void net_timer_reset(void);

#endif
