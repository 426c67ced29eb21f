/* Civil dates <-> Unix time (kdate.h). The day counts are Howard Hinnant's
 * days_from_civil / civil_from_days: shift the year to start in March, so
 * the leap day is the last day of a "year", then count 400-year eras of
 * 146097 days, years of 365 days plus the leap rule, and months of
 * alternating 31/30 lengths through (153 * m + 2) / 5. Only non-negative
 * values occur because years start at 1970, so it is all unsigned. */
#include "lib/kdate.h"

/* Days from 0000-03-01 (the shifted calendar's start) to 1970-01-01. */
#define DAYS_0000_TO_1970 719468u
#define DAY_SECS          86400u

static bool leap(uint32_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static unsigned month_days(uint32_t y, unsigned m)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap(y));
}

uint32_t kdate_days_from_civil(uint32_t year, unsigned month, unsigned day)
{
    uint32_t y = year - (month <= 2);
    uint32_t era = y / 400, yoe = y - era * 400;          /* 0..399 */
    uint32_t mp = month > 2 ? month - 3 : month + 9;      /* March = 0 */
    uint32_t doy = (153 * mp + 2) / 5 + day - 1;          /* 0..365 */
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
    return era * 146097 + doe - DAYS_0000_TO_1970;
}

bool kdate_valid(const kdate_t *d)
{
    return d->year >= KDATE_YEAR_MIN && d->year <= KDATE_YEAR_MAX &&
           d->month >= 1 && d->month <= 12 && d->day >= 1 &&
           d->day <= month_days(d->year, d->month) && d->hour < 24 &&
           d->min < 60 && d->sec <= 60;
}

kerr_t kdate_to_unix(const kdate_t *d, uint64_t *secs)
{
    if (!kdate_valid(d))
        return KERR_INVALID;
    uint32_t days = kdate_days_from_civil(d->year, d->month, d->day);
    *secs = (uint64_t)days * DAY_SECS + d->hour * 3600u + d->min * 60u + d->sec;
    return KERR_OK;
}

void kdate_from_unix(uint64_t secs, kdate_t *d)
{
    uint64_t days = secs / DAY_SECS;
    uint32_t s = (uint32_t)(secs - days * DAY_SECS);
    if (days >= KDATE_DAYS_END) {
        days = KDATE_DAYS_END - 1;
        s = DAY_SECS - 1;
    }
    d->hour = (uint8_t)(s / 3600);
    d->min = (uint8_t)(s / 60 % 60);
    d->sec = (uint8_t)(s % 60);
    uint32_t z = (uint32_t)days + DAYS_0000_TO_1970;
    uint32_t era = z / 146097, doe = z - era * 146097;
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint32_t mp = (5 * doy + 2) / 153;
    d->day = (uint8_t)(doy - (153 * mp + 2) / 5 + 1);
    d->month = (uint8_t)(mp < 10 ? mp + 3 : mp - 9);
    d->year = era * 400 + yoe + (d->month <= 2);
}
