/* mote arm32: clock and wait, on the generic timer.
 *
 * The clock is the 64-bit virtual counter (CNTVCT, read with one mrrc so
 * the halves are consistent) at CNTFRQ Hz, converted to nanoseconds with
 * a 32.32 fixed-point multiplier; there is no 128-bit type on arm32, so
 * arm32_mul_shr32 (fixmul.h) forms the product from 32x32->64 multiplies.
 * Wake-ups use the virtual timer (CNTV_*), whose PPI the GIC forwards
 * (INTID 27 on virt).
 *
 * Why no interrupt is missed: IRQs stay masked (CPSR.I) at all times
 * except for one instruction window in platform_wait. WFI wakes on a
 * pending interrupt even while it is masked, so the sequence "arm timer,
 * wfi, unmask, mask" cannot sleep through an event that arrived after the
 * last platform_poll(): that event is still pending at the GIC and makes
 * wfi return at once. Handlers (gic_dispatch) therefore only ever run
 * inside that window, never in the middle of tick, which is also why the
 * vectors need not save VFP/NEON state (see the clobbers below).
 */
#include "kernel/platform.h"
#include "platform/arm32/arm32.h"
#include "platform/arm32/fixmul.h"
#include "platform/shared/gic.h"

#define CNTV_ENABLE 1u
#define CNTV_IMASK  2u
#define PSR_I       0x80u
/* A wait is cut at 2^42 ns (73 minutes) so (delta * tick_mult) stays in
 * range; platform_wait may return early. */
#define MAX_DELTA_NS (1ull << 42)

static uint64_t boot_ticks;
static uint64_t ns_mult;   /* ns = ticks * ns_mult >> 32, rounded down */
static uint64_t tick_mult; /* ticks = ns * tick_mult >> 32, rounded up */

static uint64_t ticks(void)
{
    ISB(); /* no earlier read of the counter by speculation */
    return CP15_READ64(1, c14); /* CNTVCT */
}

static uint64_t ticks_to_ns(uint64_t t)
{
    return arm32_mul_shr32(t - boot_ticks, ns_mult);
}

uint64_t platform_now_ns(void)
{
    if (!ns_mult)
        return 0; /* before arm32_timer_init (an early panic) */
    return ticks_to_ns(ticks());
}

/* A counter value at which platform_now_ns() >= (deadline_ns), counted
 * from now so the multiplier's rounding error stays small. */
static uint64_t deadline_ticks(uint64_t deadline_ns)
{
    uint64_t t = ticks(), now = ticks_to_ns(t);
    if (deadline_ns <= now)
        return t;
    uint64_t d = deadline_ns - now;
    if (d > MAX_DELTA_NS)
        d = MAX_DELTA_NS;
    return t + arm32_mul_shr32(d, tick_mult) + 1;
}

static void timer_irq(unsigned irq)
{
    (void)irq;
    CP15_WRITE(0, c14, c3, 1, CNTV_IMASK); /* level-triggered: silence it */
}

void arm32_timer_init(unsigned irq)
{
    uint64_t freq = CP15_READ(0, c14, c0, 0); /* CNTFRQ */
    if (!freq)
        freq = 62500000; /* unset by firmware: QEMU's rate */
    ns_mult = (1000000000ull << 32) / freq;
    tick_mult = (freq << 32) / 1000000000u + 1;
    boot_ticks = ticks();
    CP15_WRITE(0, c14, c3, 1, CNTV_IMASK);
    gic_enable(irq, false, timer_irq);
}

void platform_wait(uint64_t deadline_ns)
{
    if (deadline_ns != UINT64_MAX) {
        uint64_t cval = deadline_ticks(deadline_ns);
        CP15_WRITE64(3, c14, cval); /* CNTV_CVAL */
        CP15_WRITE(0, c14, c3, 1, CNTV_ENABLE);
    } else {
        CP15_WRITE(0, c14, c3, 1, CNTV_IMASK);
    }
    ISB();
    /* The vectors save every general register, but the handlers are C
     * functions called from here that may use any caller-saved VFP/NEON
     * register (d0-d7, d16-d31): declare them clobbered so nothing live
     * in them crosses the window. */
    __asm__ volatile("dsb sy\n wfi\n cpsie i\n isb\n cpsid i" ::
                         : "memory", "d0", "d1", "d2", "d3", "d4", "d5", "d6",
                           "d7", "d16", "d17", "d18", "d19", "d20", "d21",
                           "d22", "d23", "d24", "d25", "d26", "d27", "d28",
                           "d29", "d30", "d31");
}

unsigned long platform_irq_save(void)
{
    uint32_t cpsr;
    __asm__ volatile("mrs %0, cpsr\n cpsid i" : "=r"(cpsr)::"memory");
    return cpsr;
}

void platform_irq_restore(unsigned long flags)
{
    if (flags & PSR_I)
        __asm__ volatile("cpsid i" ::: "memory");
    else
        __asm__ volatile("cpsie i" ::: "memory");
}
