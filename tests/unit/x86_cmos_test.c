/* platform/x86/cmos_time.c: the CMOS RTC's registers in every format
 * status register B allows (BCD or binary, 12- or 24-hour), checked
 * against timegm; QEMU itself only ever shows BCD 24-hour. */
#include <time.h>

#include "platform/x86/cmos_time.h"
#include "tests/unit/test.h"

static uint8_t bcd(unsigned v)
{
    return (uint8_t)((v / 10) << 4 | v % 10);
}

/* The registers a real RTC in mode (status_b) shows for (t). */
static cmos_time_t encode(time_t t, uint8_t status_b, int with_century)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    int bin = status_b & CMOS_B_BINARY;
    uint8_t (*f)(unsigned) = bin ? NULL : bcd;
#define ENC(v) (f ? f((unsigned)(v)) : (uint8_t)(v))
    cmos_time_t c = {.sec = ENC(tm.tm_sec),
                     .min = ENC(tm.tm_min),
                     .day = ENC(tm.tm_mday),
                     .month = ENC(tm.tm_mon + 1),
                     .year = ENC(tm.tm_year % 100),
                     .century =
                         with_century ? ENC((tm.tm_year + 1900) / 100) : 0xff,
                     .status_b = status_b};
    if (status_b & CMOS_B_24H) {
        c.hour = ENC(tm.tm_hour);
    } else {
        unsigned h12 = tm.tm_hour % 12 ? (unsigned)tm.tm_hour % 12 : 12;
        c.hour = (uint8_t)(ENC(h12) | (tm.tm_hour >= 12 ? CMOS_HOUR_PM : 0));
    }
#undef ENC
    return c;
}

TEST(all_four_formats_match_timegm)
{
    static const uint8_t modes[] = {CMOS_B_24H, CMOS_B_24H | CMOS_B_BINARY, 0,
                                    CMOS_B_BINARY};
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        /* 1970..2069 without a century register, to 2999 with one */
        int cent = i & 1;
        time_t t =
            (time_t)(test_rand() % (cent ? 32503680000ull : 3155760000ull));
        if (i <
            48) /* every hour of one day: midnight and noon in 12-hour mode */
            t = 1796601600 + (time_t)i * 1800;
        for (unsigned m = 0; m < 4; m++) {
            cmos_time_t c =
                encode(t, modes[m] | 0x10, cent); /* + an unrelated bit */
            uint64_t secs = 0;
            if (cmos_time_to_unix(&c, &secs) != KERR_OK || secs != (uint64_t)t)
                if (bad++ < 5)
                    printf("    t=%lld mode %#x: got %llu\n", (long long)t,
                           modes[m], (unsigned long long)secs);
        }
    }
    CHECK_EQ(bad, 0);
}

TEST(qemu_registers)
{
    /* What QEMU showed at 2026-12-07T23:06:07Z: BCD, 24-hour, century 0x20. */
    cmos_time_t c = {0x07, 0x06, 0x23, 0x07, 0x12, 0x26, 0x20, 0x02};
    uint64_t secs;
    CHECK(cmos_time_to_unix(&c, &secs) == KERR_OK);
    CHECK_EQ(secs, 1796684767);
    c.status_b = 0x00; /* the same hour in 12-hour mode: 11 PM */
    c.hour = 0x11 | CMOS_HOUR_PM;
    CHECK(cmos_time_to_unix(&c, &secs) == KERR_OK);
    CHECK_EQ(secs, 1796684767);
}

TEST(century_guess_without_register)
{
    uint64_t secs;
    cmos_time_t y99 = {0, 0, 0, 0x01, 0x01, 0x99, 0xff, CMOS_B_24H};
    cmos_time_t y00 = {0, 0, 0, 0x01, 0x01, 0x00, 0x00, CMOS_B_24H};
    CHECK(cmos_time_to_unix(&y99, &secs) == KERR_OK);
    CHECK_EQ(secs, 915148800); /* 1999-01-01 */
    CHECK(cmos_time_to_unix(&y00, &secs) == KERR_OK);
    CHECK_EQ(secs, 946684800); /* 2000-01-01 */
}

TEST(rejects_garbage)
{
    static const cmos_time_t bad[] = {
        {0x5a, 0, 0, 1, 1, 0x26, 0x20, CMOS_B_24H}, /* BCD digit above 9 */
        {0x61, 0, 0, 1, 1, 0x26, 0x20, CMOS_B_24H}, /* second 61 */
        {0, 0, 0x24, 1, 1, 0x26, 0x20, CMOS_B_24H}, /* hour 24 */
        {0, 0, 0x00, 1, 1, 0x26, 0x20, 0},          /* hour 0 in 12-hour mode */
        {0, 0, 0x13, 1, 1, 0x26, 0x20, 0}, /* hour 13 in 12-hour mode */
        {0, 0, 0, 0x31, 0x04, 0x26, 0x20, CMOS_B_24H}, /* 31 April */
        {0, 0, 0, 0x29, 0x02, 0x23, 0x20, CMOS_B_24H}, /* 29 February 2023 */
        {0, 0, 0, 0x01, 0x13, 0x26, 0x20, CMOS_B_24H}, /* month 13 */
        {0, 0, 0, 0x00, 0x01, 0x26, 0x20, CMOS_B_24H}, /* day 0 */
        {0, 0, 0, 1, 1, 100, 0x20, CMOS_B_24H | CMOS_B_BINARY}, /* year 100 */
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, /* no RTC: all ones */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t secs;
        if (cmos_time_to_unix(&bad[i], &secs) != KERR_CORRUPT) {
            printf("    case %u accepted as %llu\n", i,
                   (unsigned long long)secs);
            test_failed = 1;
        }
    }
}

/* Registers are device input: any bytes at all either decode to a time
 * in 1970..2999 or are refused, with no undefined behaviour (UBSan). */
TEST(random_registers_decode_or_are_refused)
{
    int accepted = 0, out_of_range = 0;
    for (int i = 0; i < 1000000; i++) {
        uint64_t r = test_rand();
        cmos_time_t c = {(uint8_t)r,         (uint8_t)(r >> 8),
                         (uint8_t)(r >> 16), (uint8_t)(r >> 24),
                         (uint8_t)(r >> 32), (uint8_t)(r >> 40),
                         (uint8_t)(r >> 48), (uint8_t)(r >> 56)};
        uint64_t secs = 0;
        kerr_t e = cmos_time_to_unix(&c, &secs);
        if (e == KERR_OK) {
            accepted++;
            out_of_range += secs >= 32503680000ull; /* 3000-01-01 */
        } else if (e != KERR_CORRUPT) {
            out_of_range++;
        }
    }
    CHECK_EQ(out_of_range, 0);
    CHECK(accepted > 0); /* the generator does reach valid times */
}
