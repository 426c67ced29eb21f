/* mote: the application's entry and its view of the boot.
 *
 * An application is linked into the kernel and provides app_main(). The
 * kernel calls it once, from tick context, after the platform and its
 * devices are up; it submits its first requests and returns. From then on
 * the application runs only in the callbacks of its requests. When no
 * request is left in flight the loop simply waits (for good, if nothing can
 * ever wake it): an application that wants to end calls kshutdown().
 */
#ifndef MOTE_KAPP_H
#define MOTE_KAPP_H

void app_main(void);

/* Value of boot argument (key), or NULL. Boot arguments are "key=value"
 * words from the kernel command line (QEMU -append, or hosted argv). */
const char *kargs_get(const char *key);

/* Unsigned integer boot argument (key), or (fallback) if absent or not a
 * number. */
unsigned long kargs_get_ulong(const char *key, unsigned long fallback);

/* End the event loop after the current tick and exit the platform with
 * (code): the hosted process exits with it, a VM powers off. */
void kshutdown(int code);

#endif
