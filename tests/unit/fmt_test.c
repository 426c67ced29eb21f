/* ksnprintf against the C library's snprintf, and printk's line format. */
#include <stdio.h>
#include <string.h>

#include "mote/printk.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

#pragma clang diagnostic ignored "-Wformat-nonliteral"

#define SAME(...)                                                         \
    do {                                                                  \
        char ours_[128], libc_[128];                                      \
        int n1_ = ksnprintf(ours_, sizeof ours_, __VA_ARGS__);            \
        int n2_ = snprintf(libc_, sizeof libc_, __VA_ARGS__);             \
        if (n1_ != n2_ || strcmp(ours_, libc_)) {                         \
            printf("    %s: ours '%s' (%d), libc '%s' (%d)\n", #__VA_ARGS__, \
                   ours_, n1_, libc_, n2_);                               \
            test_failed = 1;                                              \
        }                                                                 \
    } while (0)

TEST(conversions_match_libc)
{
    SAME("%d %i %u", -42, 17, 3000000000u);
    SAME("%x %X %o %#x %#o", 0xbeefu, 0xbeefu, 8u, 255u, 8u);
    SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
    SAME("[%.3d] [%8.3d] [%-8.3x] [%.0d]", 7, 7, 7u, 0);
    SAME("%lld %llu %llx", -9223372036854775807LL - 1, 18446744073709551615ULL,
         0x123456789abcdefULL);
    SAME("%ld %lu %zu %zd", -5L, 5UL, (size_t)12345, (ptrdiff_t)-3);
    SAME("%hhd %hhu %hd %hu", (signed char)-3, (unsigned char)200, (short)-7000,
         (unsigned short)60000);
    SAME("[%s] [%10s] [%-10s] [%.2s] [%*s] [%-*s]", "abc", "abc", "abc",
         "abc", 6, "x", 6, "y");
    SAME("%c%c%c %%", 'm', 'o', 't');
    SAME("%*d|%-*d|%.*d", 5, 1, 5, 2, 4, 3);
    SAME("%p", (void *)0x1234);
}

TEST(random_integers_match_libc)
{
    static const char *fmts[] = {"%d", "%8d", "%-8d", "%08d", "%+d", "%.5d",
                                 "%x", "%#010x", "%u", "%12.4u", "%o"};
    for (int i = 0; i < 5000; i++) {
        int v = (int)test_rand();
        const char *f = fmts[test_rand() % (sizeof fmts / sizeof fmts[0])];
        char ours[64], libc[64];
        ksnprintf(ours, sizeof ours, f, v);
        snprintf(libc, sizeof libc, f, v);
        if (strcmp(ours, libc)) {
            printf("    fmt %s v %d: ours '%s' libc '%s'\n", f, v, ours, libc);
            test_failed = 1;
            return;
        }
    }
}

TEST(truncation_returns_full_length)
{
    char buf[8];
    CHECK_EQ(ksnprintf(buf, sizeof buf, "%s", "0123456789"), 10);
    CHECK(strcmp(buf, "0123456") == 0);
    CHECK_EQ(ksnprintf(buf, 1, "abc"), 3);
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(ksnprintf(NULL, 0, "%d", 12345), 5);
}

TEST(printk_line_format)
{
    fake_now = 3 * 1000000000ull + 1500000; /* 3.0015 s */
    printk(KLOG_WARN, "disk %s is %d%% full", "blk0", 93);
    CHECK(strstr(fake_console(), "[    3.001500] W: disk blk0 is 93% full\n"));
    klog_level = KLOG_INFO;
    printk(KLOG_DEBUG, "hidden");
    CHECK(!strstr(fake_console(), "hidden"));
    char longmsg[600];
    memset(longmsg, 'x', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = 0;
    printk(KLOG_INFO, "%s", longmsg);
    const char *c = fake_console();
    CHECK(c[strlen(c) - 1] == '\n'); /* cut, still one whole line */
}

TEST(panic_reports_file_and_line)
{
    CHECK(FAKE_PANICS(kpanic("bad thing %d", 7)));
    CHECK(strstr(fake_console(), "PANIC at tests/unit/fmt_test.c:"));
    CHECK(strstr(fake_console(), "bad thing 7"));
    CHECK(FAKE_PANICS(KASSERT(1 + 1 == 3)));
    CHECK(strstr(fake_console(), "assertion failed: 1 + 1 == 3"));
}
