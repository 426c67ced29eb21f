/* mote riscv: clock, wait and interrupt masking, shared by rv64 and rv32.
 *
 * The clock is the arch's tick counter (riscv_clock_ticks: rdtime on rv64,
 * the CLINT's mtime on rv32) at the FDT's /cpus timebase-frequency,
 * converted to nanoseconds by timebase.c. Wake-ups
 * raise the timer interrupt of the kernel's mode (riscv_clock_set).
 *
 * Why no interrupt is missed: status.xIE stays clear at all times except
 * for one instruction window in platform_wait. WFI wakes on an interrupt
 * that is pending and enabled in xIE even while status.xIE masks it, so
 * "arm the timer, wfi, set xIE, clear xIE" cannot sleep through an event
 * that arrived after the last platform_poll(): the PLIC still holds it
 * pending and wfi returns at once. Handlers therefore run only inside that
 * window, never in the middle of tick, which is why the trap entry need
 * not save FP registers (see the clobbers below).
 */
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/riscv/riscv.h"
#include "platform/riscv/timebase.h"

static timebase_t tb;

uint64_t platform_now_ns(void)
{
    if (!tb.freq)
        return 0; /* before riscv_timer_init (an early panic) */
    return timebase_ns(&tb, riscv_clock_ticks());
}

void riscv_timer_init(const fdt_t *f)
{
    uint32_t hz = 0;
    int cpus = fdt_path(f, "/cpus");
    if (fdt_prop_u32(f, riscv_cpu_node(f), "timebase-frequency", 0, &hz) &&
        fdt_prop_u32(f, cpus, "timebase-frequency", 0, &hz))
        kpanic("no timebase-frequency in /cpus");
    if (hz == 0 || hz > 1000000000u)
        kpanic("timebase-frequency %u Hz unusable", hz);
    riscv_clock_init(f);
    timebase_init(&tb, hz, riscv_clock_ticks());
}

/* The timer interrupt (trap context): stop it from firing again until
 * platform_wait arms a new deadline. */
void riscv_timer_irq(void) { csr_clear(CSR_IE, 1ul << IRQ_TIMER); }

void platform_wait(uint64_t deadline_ns)
{
    if (deadline_ns != UINT64_MAX) {
        riscv_clock_set(timebase_ticks(&tb, deadline_ns));
        csr_set(CSR_IE, 1ul << IRQ_TIMER);
    } else {
        csr_clear(CSR_IE, 1ul << IRQ_TIMER);
    }
    /* The trap saves every integer register, but the handlers are C
     * functions called from here that may use any caller-saved FP
     * register: declare those clobbered so nothing live in them crosses
     * the window. */
    __asm__ volatile("wfi\n csrsi " RISCV_STR(CSR_STATUS) ", %0\n"
                     " csrci " RISCV_STR(CSR_STATUS) ", %0"
                     ::"i"(STATUS_IE)
                     : "memory", "ft0", "ft1", "ft2", "ft3", "ft4", "ft5",
                       "ft6", "ft7", "ft8", "ft9", "ft10", "ft11", "fa0",
                       "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7");
}

unsigned long platform_irq_save(void)
{
    unsigned long s;
    __asm__ volatile("csrrci %0, " RISCV_STR(CSR_STATUS) ", %1"
                     : "=r"(s) : "i"(STATUS_IE) : "memory");
    return s & STATUS_IE;
}

void platform_irq_restore(unsigned long flags)
{
    if (flags & STATUS_IE)
        csr_set(CSR_STATUS, STATUS_IE);
}
