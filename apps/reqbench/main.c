/* The native twin of bench/sandbox/hostcall.c: zero-delay timer requests,
 * one in flight, resubmitted from each completion for one second. */
#include "mote/mote.h"

static ktimer_t t;
static uint64_t t_start;
static unsigned long done;

static void fired(kwork_t *w)
{
    (void)w;
    done++;
    uint64_t now = ktime_now();
    if (now - t_start >= KTIME_S) {
        printk(KLOG_INFO, "requests_per_s=%lu", (unsigned long)(done * KTIME_S / (now - t_start)));
        kshutdown(0);
        return;
    }
    ktimer_start(&t, 0);
}

void app_main(void)
{
    ktimer_init(&t, fired, NULL);
    t_start = ktime_now();
    ktimer_start(&t, 0);
}
