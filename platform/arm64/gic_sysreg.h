/* mote arm64: the GICv3 CPU interface (ICC_* system registers) for
 * platform/shared/gic_v3.c; arm32 would supply the same with mrc/mcr. */
#ifndef MOTE_ARM64_GIC_SYSREG_H
#define MOTE_ARM64_GIC_SYSREG_H

#include <stdint.h>

static inline uint32_t icc_read_iar1(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(v)::"memory");
    return (uint32_t)v;
}

static inline void icc_write_eoir1(uint32_t v)
{
    __asm__ volatile("msr icc_eoir1_el1, %0" ::"r"((uint64_t)v) : "memory");
}

/* Enable system-register access, set the priority mask to (pmr), no
 * priority grouping, enable group 1. */
static inline void icc_init(uint32_t pmr)
{
    uint64_t sre;
    __asm__ volatile("mrs %0, icc_sre_el1" : "=r"(sre));
    __asm__ volatile("msr icc_sre_el1, %0\n isb" ::"r"(sre | 1) : "memory");
    __asm__ volatile("msr icc_pmr_el1, %0" ::"r"((uint64_t)pmr));
    __asm__ volatile("msr icc_bpr1_el1, %0" ::"r"((uint64_t)0));
    __asm__ volatile("msr icc_igrpen1_el1, %0\n isb" ::"r"((uint64_t)1) : "memory");
}

#endif
