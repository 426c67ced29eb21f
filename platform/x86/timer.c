/* mote x86: the clock (TSC) and wake-ups (LAPIC timer, one-shot).
 *
 * Both rates are measured once at boot against the 8254 PIT, whose input
 * is 1.193182 MHz on every PC QEMU emulates (microvm and q35, TCG and
 * KVM). Channel 0 runs as a free 16-bit down-counter that we poll, so no
 * PIT interrupt and no speaker-port gate are needed. Converting ticks to
 * nanoseconds uses a 32.32 fixed-point multiplier. */
#include "arch_io.h"
#include "kernel/platform.h"
#include "mote/ktime.h"
#include "mote/printk.h"
#include "x86.h"

#define PIT_HZ 1193182u
/* 5 ms: both ends are aligned to a PIT count edge, so the error is the
 * read latency (well under a 0.84 us tick even under TCG) over 5966
 * ticks, about 0.02%. It was 20 ms, a third of the whole boot under TCG
 * (boot_trace=1). */
#define PIT_CAL_TICKS (PIT_HZ / 200)
#define PIT_CAL_PER_S 200
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_INIT 0x380
#define LAPIC_CUR 0x390
#define LAPIC_DIV 0x3e0

static uint64_t tsc_boot;
static uint64_t ns_per_tsc;    /* 32.32 fixed point; 0 until calibrated */
static uint64_t lapic_hz;

static uint16_t pit_read(void)
{
    outb(0x43, 0x00); /* latch channel 0 */
    uint8_t lo = inb(0x40);
    return (uint16_t)(lo | (inb(0x40) << 8));
}

/* Poll the PIT for PIT_CAL_TICKS; return false if it does not count. */
static bool pit_measure(uint64_t *tsc, uint32_t *lapic)
{
    outb(0x43, 0x34); /* channel 0, lo/hi, mode 2, binary */
    outb(0x40, 0);
    outb(0x40, 0);    /* count 65536 */
    uint16_t prev = pit_read(), cur;
    for (uint32_t spins = 0; (cur = pit_read()) == prev; spins++)
        if (spins > 5000000)
            return false; /* start on an edge: no partial first tick */
    prev = cur;
    uint64_t t0 = x86_rdtsc();
    uint32_t l0 = x86_lapic_read(LAPIC_CUR);
    uint32_t elapsed = 0;
    for (uint32_t spins = 0; elapsed < PIT_CAL_TICKS; spins++) {
        cur = pit_read();
        elapsed += (uint16_t)(prev - cur);
        prev = cur;
        if (spins > 5000000 && elapsed == 0)
            return false;
    }
    *tsc = x86_rdtsc() - t0;
    *lapic = l0 - x86_lapic_read(LAPIC_CUR);
    *tsc = *tsc * PIT_CAL_TICKS / elapsed;
    *lapic = (uint32_t)((uint64_t)*lapic * PIT_CAL_TICKS / elapsed);
    return true;
}

void x86_timer_init(void)
{
    x86_lapic_write(LAPIC_DIV, 0xb);          /* divide by 1 */
    x86_lapic_write(LAPIC_LVT_TIMER, 1u << 16); /* masked while we measure */
    x86_lapic_write(LAPIC_INIT, 0xffffffffu);
    uint64_t tsc;
    uint32_t lapic;
    if (!pit_measure(&tsc, &lapic)) {
        printk(KLOG_WARN, "x86: PIT does not count; assuming 1 GHz TSC and LAPIC");
        tsc = lapic = 1000000000u / PIT_CAL_PER_S;
    }
    x86_lapic_write(LAPIC_INIT, 0);
    uint64_t tsc_hz = tsc * PIT_CAL_PER_S;
    lapic_hz = (uint64_t)lapic * PIT_CAL_PER_S;
    ns_per_tsc = (1000000000ull << 32) / tsc_hz;
    x86_lapic_write(LAPIC_LVT_TIMER, X86_VEC_TIMER); /* one-shot */
    printk(KLOG_INFO, "x86: TSC %lu kHz, LAPIC timer %lu kHz",
           (unsigned long)(tsc_hz / 1000), (unsigned long)(lapic_hz / 1000));
}

uint64_t platform_now_ns(void)
{
    if (!tsc_boot)
        tsc_boot = x86_rdtsc();
    /* ticks * ns_per_tsc >> 32 without a 128-bit type (x32 has none):
     * split both factors into 32-bit halves. ns_per_tsc < 2^34 for any TSC
     * above 250 MHz, so no partial product overflows before 2^61 ticks
     * (decades). */
    uint64_t t = x86_rdtsc() - tsc_boot;
    uint64_t hi = t >> 32, lo = t & 0xffffffffu;
    return hi * ns_per_tsc + ((lo * (ns_per_tsc & 0xffffffffu)) >> 32) +
           lo * (ns_per_tsc >> 32);
}

void platform_wait(uint64_t deadline_ns)
{
    uint64_t now = platform_now_ns();
    if (deadline_ns <= now)
        return;
    uint32_t count = 0; /* 0 disarms: sleep until a device interrupt */
    if (deadline_ns != UINT64_MAX) {
        /* Sleep at most 1 s at a time (an early return is allowed), which
         * keeps ns * Hz within 64 bits. */
        uint64_t d = deadline_ns - now;
        uint64_t t = (d > KTIME_S ? KTIME_S : d) * lapic_hz / KTIME_S;
        count = t > 0xffffffffu ? 0xffffffffu : t ? (uint32_t)t : 1;
    }
    x86_lapic_write(LAPIC_INIT, count);
    /* Interrupts are off everywhere else, so an event since the last poll
     * is still pending and ends the hlt at once: sti's one-instruction
     * shadow makes the pair atomic. */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}
