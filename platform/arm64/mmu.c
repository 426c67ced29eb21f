/* mote arm64: the MMU, on, with an identity map.
 *
 * Why on: with the MMU off every data access is Device-nGnRnE, so any
 * unaligned load (packet headers, the Wasm heap) faults, exclusives are
 * not guaranteed to work and nothing is cached. An identity map costs three
 * 4 KiB tables: 4 KiB granule, 40-bit VA (T0SZ 24, walks start at level 0),
 * 1 GiB level-1 blocks over the first TiB, which on virt holds RAM, the
 * low devices, the high PCIe ECAM (256 GiB) and the high PCIe window
 * (512 GiB). Blocks that overlap a /memory range are Normal write-back
 * cacheable; all others are Device-nGnRnE and never executable. (A RAM
 * range not 1 GiB-aligned would share a block with devices; virt's RAM
 * starts at 1 GiB, so this never happens there.)
 *
 * Two steps, so that no C code but the first lines of arm64_start runs
 * with the MMU off (where an unaligned access, or clang merging byte loads
 * into one, would fault): arm64_mmu_init maps the blocks holding the
 * kernel and the DTB as RAM before the DTB is read, arm64_mmu_map_ram adds
 * the rest of the DTB's /memory afterwards.
 */
#include "platform/arm64/arm64.h"

extern char __kernel_start[], __bss_start[], __kernel_end[];

#define ATTR_DEVICE 0 /* MAIR index: Device-nGnRnE (0x00) */
#define ATTR_NORMAL 1 /* MAIR index: Normal WB RW-allocate (0xff) */
#define MAIR_VALUE (0xffull << (8 * ATTR_NORMAL))

#define DESC_TABLE 3ull
#define DESC_BLOCK 1ull
#define DESC_AF (1ull << 10)
#define DESC_ISH (3ull << 8)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define BLOCK_DEVICE (DESC_BLOCK | DESC_AF | DESC_PXN | DESC_UXN | ATTR_DEVICE << 2)
#define BLOCK_NORMAL (DESC_BLOCK | DESC_AF | DESC_ISH | ATTR_NORMAL << 2)

#define TCR_T0SZ 24ull         /* 2^40 bytes of VA */
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_ISH (3ull << 12)
#define TCR_EPD1 (1ull << 23)  /* no TTBR1 walks */
#define TCR_IPS_SHIFT 32

#define SCTLR_M (1ull << 0)
#define SCTLR_A (1ull << 1)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)

#define GIB (1ull << 30)

/* Three 4 KiB tables, 4 KiB-aligned at run time: an aligned(4096) array
 * would raise the whole data segment's alignment and pad the image file. */
static uint64_t table_space[4 * 512];
static uint64_t *l0;
static uint64_t (*l1)[512];

/* Make 1 GiB block (b) Normal memory (b < 1024). Once the MMU is on,
 * changing a live entry's attributes needs break-before-make: invalid
 * entry, TLB flush, new entry. */
static void map_normal(uint64_t b, bool live)
{
    uint64_t *e = &l1[b / 512][b % 512];
    if (*e == (b * GIB | BLOCK_NORMAL))
        return;
    if (live) {
        *e = 0;
        __asm__ volatile("dsb ishst\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    }
    *e = b * GIB | BLOCK_NORMAL;
    if (live)
        __asm__ volatile("dsb ishst\n isb" ::: "memory");
}

void arm64_mmu_map_ram(const fdt_t *f)
{
    for (int m = fdt_find_device_type(f, FDT_NONE, "memory"); m != FDT_NONE;
         m = fdt_find_device_type(f, m, "memory")) {
        uint64_t base, size;
        for (uint32_t i = 0; fdt_reg(f, m, i, &base, &size) == KERR_OK; i++) {
            if (!size || base >= 1024 * GIB)
                continue;
            uint64_t end = base + size < 1024 * GIB ? base + size : 1024 * GIB;
            for (uint64_t b = base / GIB; b < (end + GIB - 1) / GIB; b++)
                map_normal(b, true);
        }
    }
}

/* Everything written with the MMU (so the caches) off, BSS with the page
 * tables, the vector table and the stack, went straight to memory. Drop any
 * cache line the hypervisor may still hold for those addresses, or it would
 * shadow that data once the caches are on (no effect under TCG). */
static void invalidate_written(void)
{
    for (uintptr_t p = (uintptr_t)__bss_start & ~(uintptr_t)63;
         p < (uintptr_t)__kernel_end; p += 64)
        __asm__ volatile("dc ivac, %0" ::"r"(p) : "memory");
    __asm__ volatile("dsb ish" ::: "memory");
}

void arm64_mmu_init(const void *dtb)
{
    uintptr_t t = ((uintptr_t)table_space + 4095) & ~(uintptr_t)4095;
    l0 = (uint64_t *)t;
    l1 = (uint64_t(*)[512])(t + 4096);
    for (uint64_t b = 0; b < 1024; b++)
        l1[b / 512][b % 512] = b * GIB | BLOCK_DEVICE;
    map_normal((uintptr_t)__kernel_start / GIB, false);
    if ((uintptr_t)dtb < 1024 * GIB)
        map_normal((uintptr_t)dtb / GIB, false);
    l0[0] = (uint64_t)(uintptr_t)l1[0] | DESC_TABLE;
    l0[1] = (uint64_t)(uintptr_t)l1[1] | DESC_TABLE;
    invalidate_written();

    uint64_t parange = SYSREG_READ(id_aa64mmfr0_el1) & 0xf;
    if (parange > 5)
        parange = 5;
    SYSREG_WRITE(mair_el1, MAIR_VALUE);
    SYSREG_WRITE(tcr_el1, TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
                              TCR_SH0_ISH | TCR_EPD1 | parange << TCR_IPS_SHIFT);
    SYSREG_WRITE(ttbr0_el1, (uintptr_t)l0);
    __asm__ volatile("dsb ish\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    uint64_t sctlr = SYSREG_READ(sctlr_el1);
    sctlr = (sctlr | SCTLR_M | SCTLR_C | SCTLR_I) & ~SCTLR_A;
    SYSREG_WRITE(sctlr_el1, sctlr);
    ISB();
}
