/* mote: civil (proleptic Gregorian, UTC) dates and Unix time.
 *
 * What a wall clock needs on both ends: RTCs that keep calendar fields
 * (the x86 CMOS clock) are turned into Unix seconds, and printk turns Unix
 * time back into a date. Unix time counts 86400 seconds a day and ignores
 * leap seconds, as POSIX's timegm/gmtime do; these functions agree with
 * them for every date they accept.
 *
 * Range: years 1970 to 999999 (dates before the epoch are rejected, a
 * wall clock never needs them). All arithmetic after the one 64-bit
 * division of kdate_from_unix is 32-bit, so this is cheap on 32-bit CPUs.
 * Pure functions: any context, O(1).
 */
#ifndef MOTE_KDATE_H
#define MOTE_KDATE_H

#include <stdbool.h>
#include <stdint.h>
#include "mote/kerr.h"

#define KDATE_YEAR_MIN 1970
#define KDATE_YEAR_MAX 999999
#define KDATE_DAYS_END 364522972u /* days from 1970 to the year 1000000 */

typedef struct kdate {
    uint32_t year; /* 1970..999999 */
    uint8_t month; /* 1..12 */
    uint8_t day;   /* 1..28/29/30/31 */
    uint8_t hour;  /* 0..23 */
    uint8_t min;   /* 0..59 */
    uint8_t sec;   /* 0..59; 60 (a leap second) is accepted as input and
                      counts as the first second of the next minute */
} kdate_t;

/* Days from 1970-01-01 to (year, month, day), which must be a valid date
 * in range (check with kdate_valid). */
uint32_t kdate_days_from_civil(uint32_t year, unsigned month, unsigned day);

/* True if every field of (d) is in range, the day included (29 February
 * only in leap years). */
bool kdate_valid(const kdate_t *d);

/* Unix seconds of (d) into (*secs). KERR_INVALID (and *secs untouched) if
 * (d) is not a valid date in range. */
kerr_t kdate_to_unix(const kdate_t *d, uint64_t *secs);

/* The date of Unix second (secs) into (*d). Seconds past the end of year
 * 999999 give 999999-12-31 23:59:59. */
void kdate_from_unix(uint64_t secs, kdate_t *d);

#endif
