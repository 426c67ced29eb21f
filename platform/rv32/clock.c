/* mote rv32: the timer hardware of an M-mode kernel (riscv.h): the CLINT
 * ("riscv,clint0" in the FDT), whose 64-bit mtime counts at the timebase
 * frequency and whose per-hart mtimecmp raises the machine timer
 * interrupt. Both are two 32-bit registers on rv32, so reads and writes
 * take care that a carry between the halves is never seen half-done.
 */
#include "arch_io.h"
#include "mote/printk.h"
#include "platform/riscv/riscv.h"

#define MTIMECMP(h) (0x4000u + 8u * (h))
#define MTIME 0xbff8u

static uintptr_t clint;

void riscv_clock_init(const fdt_t *f)
{
    int node = fdt_find_compatible(f, FDT_NONE, "riscv,clint0");
    uint64_t base, size;
    if (node == FDT_NONE || fdt_reg(f, node, 0, &base, &size) || size < 0xc000)
        kpanic("no CLINT (riscv,clint0) in the device tree");
    clint = (uintptr_t)base;
    riscv_clock_set(UINT64_MAX);
}

const char *riscv_clock_name(void) { return "CLINT mtimecmp"; }

/* hi, lo, hi again: if the high half moved, lo wrapped in between. */
uint64_t riscv_clock_ticks(void)
{
    uint32_t hi, lo;
    do {
        hi = mmio_read32(clint + MTIME + 4);
        lo = mmio_read32(clint + MTIME);
    } while (mmio_read32(clint + MTIME + 4) != hi);
    return (uint64_t)hi << 32 | lo;
}

/* Low half to all-ones first, so that no intermediate compare value lies
 * below the old and the new one (a spurious interrupt). */
void riscv_clock_set(uint64_t ticks)
{
    uintptr_t cmp = clint + MTIMECMP(riscv_hartid);
    mmio_write32(cmp, 0xffffffffu);
    mmio_write32(cmp + 4, (uint32_t)(ticks >> 32));
    mmio_write32(cmp, (uint32_t)ticks);
}
