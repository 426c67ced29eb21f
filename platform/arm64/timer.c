/* mote arm64: clock and wait, on the generic timer.
 *
 * The clock is the virtual counter (CNTVCT_EL0) at CNTFRQ_EL0 Hz, converted
 * to nanoseconds with a 32.32 fixed-point multiplier. Wake-ups use the
 * virtual timer (CNTV_*), whose PPI the GIC forwards (INTID 27 on virt).
 *
 * Why no interrupt is missed: IRQs stay masked (PSTATE.I) at all times
 * except for one instruction window in platform_wait. WFI wakes on a
 * pending interrupt even while it is masked, so the sequence "arm timer,
 * wfi, unmask, mask" cannot sleep through an event that arrived after the
 * last platform_poll(): that event is still pending at the GIC and makes
 * wfi return at once. Handlers (gic_dispatch) therefore only ever run
 * inside that window, never in the middle of tick, which is also why the
 * vectors need not save FP/SIMD state (see the clobbers below).
 */
#include "kernel/platform.h"
#include "platform/arm64/arm64.h"
#include "platform/shared/gic.h"

__extension__ typedef unsigned __int128 u128;

#define CNTV_ENABLE 1u
#define CNTV_IMASK 2u

static uint64_t boot_ticks, freq, ns_mult; /* ns = ticks * ns_mult >> 32 */

static uint64_t ticks(void)
{
    ISB(); /* no earlier read of the counter by speculation */
    return SYSREG_READ(cntvct_el0);
}

uint64_t platform_now_ns(void)
{
    if (!ns_mult)
        return 0; /* before arm64_timer_init (an early panic) */
    return (uint64_t)((u128)(ticks() - boot_ticks) * ns_mult >> 32);
}

/* The counter value at which platform_now_ns() reaches (ns), rounded up
 * (one tick more: ns_mult is rounded down). 64-bit arithmetic only: a
 * 128-bit division would need a libgcc helper. */
static uint64_t ns_to_ticks(uint64_t ns)
{
    uint64_t s = ns / 1000000000u, rem = ns % 1000000000u;
    uint64_t t = s * freq + (rem * freq + 999999999u) / 1000000000u + 1;
    return t > UINT64_MAX - boot_ticks ? UINT64_MAX : boot_ticks + t;
}

static void timer_irq(unsigned irq)
{
    (void)irq;
    SYSREG_WRITE(cntv_ctl_el0, CNTV_IMASK); /* level-triggered: silence it */
}

void arm64_timer_init(unsigned irq)
{
    freq = SYSREG_READ(cntfrq_el0);
    ns_mult = (1000000000ull << 32) / freq; /* freq > 1 Hz: no overflow */
    boot_ticks = ticks();
    SYSREG_WRITE(cntv_ctl_el0, CNTV_IMASK);
    gic_enable(irq, false, timer_irq);
}

void platform_wait(uint64_t deadline_ns)
{
    if (deadline_ns != UINT64_MAX) {
        SYSREG_WRITE(cntv_cval_el0, ns_to_ticks(deadline_ns));
        SYSREG_WRITE(cntv_ctl_el0, CNTV_ENABLE);
    } else {
        SYSREG_WRITE(cntv_ctl_el0, CNTV_IMASK);
    }
    ISB();
    /* The vectors save every general register, but the handlers are C
     * functions called from here that may use any vector register (only
     * the low halves of v8-v15 are preserved by the ABI): declare them all
     * clobbered so nothing live in them crosses the window. */
    __asm__ volatile("dsb sy\n wfi\n msr daifclr, #2\n isb\n msr daifset, #2"
                     ::: "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6",
                     "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14",
                     "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
                     "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30",
                     "v31");
}

unsigned long platform_irq_save(void)
{
    unsigned long daif = SYSREG_READ(daif);
    __asm__ volatile("msr daifset, #2" ::: "memory");
    return daif;
}

void platform_irq_restore(unsigned long flags)
{
    SYSREG_WRITE(daif, flags);
}
