/* mote arm64: exceptions. IRQs go to the GIC; anything else is a bug or a
 * fault: report the syndrome and the registers through kpanic. */
#include "kernel/platform.h"
#include "mote/printk.h"
#include "platform/arm64/arm64.h"
#include "platform/shared/gic.h"

static const arm64_frame_t *fault_frame; /* for platform_panic_dump */

static const char *const kinds[16] = {
    "sync (SP0)", "irq (SP0)", "fiq (SP0)", "serror (SP0)",
    "sync", "irq", "fiq", "serror",
    "sync (EL0)", "irq (EL0)", "fiq (EL0)", "serror (EL0)",
    "sync (EL0/32)", "irq (EL0/32)", "fiq (EL0/32)", "serror (EL0/32)",
};

/* Name of exception class (ec), ESR_EL1[31:26]. */
static const char *ec_name(unsigned ec)
{
    switch (ec) {
    case 0x00: return "unknown/undefined instruction";
    case 0x01: return "wfi/wfe trapped";
    case 0x07: return "FP/SIMD access trapped";
    case 0x0e: return "illegal execution state";
    case 0x15: return "svc";
    case 0x16: return "hvc";
    case 0x17: return "smc";
    case 0x18: return "system register access";
    case 0x20: case 0x21: return "instruction abort";
    case 0x22: return "PC alignment fault";
    case 0x24: case 0x25: return "data abort";
    case 0x26: return "SP alignment fault";
    case 0x2c: return "FP exception";
    case 0x2f: return "SError";
    case 0x3c: return "brk";
    default: return "other";
    }
}

void arm64_trap(arm64_frame_t *frame, uint64_t kind)
{
    if (kind == 5) { /* IRQ at EL1h: the only interrupt we take */
        gic_dispatch();
        return;
    }
    if (kind == 4 && arm64_semihost_trap(frame))
        return;
    fault_frame = frame;
    unsigned ec = (unsigned)(frame->esr >> 26) & 0x3f;
    kpanic("exception %s: %s (EC %#x) ESR %#llx FAR %#llx ELR %#llx",
           kinds[kind & 15], ec_name(ec), ec,
           (unsigned long long)frame->esr, (unsigned long long)frame->far,
           (unsigned long long)frame->elr);
}

void platform_panic_dump(void)
{
    const arm64_frame_t *f = fault_frame;
    if (!f)
        return;
    fault_frame = NULL; /* a fault while dumping must not loop */
    for (int i = 0; i < 31; i += 2) {
        if (i == 30)
            printk(KLOG_ERR, "x30 %016llx  sp  %016llx",
                   (unsigned long long)f->x[30], (unsigned long long)f->sp);
        else
            printk(KLOG_ERR, "x%-2d %016llx  x%-2d %016llx", i,
                   (unsigned long long)f->x[i], i + 1,
                   (unsigned long long)f->x[i + 1]);
    }
    printk(KLOG_ERR, "elr %016llx  spsr %08llx  esr %08llx  far %016llx",
           (unsigned long long)f->elr, (unsigned long long)f->spsr,
           (unsigned long long)f->esr, (unsigned long long)f->far);
}
