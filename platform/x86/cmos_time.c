/* mote x86: CMOS RTC registers -> Unix seconds (cmos_time.h). */
#include "cmos_time.h"
#include "lib/kdate.h"

/* Register value (v) as a number; -1 if it is not one in BCD. */
static int num(uint8_t v, uint8_t status_b)
{
    if (status_b & CMOS_B_BINARY)
        return v;
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0f);
}

/* 0..23, or -1. 12-hour mode counts 12, 1, .., 11 with the PM flag apart. */
static int hour24(uint8_t v, uint8_t status_b)
{
    if (status_b & CMOS_B_24H)
        return num(v, status_b);
    int h = num(v & (uint8_t)~CMOS_HOUR_PM, status_b);
    if (h < 1 || h > 12)
        return -1;
    return h % 12 + (v & CMOS_HOUR_PM ? 12 : 0);
}

kerr_t cmos_time_to_unix(const cmos_time_t *t, uint64_t *secs)
{
    uint8_t b = t->status_b;
    int sec = num(t->sec, b), min = num(t->min, b), hour = hour24(t->hour, b);
    int day = num(t->day, b), month = num(t->month, b), year = num(t->year, b);
    int century = num(t->century, b);
    if (sec < 0 || min < 0 || hour < 0 || day < 0 || month < 0 || year < 0 ||
        year > 99)
        return KERR_CORRUPT;
    if (century < 19 || century > 29)
        century = year < 70 ? 20 : 19;
    kdate_t d = {.year = (uint32_t)(century * 100 + year),
                 .month = (uint8_t)month,
                 .day = (uint8_t)day,
                 .hour = (uint8_t)hour,
                 .min = (uint8_t)min,
                 .sec = (uint8_t)sec};
    return kdate_to_unix(&d, secs) == KERR_OK ? KERR_OK : KERR_CORRUPT;
}
