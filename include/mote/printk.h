/* mote: console output, panic and assertions.
 *
 * printk formats into a fixed buffer (no allocation) and writes one line to
 * the platform's debug console, prefixed by the monotonic time in seconds
 * and the level: "[    1.002003] W: disk is read-only". With klog_wall set
 * (boot argument printk_wall=1) and a wall clock known (mote/ktime.h) the
 * prefix is the UTC date and time instead:
 * "[2026-12-07T23:02:20.123456Z] W: disk is read-only". Lines at a level
 * above klog_level are dropped. The format language is a C subset:
 * %d %i %u %x %X %o %c %s %p %% with flags "-0+ ", width, precision, `*`,
 * and the length modifiers hh h l ll z j t. No floating point.
 *
 * kpanic prints "PANIC at file:line: message" with the platform's register
 * state where it has one, then halts (bare metal) or aborts (hosted).
 */
#ifndef MOTE_PRINTK_H
#define MOTE_PRINTK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum { KLOG_ERR = 0, KLOG_WARN, KLOG_INFO, KLOG_DEBUG };
extern int klog_level; /* default KLOG_INFO */
extern bool klog_wall; /* UTC prefix; default false, printk_wall=1 sets it */

#if defined(__GNUC__)
#define KPRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KPRINTF(f, a)
#endif

void printk(int level, const char *fmt, ...) KPRINTF(2, 3);

/* Raw text to the console, no prefix or newline. */
void kputs(const char *s);
void kconsole_write(const char *s, size_t n);

/* Format into (buf) of (size) bytes, always NUL-terminated when size > 0.
 * Returns the length the full output would have had, like C's snprintf. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) KPRINTF(3, 4);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

_Noreturn void kpanic_at(const char *file, int line, const char *fmt, ...)
    KPRINTF(3, 4);
#define kpanic(...) kpanic_at(__FILE__, __LINE__, __VA_ARGS__)
#define KASSERT(cond) \
    ((cond) ? (void)0 : kpanic_at(__FILE__, __LINE__, "assertion failed: %s", #cond))

#endif
