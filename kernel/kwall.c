/* The wall clock: the platform's real-time clock, read once at boot and
 * advanced by the monotonic clock.
 *
 * One reading is kept as the Unix time at monotonic zero, so
 * ktime_wall() is an addition: it never goes backwards, never jumps, and
 * costs no device access. What it gives up is following the host: a
 * hosted kernel does not see the host's clock being stepped after it
 * started, and a VM's wall time drifts as its monotonic clock does. */
#include "kernel/kwall.h"
#include "kernel/platform.h"
#include "lib/kdate.h"
#include "mote/ktime.h"
#include "mote/printk.h"

/* Unix ns when platform_now_ns() was 0; 0: no wall clock. */
static uint64_t wall_at_zero;

__attribute__((weak)) uint64_t platform_wallclock_ns(void)
{
    return 0; /* the contract's default: no wall clock */
}

void kwall_init(void)
{
    uint64_t wall = platform_wallclock_ns(), now = platform_now_ns();
    wall_at_zero = wall > now ? wall - now : 0;
    if (!wall_at_zero) {
        printk(KLOG_INFO, "wall clock: none (ktime_wall: KERR_NO_DEVICE)");
        return;
    }
    kdate_t d;
    kdate_from_unix(wall / KTIME_S, &d);
    printk(KLOG_INFO, "wall clock: %04u-%02u-%02uT%02u:%02u:%02uZ",
           (unsigned)d.year, d.month, d.day, d.hour, d.min, d.sec);
}

void kwall_reset(void)
{
    wall_at_zero = 0;
}

kerr_t ktime_wall(uint64_t *ns)
{
    *ns = wall_at_zero ? wall_at_zero + platform_now_ns() : 0;
    return wall_at_zero ? KERR_OK : KERR_NO_DEVICE;
}

uint64_t ktime_wall_now(void)
{
    uint64_t ns;
    (void)ktime_wall(&ns);
    return ns;
}
