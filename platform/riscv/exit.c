/* mote riscv: ending the VM, with the exit status.
 *
 * QEMU virt's "sifive,test0" device (the syscon behind the FDT's /poweroff
 * and /reboot nodes) ends QEMU when written: 0x5555 (FINISHER_PASS) exits
 * with status 0, (code << 16) | 0x3333 (FINISHER_FAIL) with status (code).
 * It is the only way that carries a status: OpenSBI's SBI system reset
 * (rv64's fallback, riscv_exit_fallback) writes FINISHER_PASS to the same
 * device whatever reset reason it is given, so QEMU would report success.
 * S-mode may write the device directly: OpenSBI does not fence it off.
 */
#include "arch_io.h"
#include "kernel/platform.h"
#include "platform/riscv/riscv.h"

#define FINISHER_FAIL 0x3333u
#define FINISHER_PASS 0x5555u

static uintptr_t test_dev;

/* The device /poweroff's regmap points to, else the first sifive,test0. */
void riscv_exit_init(const fdt_t *f)
{
    uint32_t ph;
    int node = FDT_NONE;
    int off = fdt_find_compatible(f, FDT_NONE, "syscon-poweroff");
    if (off != FDT_NONE && !fdt_prop_u32(f, off, "regmap", 0, &ph))
        node = fdt_find_phandle(f, ph);
    if (node == FDT_NONE || !fdt_prop_has_str(f, node, "compatible", "sifive,test0"))
        node = fdt_find_compatible(f, FDT_NONE, "sifive,test0");
    uint64_t base, size;
    if (node != FDT_NONE && !fdt_reg(f, node, 0, &base, &size))
        test_dev = (uintptr_t)base;
}

_Noreturn void platform_exit(int code)
{
    csr_clear(CSR_STATUS, STATUS_IE);
    if (test_dev)
        mmio_write32(test_dev, code == 0 ? FINISHER_PASS
                                         : (uint32_t)(code & 0xffff) << 16 | FINISHER_FAIL);
    riscv_exit_fallback(code);
    for (;;)
        __asm__ volatile("wfi");
}
