/* mote arm64: ending the VM.
 *
 * PSCI SYSTEM_OFF powers the machine off, but QEMU then exits with status
 * 0 whatever happened. To carry the exit code (a failed test, a panic's
 * 0x7f) platform_exit first tries the semihosting SYS_EXIT call, which
 * QEMU honours when started with -semihosting-config enable=on (PLAT_RUN
 * does so unless SEMIHOSTING=0). Without it the HLT instruction is
 * undefined and traps: arm64_semihost_trap recognises the probe, skips the
 * instruction and we fall back to PSCI, through the conduit (hvc or smc)
 * the FDT's /psci node names.
 */
#include "kernel/platform.h"
#include "platform/shared/fdt_arm.h"
#include "platform/arm64/arm64.h"

#define PSCI_SYSTEM_OFF 0x84000008u
#define SEMIHOST_SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define HLT_F000 0xd45e0000u /* hlt #0xf000, the A64 semihosting trap */

static fdt_psci_t conduit;
static volatile bool probing;

void arm64_exit_init(const fdt_t *f)
{
    conduit = fdt_arm_psci(f);
}

bool arm64_semihost_trap(arm64_frame_t *frame)
{
    if (!probing || *(const volatile uint32_t *)frame->elr != HLT_F000)
        return false;
    frame->elr += 4;
    return true;
}

static void semihost_exit(int code)
{
    uint64_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)code};
    register uint64_t x0 __asm__("x0") = SEMIHOST_SYS_EXIT;
    register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
    probing = true;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    probing = false;
}

static void psci_off(void)
{
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    if (conduit == FDT_PSCI_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    else if (conduit == FDT_PSCI_SMC)
        __asm__ volatile("smc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
}

_Noreturn void platform_exit(int code)
{
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    semihost_exit(code);
    psci_off();
    for (;;)
        __asm__ volatile("wfi");
}
