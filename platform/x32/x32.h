/* mote x32: i386 protected mode; the platform's own interfaces. Shared x86
 * pieces are in platform/x86/x86.h. Not for portable code. */
#ifndef MOTE_X32_H
#define MOTE_X32_H

#include <stdint.h>

/* Saved by trap.S, lowest address first (pusha order, then the stub's
 * vector and error code, then what the CPU pushed). */
typedef struct x32_frame {
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
} x32_frame_t;

void x32_idt_init(void);
void x32_trap(x32_frame_t *f);

#endif
