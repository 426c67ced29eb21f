/* mote riscv: traps. The timer and external (PLIC) interrupts of the
 * kernel's mode are the only ones enabled; every exception is a bug or a
 * fault: report the cause and the registers through kpanic. */
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/riscv/plic.h"
#include "platform/riscv/riscv.h"

static const riscv_frame_t *fault_frame; /* for platform_panic_dump */

/* Exception codes of the privileged spec, table 3.6. */
static const char *const causes[16] = {
    "instruction address misaligned", "instruction access fault",
    "illegal instruction", "breakpoint", "load address misaligned",
    "load access fault", "store/AMO address misaligned",
    "store/AMO access fault", "ecall from U-mode", "ecall from S-mode",
    "reserved", "ecall from M-mode", "instruction page fault",
    "load page fault", "reserved", "store/AMO page fault",
};

void riscv_trap(riscv_frame_t *frame)
{
    unsigned long code = frame->cause & ~CAUSE_IRQ;
    if (frame->cause & CAUSE_IRQ) {
        if (code == IRQ_EXT) {
            plic_dispatch();
            return;
        }
        if (code == IRQ_TIMER) {
            riscv_timer_irq();
            return;
        }
    }
    fault_frame = frame;
    kpanic("%s-mode %s %lu: %s; epc %#lx tval %#lx",
           RISCV_MODE_NAME, frame->cause & CAUSE_IRQ ? "interrupt" : "exception",
           code, (frame->cause & CAUSE_IRQ) || code >= 16 ? "unexpected" : causes[code],
           frame->epc, frame->tval);
}

/* ABI names of x0..x31, for the register dump. */
static const char names[32][5] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
    "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6",
    "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

void platform_panic_dump(void)
{
    const riscv_frame_t *f = fault_frame;
    if (!f)
        return;
    fault_frame = NULL; /* a fault while dumping must not loop */
    int w = (int)sizeof(unsigned long) * 2;
    for (int i = 1; i < 32; i += 4) {
        int n = i == 29 ? 3 : 4;
        char line[120];
        size_t at = 0;
        for (int j = 0; j < n; j++)
            at += (size_t)ksnprintf(line + at, sizeof line - at, "%-4s %0*lx%s",
                                    names[i + j], w, f->x[i + j], j + 1 < n ? "  " : "");
        printk(KLOG_ERR, "%s", line);
    }
    printk(KLOG_ERR, "epc  %0*lx  status %0*lx  cause %0*lx  tval %0*lx", w,
           f->epc, w, f->status, w, f->cause, w, f->tval);
}
