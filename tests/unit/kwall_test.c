/* The wall clock (kernel/kwall.c, ktime_wall in mote/ktime.h) and printk's
 * UTC prefix, on the fake platform's scripted RTC. */
#include <string.h>

#include "kernel/kwall.h"
#include "mote/ktime.h"
#include "mote/printk.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

#define WALL_AT_ZERO 1796684767123456789ull /* 2026-12-07T23:06:07.123456789Z  \
                                             */

TEST(no_rtc_is_no_device)
{
    uint64_t ns = 99;
    CHECK(ktime_wall(&ns) == KERR_NO_DEVICE); /* before kwall_init, too */
    CHECK_EQ(ns, 0);
    kwall_init(); /* fake_wall_ns is 0: no RTC */
    ns = 99;
    CHECK(ktime_wall(&ns) == KERR_NO_DEVICE);
    CHECK_EQ(ns, 0);
    CHECK_EQ(ktime_wall_now(), 0);
    CHECK(strstr(fake_console(), "wall clock: none"));
}

TEST(read_once_then_advanced_by_the_monotonic_clock)
{
    fake_wall_ns = WALL_AT_ZERO;
    fake_now = 5 * KTIME_S;
    kwall_init();
    CHECK(strstr(fake_console(), "wall clock: 2026-12-07T23:06:12Z"));
    uint64_t ns;
    CHECK(ktime_wall(&ns) == KERR_OK);
    CHECK_EQ(ns, WALL_AT_ZERO + 5 * KTIME_S);
    fake_wall_ns = 1; /* the RTC is not read again */
    fake_now += 90 * KTIME_S + 7;
    CHECK_EQ(ktime_wall_now(), WALL_AT_ZERO + 95 * KTIME_S + 7);
}

TEST(printk_prefix_is_utc_with_klog_wall)
{
    fake_wall_ns = WALL_AT_ZERO;
    fake_now = 2 * KTIME_S;
    kwall_init();
    printk(KLOG_WARN, "plain");
    CHECK(strstr(fake_console(), "[    2.000000] W: plain\n"));
    klog_wall = true;
    fake_now = 3 * KTIME_S + 500 * KTIME_US;
    printk(KLOG_INFO, "dated");
    /* 23:06:07.123456789 + 3.0005 s */
    CHECK(strstr(fake_console(), "[2026-12-07T23:06:10.123956Z] I: dated\n"));
}

TEST(klog_wall_without_a_clock_keeps_the_monotonic_prefix)
{
    klog_wall = true;
    kwall_init();
    fake_now = 4 * KTIME_S;
    printk(KLOG_INFO, "undated");
    CHECK(strstr(fake_console(), "[    4.000000] I: undated\n"));
}
