/* mote x86: the wall clock from the CMOS RTC (MC146818 at ports 0x70/0x71).
 *
 * The RTC updates its registers once a second, and a read during the
 * update can mix two seconds (59 -> 00 with the minute not yet bumped).
 * Status A's UIP bit is set from 244 us before an update until it ends,
 * so: wait for UIP clear, read every register, and repeat until two reads
 * in a row agree. A machine without the RTC (microvm with rtc=off) reads
 * 0xff everywhere: UIP never clears and we give up after WAIT_NS.
 * QEMU keeps UTC in it (-rtc base=utc, the default). */
#include "arch_io.h"
#include "cmos_time.h"
#include "kernel/platform.h"
#include "mote/ktime.h"
#include "mote/printk.h"
#include "x86.h"

#define WAIT_NS (20 * KTIME_MS) /* an update takes at most ~2 ms */

uint8_t x86_cmos_read(uint8_t reg)
{
    outb(0x70, reg); /* bit 7 clear: NMIs stay enabled */
    return inb(0x71);
}

static bool uip_clear(uint64_t end)
{
    while (x86_cmos_read(CMOS_STATUS_A) & CMOS_A_UIP)
        if (platform_now_ns() > end)
            return false;
    return true;
}

static void read_time(cmos_time_t *t)
{
    t->sec = x86_cmos_read(CMOS_SEC);
    t->min = x86_cmos_read(CMOS_MIN);
    t->hour = x86_cmos_read(CMOS_HOUR);
    t->day = x86_cmos_read(CMOS_DAY);
    t->month = x86_cmos_read(CMOS_MONTH);
    t->year = x86_cmos_read(CMOS_YEAR);
    t->century = x86_cmos_read(CMOS_CENTURY);
    t->status_b = x86_cmos_read(CMOS_STATUS_B);
}

static bool same(const cmos_time_t *a, const cmos_time_t *b)
{
    return a->sec == b->sec && a->min == b->min && a->hour == b->hour &&
           a->day == b->day && a->month == b->month && a->year == b->year &&
           a->century == b->century && a->status_b == b->status_b;
}

uint64_t platform_wallclock_ns(void)
{
    uint64_t end = platform_now_ns() + WAIT_NS, secs;
    cmos_time_t t, prev;
    bool stable = false;
    if (x86_cmos_read(CMOS_STATUS_A) != 0xff && uip_clear(end)) {
        read_time(&t);
        do {
            prev = t;
            if (!uip_clear(end))
                break;
            read_time(&t);
            stable = same(&t, &prev);
        } while (!stable && platform_now_ns() <= end);
    }
    if (!stable) {
        printk(KLOG_INFO, "x86: no CMOS RTC");
        return 0;
    }
    if (!(x86_cmos_read(CMOS_STATUS_D) & 0x80) ||
        cmos_time_to_unix(&t, &secs)) {
        printk(KLOG_WARN, "x86: CMOS RTC holds no valid time");
        return 0;
    }
    return secs * KTIME_S;
}
