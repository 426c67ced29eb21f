/* mote arm32: the MMU, on, with an identity map.
 *
 * Why on: with the MMU off every access is Strongly-ordered, so any
 * unaligned load (packet headers, the Wasm heap) faults and nothing is
 * cached. Turning it on lets the compiler keep ARMv7's unaligned LDR/STR
 * (only fdt.c, which runs before this, is built -mno-unaligned-access).
 * One 16 KiB first-level table of 1 MiB sections (short-descriptor format,
 * no LPAE: every address is 32 bits) maps all 4 GiB 1:1. Sections that
 * overlap a /memory range are Normal write-back write-allocate cacheable,
 * shareable, executable; all others are shareable Device memory and never
 * executable. Domain 0 is a client domain, so AP decides access: full
 * access at PL1 (and PL0, which we never use). Two sections stay unmapped
 * as guards: the first MiB (a NULL pointer dereference faults instead of
 * reading virt's flash) and the last (an address computation that wraps
 * past 4 GiB faults; memory.c keeps kmem out of it).
 */
#include "platform/arm32/arm32.h"

#define SECT        2u /* section descriptor */
#define SECT_B      (1u << 2)
#define SECT_C      (1u << 3)
#define SECT_XN     (1u << 4)
#define SECT_AP_RW  (3u << 10) /* AP[1:0] = 11, AP[2] = 0: read/write */
#define SECT_TEX(x) ((uint32_t)(x) << 12)
#define SECT_S      (1u << 16)
/* TEX 001 C B: Normal, inner and outer write-back write-allocate. */
#define SECT_NORMAL (SECT | SECT_AP_RW | SECT_TEX(1) | SECT_C | SECT_B | SECT_S)
/* TEX 000 C=0 B=1: Shareable Device. */
#define SECT_DEVICE (SECT | SECT_AP_RW | SECT_B | SECT_XN)

/* TTBR0 walk attributes: inner WBWA (IRGN = 01: bit 6), outer WBWA
 * (RGN = 01), shareable. */
#define TTBR_WALK ((1u << 6) | (1u << 3) | (1u << 1))

#define SCTLR_M (1u << 0)
#define SCTLR_A (1u << 1)
#define SCTLR_C (1u << 2)
#define SCTLR_Z (1u << 11)
#define SCTLR_I (1u << 12)

#define MIB   (1ull << 20)
#define LIMIT (1ull << 32)

/* 4096 entries, 16 KiB-aligned, placed by link.ld. */
extern uint32_t __l1_table[];
#define l1 __l1_table

static void mark_ram(const fdt_t *f)
{
    for (int m = fdt_find_device_type(f, FDT_NONE, "memory"); m != FDT_NONE;
         m = fdt_find_device_type(f, m, "memory")) {
        uint64_t base, size;
        for (uint32_t i = 0; fdt_reg(f, m, i, &base, &size) == KERR_OK; i++) {
            if (!size || base >= LIMIT)
                continue;
            uint64_t end = size > LIMIT - base ? LIMIT : base + size;
            for (uint64_t s = base / MIB; s < (end + MIB - 1) / MIB; s++)
                l1[s] = (uint32_t)(s * MIB) | SECT_NORMAL;
        }
    }
}

void arm32_mmu_init(const fdt_t *f)
{
    for (uint32_t s = 0; s < 4096; s++)
        l1[s] = s << 20 | SECT_DEVICE;
    mark_ram(f);
    l1[0] = l1[4095] = 0; /* guards: translation fault */
    /* Caches are off: the table is in memory, where the walker reads it. */
    DSB();
    CP15_WRITE(0, c2, c0, 2, 0);                         /* TTBCR: TTBR0 only */
    CP15_WRITE(0, c2, c0, 0, (uintptr_t)l1 | TTBR_WALK); /* TTBR0 */
    CP15_WRITE(0, c3, c0, 0, 1);                         /* DACR: D0 client */
    CP15_WRITE(0, c8, c7, 0, 0);                         /* TLBIALL */
    CP15_WRITE(0, c7, c5, 0, 0);                         /* ICIALLU */
    CP15_WRITE(0, c7, c5, 6, 0);                         /* BPIALL */
    DSB();
    ISB();
    uint32_t sctlr = CP15_READ(0, c1, c0, 0);
    sctlr = (sctlr | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_Z) & ~SCTLR_A;
    CP15_WRITE(0, c1, c0, 0, sctlr);
    ISB();
}
