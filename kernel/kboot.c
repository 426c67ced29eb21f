/* The boot trace; see kboot.h. */
#include "kernel/kboot.h"
#include "kernel/platform.h"
#include "mote/kapp.h"
#include "mote/printk.h"

#define MAX_MARKS 8

typedef struct {
    int on;               /* -1: not yet read from the boot arguments */
    unsigned n, pending;  /* marks taken; phases still expected */
    int printed;
    const char *name[MAX_MARKS];
    uint64_t at[MAX_MARKS];
} kboot_t;

static kboot_t kb = {.on = -1, .pending = 1}; /* 1: kstart's own kboot_done */

void kboot_reset(void)
{
    kb = (kboot_t){.on = -1, .pending = 1};
}

static int on(void)
{
    if (kb.on < 0)
        kb.on = kargs_get_ulong("boot_trace", 0) != 0;
    return kb.on;
}

void kboot_expect(void)
{
    kb.pending++;
}

void kboot_mark(const char *name)
{
    if (!on() || kb.n == MAX_MARKS || kb.printed)
        return;
    kb.name[kb.n] = name;
    kb.at[kb.n++] = platform_now_ns();
}

void kboot_done(void)
{
    if (kb.pending)
        kb.pending--;
    if (kb.pending || !on() || kb.printed)
        return;
    kb.printed = 1;
    char line[256];
    size_t len = 0;
    uint64_t prev = 0;
    for (unsigned i = 0; i < kb.n; i++) {
        uint64_t d = kb.at[i] - prev;
        prev = kb.at[i];
        len += ksnprintf(line + len, sizeof line - len, "%s%s %llu.%03llu ms",
                         i ? ", " : "", kb.name[i], (unsigned long long)(d / 1000000),
                         (unsigned long long)(d / 1000 % 1000));
        if (len >= sizeof line)
            break;
    }
    printk(KLOG_INFO, "boot: %s; ready at %llu.%03llu ms", line,
           (unsigned long long)(prev / 1000000), (unsigned long long)(prev / 1000 % 1000));
}
