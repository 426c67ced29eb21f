/* mote x86: the MC146818 (CMOS) RTC's time registers -> Unix seconds.
 *
 * Pure: rtc.c reads the registers, this decodes them, so the decoding can
 * be tested on the host for every register format (tests/unit/rtc_test.c)
 * while QEMU only ever shows one (BCD, 24-hour). */
#ifndef MOTE_X86_CMOS_TIME_H
#define MOTE_X86_CMOS_TIME_H

#include <stdint.h>
#include "mote/kerr.h"

/* Register indices (port 0x70 selects, 0x71 reads). */
enum {
    CMOS_SEC = 0x00,
    CMOS_MIN = 0x02,
    CMOS_HOUR = 0x04,
    CMOS_DAY = 0x07,
    CMOS_MONTH = 0x08,
    CMOS_YEAR = 0x09,
    CMOS_STATUS_A = 0x0a, /* bit 7: update in progress (UIP) */
    CMOS_STATUS_B = 0x0b, /* bit 1: 24-hour; bit 2: binary (else BCD) */
    CMOS_STATUS_D = 0x0d, /* bit 7: valid RAM and time (battery good) */
    CMOS_CENTURY = 0x32,  /* the usual century register (ACPI FADT default,
                             QEMU's); not on every machine */
};
#define CMOS_A_UIP    0x80
#define CMOS_B_24H    0x02
#define CMOS_B_BINARY 0x04
#define CMOS_HOUR_PM  0x80 /* in 12-hour mode, in either number format */

typedef struct cmos_time {
    uint8_t sec, min, hour, day, month, year; /* raw register values */
    uint8_t century; /* raw CMOS_CENTURY; ignored unless it decodes to 19..29 */
    uint8_t status_b;
} cmos_time_t;

/* Unix seconds of the time in (t) into (*secs), reading numbers as BCD or
 * binary and hours as 12- or 24-hour as (t->status_b) says. Without a
 * plausible century register, years 70..99 are 19xx and 00..69 20xx.
 * KERR_CORRUPT if any field is not a valid number or date (a BCD digit
 * above 9, month 13, 31 April, hour 0 in 12-hour mode, ...). */
kerr_t cmos_time_to_unix(const cmos_time_t *t, uint64_t *secs);

#endif
