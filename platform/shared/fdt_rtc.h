/* mote: the wall clock from a real-time clock the device tree lists, for
 * any FDT platform: an ARM PL031 ("arm,pl031", QEMU's arm virt) or a
 * goldfish RTC ("google,goldfish-rtc", QEMU's riscv virt). Needs
 * "arch_io.h" (mmio_read32). */
#ifndef MOTE_FDT_RTC_H
#define MOTE_FDT_RTC_H

#include <stdint.h>
#include "platform/shared/fdt.h"

/* Unix nanoseconds now from the first RTC of a known kind whose registers
 * lie below (limit) (the highest address + 1 the platform maps), or 0 if
 * there is none or it does not identify itself. What a platform's
 * platform_wallclock_ns() returns. */
uint64_t fdt_rtc_wallclock(const fdt_t *f, uint64_t limit);

#endif
