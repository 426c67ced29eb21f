/* mote: the boot trace (boot argument boot_trace=1).
 *
 * Start-up is a chain of phases: the platform's device discovery, the
 * layers' start-up hooks, the CSPRNG's first seed, the application's
 * app_main, and, where a layer brings something up after that (the IP
 * stack's address, by DHCP or ip=), that layer's phase. Each phase ends
 * with kboot_mark(); with boot_trace=1 the kernel prints one line when the
 * last phase ends:
 *
 *   boot: platform 0.412 ms, layers 0.020 ms, rng 0.310 ms, app 0.050 ms,
 *         net 9.870 ms; ready at 10.662 ms
 *
 * (one line; times since the previous mark, "ready at" is platform_now_ns
 * since the platform's clock started). Tick context; costs nothing
 * without boot_trace=1.
 */
#ifndef MOTE_KBOOT_H
#define MOTE_KBOOT_H

/* A layer that will end a phase after app_main (kinit hook): say so, so
 * that the line waits for it. */
void kboot_expect(void);
/* Phase (name) (a string literal) ends now. */
void kboot_mark(const char *name);
/* The layer phase announced by kboot_expect ended (or never will): print
 * the line if nothing else is pending. kstart calls it after app_main. */
void kboot_done(void);
/* Forget every mark (unit tests' fresh boot). */
void kboot_reset(void);

#endif
