/* mote x64: what is particular to long mode (the trap frame, the IDT);
 * the hardware code it shares with x32 is in platform/x86/x86.h. Not for
 * portable code. */
#ifndef MOTE_X64_H
#define MOTE_X64_H

#include <stdbool.h>
#include <stdint.h>
#include "x86.h"

/* Saved by trap.S, lowest address first. */
typedef struct x64_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
} x64_frame_t;

/* trap.c */
void x64_idt_init(void);
void x64_trap(x64_frame_t *f);

#endif
