/* mote rv64: the timer hardware of an S-mode kernel (riscv.h).
 *
 * Ticks: the time CSR (rdtime), which OpenSBI lets S-mode read. Wake-ups:
 * with the Sstc extension (QEMU 7.1+ has it; the FDT's riscv,isa says so)
 * the kernel writes stimecmp itself, without a trip into the firmware;
 * otherwise the SBI TIME extension's set_timer does it. Either way a
 * compare value ahead of the counter clears a pending timer interrupt.
 */
#include "mote/printk.h"
#include "platform/riscv/riscv.h"
#include "platform/rv64/sbi.h"

#define CSR_STIMECMP 0x14d /* Sstc; clang 14 does not know the name */

static bool sstc;

void riscv_clock_init(const fdt_t *f)
{
    int cpu = riscv_cpu_node(f);
    sstc = riscv_isa_has(fdt_prop_str(f, cpu, "riscv,isa"), "sstc") ||
           fdt_prop_has_str(f, cpu, "riscv,isa-extensions", "sstc");
    if (!sstc && !sbi_has(SBI_EXT_TIME))
        kpanic("neither Sstc nor the SBI TIME extension: no timer");
    riscv_clock_set(UINT64_MAX);
}

/* Logged once the clock runs (platform_init). */
const char *riscv_clock_name(void) { return sstc ? "Sstc stimecmp" : "SBI set_timer"; }

uint64_t riscv_clock_ticks(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

void riscv_clock_set(uint64_t ticks)
{
    if (sstc)
        csr_write(CSR_STIMECMP, ticks);
    else
        sbi_call(SBI_EXT_TIME, 0, ticks, 0, 0);
}
