/* mote arm32: the GICv3 CPU interface (ICC_* registers, reached through
 * cp15 in AArch32) for platform/shared/gic_v3.c. Encodings: GICv3
 * architecture specification, the AArch32 System register views. */
#ifndef MOTE_ARM32_GIC_SYSREG_H
#define MOTE_ARM32_GIC_SYSREG_H

#include <stdint.h>

static inline uint32_t icc_read_iar1(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c12, c12, 0" : "=r"(v)::"memory");
    return v;
}

static inline void icc_write_eoir1(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c12, c12, 1" ::"r"(v) : "memory");
}

/* Enable system-register access (ICC_SRE.SRE), set the priority mask
 * (ICC_PMR) to (pmr), no priority grouping (ICC_BPR1), enable group 1
 * (ICC_IGRPEN1). */
static inline void icc_init(uint32_t pmr)
{
    uint32_t sre;
    __asm__ volatile("mrc p15, 0, %0, c12, c12, 5" : "=r"(sre));
    __asm__ volatile("mcr p15, 0, %0, c12, c12, 5\n isb" ::"r"(sre | 1)
                     : "memory");
    __asm__ volatile("mcr p15, 0, %0, c4, c6, 0" ::"r"(pmr));
    __asm__ volatile("mcr p15, 0, %0, c12, c12, 3" ::"r"(0u));
    __asm__ volatile("mcr p15, 0, %0, c12, c12, 7\n isb" ::"r"(1u) : "memory");
}

#endif
