/* printk and panic: formatted lines to the platform console. */
#include "kernel/platform.h"
#include "lib/kdate.h"
#include "lib/kstring.h"
#include "mote/ktime.h"
#include "mote/printk.h"

int klog_level = KLOG_INFO;
bool klog_wall;

void kputs(const char *s)
{
    platform_console_write(s, strlen(s));
}

void kconsole_write(const char *s, size_t n)
{
    platform_console_write(s, n);
}

/* "[    1.002003] W: " or, with klog_wall, "[2026-12-07T23:02:20.123456Z]
 * W: " into (buf); returns its length. */
static int prefix(char *buf, size_t size, int level)
{
    static const char tag[] = "EWID";
    uint64_t ns = platform_now_ns(), wall;
    if (klog_wall && ktime_wall(&wall) == KERR_OK) {
        kdate_t d;
        kdate_from_unix(wall / KTIME_S, &d);
        return ksnprintf(buf, size, "[%04u-%02u-%02uT%02u:%02u:%02u.%06uZ] %c: ",
                         (unsigned)d.year, d.month, d.day, d.hour, d.min, d.sec,
                         (unsigned)(wall % KTIME_S / KTIME_US), tag[level & 3]);
    }
    uint64_t s = ns / 1000000000u, us = ns % 1000000000u / 1000u;
    return ksnprintf(buf, size, "[%5llu.%06llu] %c: ", (unsigned long long)s,
                     (unsigned long long)us, tag[level & 3]);
}

static void vprintk(int level, const char *fmt, va_list ap)
{
    char buf[256];
    int n = prefix(buf, sizeof buf, level);
    n += kvsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    if (n > (int)sizeof buf - 2)
        n = (int)sizeof buf - 2; /* cut, but keep the newline */
    buf[n++] = '\n';
    platform_console_write(buf, (size_t)n);
}

void printk(int level, const char *fmt, ...)
{
    if (level > klog_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintk(level, fmt, ap);
    va_end(ap);
}

_Noreturn void kpanic_at(const char *file, int line, const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printk(KLOG_ERR, "PANIC at %s:%d: %s", file, line, buf);
    platform_panic_dump();
    platform_exit(0x7f);
}
