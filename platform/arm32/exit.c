/* mote arm32: ending the VM.
 *
 * PSCI SYSTEM_OFF powers the machine off, but QEMU then exits with status
 * 0 whatever happened. To carry the exit code (a failed test, a panic's
 * 0x7f) platform_exit first tries semihosting: the A32 SYS_EXIT call can
 * only say "success" or "failure", so we use SYS_EXIT_EXTENDED (semihosting
 * 2.0, which QEMU implements for A32), whose parameter block carries the
 * status. QEMU honours it when started with -semihosting-config enable=on
 * (PLAT_RUN does so unless SEMIHOSTING=0). Without it the hlt instruction
 * is undefined and traps: arm32_semihost_trap recognises the probe, skips
 * it, and we fall back to PSCI, through the conduit (hvc or smc) the
 * FDT's /psci node names (hvc on virt: QEMU itself implements PSCI).
 */
#include "kernel/platform.h"
#include "platform/shared/fdt_arm.h"
#include "platform/arm32/arm32.h"

#define PSCI_SYSTEM_OFF              0x84000008u /* SMC32 calling convention */
#define SEMIHOST_SYS_EXIT_EXTENDED   0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static fdt_psci_t conduit;
static volatile bool probing;

void arm32_exit_init(const fdt_t *f)
{
    conduit = fdt_arm_psci(f);
}

bool arm32_semihost_trap(arm32_frame_t *frame)
{
    if (!probing || frame->pc != (uintptr_t)arm32_semihost_insn)
        return false;
    frame->pc += 4;
    return true;
}

static void semihost_exit(int code)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    probing = true;
    arm32_semihost(SEMIHOST_SYS_EXIT_EXTENDED, (uintptr_t)block);
    probing = false;
}

static void psci_off(void)
{
    register uint32_t r0 __asm__("r0") = PSCI_SYSTEM_OFF;
    if (conduit == FDT_PSCI_HVC)
        __asm__ volatile(".arch_extension virt\n hvc #0"
                         : "+r"(r0)::"r1", "r2", "r3", "memory");
    else if (conduit == FDT_PSCI_SMC)
        __asm__ volatile(".arch_extension sec\n smc #0"
                         : "+r"(r0)::"r1", "r2", "r3", "memory");
}

_Noreturn void platform_exit(int code)
{
    __asm__ volatile("cpsid aif" ::: "memory");
    semihost_exit(code);
    psci_off();
    for (;;)
        __asm__ volatile("wfi");
}
