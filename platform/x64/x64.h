/* mote x64: the platform's internal interfaces (one line each here, the
 * details beside each .c). Not for portable code. */
#ifndef MOTE_X64_H
#define MOTE_X64_H

#include <stdbool.h>
#include <stdint.h>

/* Saved by trap.S, lowest address first. */
typedef struct x64_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
} x64_frame_t;

/* Interrupt vectors: line n (an IOAPIC GSI or an MSI line) is vector
 * X64_VEC_LINE0 + n. */
enum {
    X64_VEC_TIMER = 0x20,
    X64_VEC_LINE0 = 0x30,
    X64_NLINES = 0x50,          /* lines 0..79 -> vectors 0x30..0x7f */
    X64_MSI_LINE0 = 0x40,       /* MSI lines are 64.. (above any GSI) */
    X64_VEC_SPURIOUS = 0xff,
};

/* console.c: COM1 */
void x64_serial_init(void);

/* trap.c */
void x64_idt_init(void);
void x64_trap(x64_frame_t *f);

/* timer.c: TSC clock and LAPIC one-shot wake-up */
void x64_timer_init(void);

/* apic.c */
void x64_lapic_init(void);
void x64_lapic_eoi(void);
void x64_lapic_write(unsigned reg, uint32_t v);
uint32_t x64_lapic_read(unsigned reg);
/* Route GSI (gsi) to line (gsi), level-triggered active-high if (level). */
bool x64_ioapic_route(unsigned gsi, bool level);
/* GSIs served by all IOAPICs together (24, or 48 with microvm's ioapic2). */
unsigned x64_ioapic_gsis(void);

/* mmu.c: identity-map [base, base+size) uncached; false if it cannot. */
bool x64_map_uc(uint64_t base, uint64_t size);

/* devices.c */
void x64_devices_init(const char *cmdline);

/* start.c */
extern uint64_t x64_ram_top;

static inline uint64_t x64_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t x64_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif
