/* mote arm32: what the platform's files share (internal header). */
#ifndef MOTE_ARM32_H
#define MOTE_ARM32_H

#include <stdbool.h>
#include <stdint.h>
#include "platform/shared/fdt.h"

/* 32-bit CP15 register (op1, crn, crm, op2), e.g. CP15_READ(0, c5, c0, 0)
 * for DFSR. */
#define CP15_READ(op1, crn, crm, op2)                                          \
    __extension__({                                                            \
        uint32_t v_;                                                           \
        __asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2    \
                         : "=r"(v_));                                          \
        v_;                                                                    \
    })
#define CP15_WRITE(op1, crn, crm, op2, v)                                      \
    __asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm                  \
                     ", " #op2 ::"r"((uint32_t)(v))                            \
                     : "memory")
/* 64-bit CP15 register (op1, crm), e.g. CNTVCT is (1, c14). */
#define CP15_READ64(op1, crm)                                                  \
    __extension__({                                                            \
        uint32_t lo_, hi_;                                                     \
        __asm__ volatile("mrrc p15, " #op1 ", %0, %1, " #crm                   \
                         : "=r"(lo_), "=r"(hi_));                              \
        (uint64_t) hi_ << 32 | lo_;                                            \
    })
#define CP15_WRITE64(op1, crm, v)                                              \
    __asm__ volatile("mcrr p15, " #op1 ", %0, %1, " #crm ::"r"((uint32_t)(v)), \
                     "r"((uint32_t)((v) >> 32))                                \
                     : "memory")
#define ISB() __asm__ volatile("isb" ::: "memory")
#define DSB() __asm__ volatile("dsb sy" ::: "memory")

/* Saved by vectors.S on every exception, on the SVC stack: r0-r12, the
 * interrupted lr, then what srsdb stored (return pc, spsr). (pc) is the
 * faulting instruction for aborts and undefined instructions. */
typedef struct arm32_frame {
    uint32_t r[13];
    uint32_t lr, pc, cpsr;
} arm32_frame_t;

/* The exception kinds vectors.S passes: the vector offset / 4. */
enum {
    ARM32_UND = 1,
    ARM32_SVC = 2,
    ARM32_PABT = 3,
    ARM32_DABT = 4,
    ARM32_IRQ = 6,
    ARM32_FIQ = 7
};

/* vectors.S -> trap.c. */
void arm32_trap(arm32_frame_t *frame, uint32_t kind);
/* boot.S -> start.c: (r2) as QEMU left it (a DTB address for a Linux-style
 * boot, 0 for an ELF), (mode) the CPSR mode bits at entry (0x13 SVC or
 * 0x1a HYP, for the log). */
_Noreturn void arm32_start(uint32_t r2, uint32_t mode);

/* The boot DTB, checked (start.c). */
extern fdt_t arm32_fdt;

/* mmu.c: identity map, RAM normal cacheable, everything else device. */
void arm32_mmu_init(const fdt_t *f);

/* timer.c: generic timer; (irq) is the virtual timer's GIC INTID. */
void arm32_timer_init(unsigned irq);

/* exit.c: PSCI conduit from the FDT (/psci method). */
void arm32_exit_init(const fdt_t *f);
/* trap.c asks exit.c whether a trap was the semihosting probe. */
bool arm32_semihost_trap(arm32_frame_t *frame);
/* boot.S: the A32 semihosting call, op (op) with argument (arg); the
 * instruction at arm32_semihost_insn is `hlt #0xf000`. */
uint32_t arm32_semihost(uint32_t op, uintptr_t arg);
extern const char arm32_semihost_insn[];

/* memory.c, devices.c: memory ranges and devices from the FDT. */
void arm32_memory_init(const fdt_t *f);
void arm32_devices_init(const fdt_t *f);

#endif
