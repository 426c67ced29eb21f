/* mote arm32: exceptions. IRQs go to the GIC; anything else is a bug or a
 * fault: report the fault status and address registers and the general
 * registers through kpanic. */
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/arm32/arm32.h"
#include "platform/shared/gic.h"

#define PSR_T (1u << 5)

static const arm32_frame_t *fault_frame; /* for platform_panic_dump */

static const char *const kinds[8] = {
    "reset",      "undefined instruction",
    "svc",        "prefetch abort",
    "data abort", "hyp trap",
    "irq",        "fiq",
};

/* Fault status (fsr) of the short-descriptor format, FS[10,3:0]. */
static const char *fs_name(uint32_t fsr)
{
    switch ((fsr & 0xf) | (fsr >> 6 & 0x10)) {
    case 0x01: return "alignment fault";
    case 0x02: return "debug event";
    case 0x05: return "translation fault (section)";
    case 0x07: return "translation fault (page)";
    case 0x08: return "synchronous external abort";
    case 0x09: return "domain fault (section)";
    case 0x0d: return "permission fault (section)";
    case 0x0f: return "permission fault (page)";
    case 0x16: return "asynchronous external abort";
    default: return "other";
    }
}

static _Noreturn void report(const arm32_frame_t *f, uint32_t kind)
{
    fault_frame = f;
    if (kind == ARM32_DABT) {
        uint32_t dfsr = CP15_READ(0, c5, c0, 0), dfar = CP15_READ(0, c6, c0, 0);
        kpanic("exception data abort: %s (%s) DFSR %#x DFAR %#x PC %#x",
               fs_name(dfsr), dfsr & (1u << 11) ? "write" : "read",
               (unsigned)dfsr, (unsigned)dfar, (unsigned)f->pc);
    }
    if (kind == ARM32_PABT) {
        uint32_t ifsr = CP15_READ(0, c5, c0, 1), ifar = CP15_READ(0, c6, c0, 2);
        kpanic("exception prefetch abort: %s IFSR %#x IFAR %#x PC %#x",
               fs_name(ifsr), (unsigned)ifsr, (unsigned)ifar, (unsigned)f->pc);
    }
    kpanic("exception %s at PC %#x (%s state)", kinds[kind & 7],
           (unsigned)f->pc, f->cpsr & PSR_T ? "T32" : "A32");
}

void arm32_trap(arm32_frame_t *frame, uint32_t kind)
{
    if (kind == ARM32_IRQ) { /* the only exception we expect */
        gic_dispatch();
        return;
    }
    /* vectors.S assumed A32 (lr = insn + 4); a T32 instruction is 2 back. */
    if (kind == ARM32_UND && (frame->cpsr & PSR_T))
        frame->pc += 2;
    if (kind == ARM32_UND && arm32_semihost_trap(frame))
        return;
    report(frame, kind);
}

extern char __stack_top[];

/* Return addresses along the r7 frame-pointer chain clang keeps in T32
 * code (frame record {r7, lr}), while it stays inside the boot stack. */
static void backtrace(uint32_t fp)
{
    uint32_t top = (uint32_t)(uintptr_t)__stack_top;
    for (int i = 0;
         i < 12 && fp % 4 == 0 && fp >= top - 0x10000 && fp < top - 8; i++) {
        const uint32_t *rec = (const uint32_t *)(uintptr_t)fp;
        printk(KLOG_ERR, "  called from %08x", (unsigned)(rec[1] & ~1u));
        if (rec[0] <= fp)
            break; /* the chain must go up the stack */
        fp = rec[0];
    }
}

void platform_panic_dump(void)
{
    const arm32_frame_t *f = fault_frame;
    if (!f)
        return;
    fault_frame = NULL; /* a fault while dumping must not loop */
    for (int i = 0; i < 12; i += 4)
        printk(KLOG_ERR, "r%-2d %08x  r%-2d %08x  r%-2d %08x  r%-2d %08x", i,
               (unsigned)f->r[i], i + 1, (unsigned)f->r[i + 1], i + 2,
               (unsigned)f->r[i + 2], i + 3, (unsigned)f->r[i + 3]);
    printk(KLOG_ERR, "r12 %08x  sp  %08x  lr  %08x  pc  %08x",
           (unsigned)f->r[12], (unsigned)(uintptr_t)(f + 1), (unsigned)f->lr,
           (unsigned)f->pc);
    printk(KLOG_ERR, "spsr %08x", (unsigned)f->cpsr);
    backtrace(f->r[7]);
}
