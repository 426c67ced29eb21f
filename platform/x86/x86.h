/* mote x86: what x64 and x32 share (COM1, LAPIC/IOAPIC, TSC + LAPIC timer,
 * device discovery, memory sizing, exit), and what each of them supplies
 * to it. Not for portable code. */
#ifndef MOTE_X86_H
#define MOTE_X86_H

#include <stdbool.h>
#include <stdint.h>

/* Interrupt vectors: line n (an IOAPIC GSI or an MSI line) is vector
 * X86_VEC_LINE0 + n. */
enum {
    X86_VEC_TIMER = 0x20,
    X86_VEC_LINE0 = 0x30,
    X86_NLINES = 0x50,          /* lines 0..79 -> vectors 0x30..0x7f */
    X86_MSI_LINE0 = 0x40,       /* MSI lines are 64.. (above any GSI) */
    X86_VEC_SPURIOUS = 0xff,
};

/* console.c: COM1 */
void x86_serial_init(void);

/* apic.c */
void x86_lapic_init(void);
void x86_lapic_eoi(void);
void x86_lapic_write(unsigned reg, uint32_t v);
uint32_t x86_lapic_read(unsigned reg);
/* Route GSI (gsi) to line (gsi), level-triggered active-high if (level). */
bool x86_ioapic_route(unsigned gsi, bool level);
/* GSIs served by all IOAPICs together (24, or 48 with microvm's ioapic2). */
unsigned x86_ioapic_gsis(void);

/* timer.c: TSC clock and LAPIC one-shot wake-up */
void x86_timer_init(void);

/* irq.c: what every vector above the exceptions does (line -> virtio,
 * EOI); exceptions go to the arch's fault reporter. Returns normally. */
void x86_interrupt(unsigned vector);
const char *x86_exception_name(unsigned vector);

/* devices.c */
void x86_devices_init(const char *cmdline);

/* rtc.c: CMOS register (reg) (also the wall clock, platform_wallclock_ns) */
uint8_t x86_cmos_read(uint8_t reg);

/* memory.c: hand [base, end) to kmem minus low memory and the kernel
 * image; size RAM from CMOS when the loader gave no map. */
void x86_add_ram(uint64_t base, uint64_t end);
void x86_cmos_ram(void);
extern uint64_t x86_ram_top;

/* Supplied by each arch: identity-map [base, base+size) uncached (x64
 * maps past 4 GiB on demand; x32 runs with paging off and can reach
 * anything below 4 GiB only); the highest address early boot mapped. */
bool x86_map_uc(uint64_t base, uint64_t size);
#define X86_MAP_LIMIT (4ull << 30)

static inline uint64_t x86_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif
