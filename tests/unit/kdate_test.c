/* lib/kdate.c against the C library's timegm/gmtime_r (64-bit time_t):
 * every day from 1970 to 2600, the 2038 and 2106 edges, random seconds up
 * to the end of the range, and the dates it must refuse. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/kdate.h"
#include "tests/unit/test.h"

_Static_assert(sizeof(time_t) == 8, "the comparison needs a 64-bit time_t");

static time_t libc_timegm(uint32_t y, unsigned mo, unsigned d, unsigned h,
                          unsigned mi, unsigned s)
{
    struct tm tm = {.tm_year = (int)y - 1900,
                    .tm_mon = (int)mo - 1,
                    .tm_mday = (int)d,
                    .tm_hour = (int)h,
                    .tm_min = (int)mi,
                    .tm_sec = (int)s};
    return timegm(&tm);
}

/* kdate_from_unix(t) == gmtime_r(t), field by field. */
static int same_as_gmtime(uint64_t t)
{
    kdate_t d;
    struct tm tm;
    time_t tt = (time_t)t;
    kdate_from_unix(t, &d);
    if (!gmtime_r(&tt, &tm))
        return 0;
    return d.year == (uint32_t)tm.tm_year + 1900 && d.month == tm.tm_mon + 1 &&
           d.day == tm.tm_mday && d.hour == tm.tm_hour && d.min == tm.tm_min &&
           d.sec == tm.tm_sec;
}

TEST(every_day_1970_to_2600)
{
    int bad = 0;
    uint32_t want_days = 0;
    for (uint32_t y = 1970; y <= 2600; y++)
        for (unsigned m = 1; m <= 12; m++)
            for (unsigned d = 1; d <= 31; d++) {
                kdate_t k = {.year = y, .month = (uint8_t)m, .day = (uint8_t)d};
                time_t t = libc_timegm(y, m, d, 0, 0, 0);
                struct tm back;
                gmtime_r(&t, &back);
                /* timegm normalises 31 April to 1 May */
                int real = back.tm_mday == (int)d;
                if (kdate_valid(&k) != real) {
                    if (bad++ < 5)
                        printf("    %u-%02u-%02u: valid %d, libc says %d\n", y,
                               m, d, kdate_valid(&k), real);
                    continue;
                }
                if (!real)
                    continue;
                uint64_t secs;
                if (kdate_days_from_civil(y, m, d) != want_days ||
                    kdate_to_unix(&k, &secs) != KERR_OK ||
                    secs != (uint64_t)t ||
                    !same_as_gmtime(secs + (uint64_t)(test_rand() % 86400))) {
                    if (bad++ < 5)
                        printf("    %u-%02u-%02u: days %u (want %u)\n", y, m, d,
                               kdate_days_from_civil(y, m, d), want_days);
                }
                want_days++;
            }
    CHECK_EQ(bad, 0);
    CHECK_EQ(want_days, 230468); /* days 1970-01-01 .. 2600-12-31 (Python) */
}

TEST(leap_years)
{
    static const struct {
        uint32_t year;
        int leap;
    } cases[] = {
        {1972, 1}, {1999, 0}, {2000, 1}, {2023, 0}, {2024, 1},  {2100, 0},
        {2200, 0}, {2300, 0}, {2400, 1}, {9996, 1}, {10000, 1}, {999999, 0},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kdate_t feb29 = {.year = cases[i].year, .month = 2, .day = 29};
        CHECK_EQ(kdate_valid(&feb29), cases[i].leap);
    }
}

TEST(edges_2038_and_2106)
{
    uint64_t s;
    kdate_t a = {2038, 1, 19, 3, 14, 7}, b = {2038, 1, 19, 3, 14, 8};
    kdate_t c = {2106, 2, 7, 6, 28, 15}, e = {2106, 2, 7, 6, 28, 16};
    CHECK(kdate_to_unix(&a, &s) == KERR_OK && s == 0x7fffffffu);
    CHECK(kdate_to_unix(&b, &s) == KERR_OK && s == 0x80000000u);
    CHECK(kdate_to_unix(&c, &s) == KERR_OK && s == 0xffffffffu);
    CHECK(kdate_to_unix(&e, &s) == KERR_OK && s == 0x100000000ull);
    for (uint64_t t = 0x7fffff00u; t < 0x80000100u; t++)
        CHECK(same_as_gmtime(t));
    for (uint64_t t = 0xffffff00u; t < 0x100000100ull; t++)
        CHECK(same_as_gmtime(t));
    kdate_t epoch = {1970, 1, 1, 0, 0, 0};
    CHECK(kdate_to_unix(&epoch, &s) == KERR_OK && s == 0);
}

TEST(random_seconds_to_year_999999)
{
    uint64_t end = (uint64_t)KDATE_DAYS_END * 86400;
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        /* odd i: the whole range; even i: before the year 10000 */
        uint64_t t = test_rand() % (i & 1 ? end : 253402300800ull);
        kdate_t d;
        kdate_from_unix(t, &d);
        uint64_t back;
        if (!same_as_gmtime(t) || kdate_to_unix(&d, &back) != KERR_OK ||
            back != t)
            if (bad++ < 5)
                printf("    t=%llu\n", (unsigned long long)t);
    }
    CHECK_EQ(bad, 0);
}

TEST(range_end_and_clamp)
{
    CHECK_EQ(kdate_days_from_civil(999999, 12, 31) + 1, KDATE_DAYS_END);
    kdate_t d;
    kdate_from_unix(UINT64_MAX, &d);
    CHECK(d.year == 999999 && d.month == 12 && d.day == 31 && d.hour == 23 &&
          d.min == 59 && d.sec == 59);
    kdate_from_unix((uint64_t)KDATE_DAYS_END * 86400 - 1, &d);
    CHECK(d.year == 999999 && d.sec == 59);
}

TEST(refuses_what_is_not_a_date)
{
    static const kdate_t bad[] = {
        {1969, 12, 31, 23, 59, 59}, {1000000, 1, 1, 0, 0, 0},
        {2024, 0, 1, 0, 0, 0},      {2024, 13, 1, 0, 0, 0},
        {2024, 4, 31, 0, 0, 0},     {2023, 2, 29, 0, 0, 0},
        {2100, 2, 29, 0, 0, 0},     {2024, 1, 0, 0, 0, 0},
        {2024, 1, 1, 24, 0, 0},     {2024, 1, 1, 0, 60, 0},
        {2024, 1, 1, 0, 0, 61},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t s = 12345;
        CHECK(kdate_to_unix(&bad[i], &s) == KERR_INVALID);
        CHECK_EQ(s, 12345);
    }
    /* A leap second reads as the next minute's first, as timegm has it. */
    kdate_t leap = {2016, 12, 31, 23, 59, 60};
    uint64_t s;
    CHECK(kdate_to_unix(&leap, &s) == KERR_OK);
    CHECK_EQ(s, libc_timegm(2016, 12, 31, 23, 59, 60));
    CHECK_EQ(s, 1483228800);
}
