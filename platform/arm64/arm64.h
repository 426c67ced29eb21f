/* mote arm64: what the platform's files share (internal header). */
#ifndef MOTE_ARM64_H
#define MOTE_ARM64_H

#include <stdbool.h>
#include <stdint.h>
#include "platform/shared/fdt.h"

#define SYSREG_READ(r)                                                     \
    __extension__({                                                        \
        uint64_t v_;                                                       \
        __asm__ volatile("mrs %0, " #r : "=r"(v_));                        \
        v_;                                                                \
    })
#define SYSREG_WRITE(r, v)                                                 \
    __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define ISB() __asm__ volatile("isb" ::: "memory")

/* Saved by vectors.S on every exception. */
typedef struct arm64_frame {
    uint64_t x[31];
    uint64_t sp, elr, spsr, esr, far;
} arm64_frame_t;

/* vectors.S -> trap.c: (kind) is the vector index 0..15. */
void arm64_trap(arm64_frame_t *frame, uint64_t kind);
/* boot.S -> start.c: (x0) as QEMU left it, (entry_el) the exception
 * level boot.S was entered at (1, or 2 before it dropped to EL1). */
_Noreturn void arm64_start(void *x0, uint64_t entry_el);

/* The boot DTB, checked (start.c). */
extern fdt_t arm64_fdt;

/* mmu.c: identity map, RAM normal cacheable, everything else device.
 * First with only the kernel's and the DTB's 1 GiB blocks as RAM (the MMU
 * goes on), then the FDT's /memory ranges. */
void arm64_mmu_init(const void *dtb);
void arm64_mmu_map_ram(const fdt_t *f);

/* timer.c: generic timer; (irq) is the virtual timer's GIC INTID. */
void arm64_timer_init(unsigned irq);

/* exit.c: PSCI conduit from the FDT (/psci method). */
void arm64_exit_init(const fdt_t *f);
/* trap.c asks exit.c whether a trap was the semihosting probe. */
bool arm64_semihost_trap(arm64_frame_t *frame);

/* memory.c, devices.c: free RAM and devices from the FDT. */
void arm64_memory_init(const fdt_t *f);
void arm64_devices_init(const fdt_t *f);

#endif
