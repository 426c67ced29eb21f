/* mote x86: interrupt dispatch shared by x64 and x32. Each arch's trap
 * entry saves its own frame, reports exceptions itself (the registers
 * differ), and sends every other vector here. */
#include "drivers/virtio/virtio.h"
#include "x86.h"

static const char *const exc_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coproc overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection",
    "page fault", "reserved", "x87 FP error", "alignment check",
    "machine check", "SIMD FP error", "virtualization", "control protection",
};

const char *x86_exception_name(unsigned vector)
{
    return vector < 32 && exc_names[vector] ? exc_names[vector] : "reserved";
}

void x86_interrupt(unsigned v)
{
    if (v == X86_VEC_SPURIOUS)
        return; /* no EOI for spurious interrupts */
    if (v >= X86_VEC_LINE0 && v < X86_VEC_LINE0 + X86_NLINES)
        virtio_irq(v - X86_VEC_LINE0);
    /* The timer only has to wake the hlt: nothing to record. */
    x86_lapic_eoi();
}
