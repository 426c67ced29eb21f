/* mote riscv: what the files of rv64 and rv32 share (internal header).
 *
 * platform/riscv holds everything the two arches have in common; the arch
 * directories add only their privilege level (riscv_priv.h: S-mode under
 * OpenSBI for rv64, M-mode for rv32), their timer hardware (SBI/Sstc or
 * the CLINT) and their last-resort exit. XLEN differences are confined to
 * asm.h (register size in the trap frame) and unsigned long.
 */
#ifndef MOTE_RISCV_H
#define MOTE_RISCV_H

#include <stdbool.h>
#include <stdint.h>
#include "platform/shared/fdt.h"
#include "riscv_priv.h"

#define RISCV_STR_(x) #x
#define RISCV_STR(x) RISCV_STR_(x)

#define csr_read(csr)                                                      \
    __extension__({                                                        \
        unsigned long v_;                                                  \
        __asm__ volatile("csrr %0, " RISCV_STR(csr) : "=r"(v_)::"memory"); \
        v_;                                                                \
    })
#define csr_write(csr, v)                                                  \
    __asm__ volatile("csrw " RISCV_STR(csr) ", %0" ::"r"((unsigned long)(v)) \
                     : "memory")
#define csr_set(csr, bits)                                                 \
    __asm__ volatile("csrs " RISCV_STR(csr) ", %0" ::"r"((unsigned long)(bits)) \
                     : "memory")
#define csr_clear(csr, bits)                                               \
    __asm__ volatile("csrc " RISCV_STR(csr) ", %0" ::"r"((unsigned long)(bits)) \
                     : "memory")

#define CAUSE_IRQ (1ul << (sizeof(unsigned long) * 8 - 1))

/* Saved by entry.S on every trap: x[0] is unused (x0 is zero), x[2] is
 * the interrupted sp. */
typedef struct riscv_frame {
    unsigned long x[32];
    unsigned long epc, status, cause, tval;
} riscv_frame_t;

/* entry.S -> start.c, with what the loader left in a0 and a1. */
_Noreturn void riscv_start(unsigned long hartid, const void *dtb);
/* entry.S -> trap.c. */
void riscv_trap(riscv_frame_t *frame);

/* The boot hart and the checked boot DTB (start.c). */
extern unsigned long riscv_hartid;
extern fdt_t riscv_fdt;

/* The boot hart's cpu node and its interrupt-controller child's phandle
 * (start.c); FDT_NONE / 0 when the tree does not say. */
int riscv_cpu_node(const fdt_t *f);
uint32_t riscv_cpu_intc(const fdt_t *f);

/* timer.c: the clock and the wake-up, on the arch's timer hardware. */
void riscv_timer_init(const fdt_t *f);
void riscv_timer_irq(void);

/* The arch's timer hardware (rv64: rdtime + Sstc or SBI; rv32: CLINT):
 * read the free-running tick counter, and raise the timer interrupt once
 * it reaches (ticks) (clearing any pending one when (ticks) is ahead). */
void riscv_clock_init(const fdt_t *f);
uint64_t riscv_clock_ticks(void);
void riscv_clock_set(uint64_t ticks);
const char *riscv_clock_name(void); /* for the boot log */

/* True if ISA string (isa) (the FDT's riscv,isa, e.g.
 * "rv64imafdch_zicsr_sstc"; may be NULL) lists multi-letter extension
 * (ext) ("sstc"), case-sensitively as the binding writes them (isa.c). */
bool riscv_isa_has(const char *isa, const char *ext);

/* exit.c / the arch: what to try when no exit device is known or it did
 * not stop the machine (rv64: SBI system reset; rv32: nothing). */
void riscv_exit_init(const fdt_t *f);
void riscv_exit_fallback(int code);

/* memory.c, devices.c: free RAM and virtio devices from the FDT. */
void riscv_memory_init(const fdt_t *f);
void riscv_devices_init(const fdt_t *f);


#endif
