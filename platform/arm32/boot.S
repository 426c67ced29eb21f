/* mote arm32: entry from QEMU's -kernel ELF loader.
 *
 * QEMU starts the one CPU at _start (A32 state) with the MMU and caches
 * off and every interrupt masked: in SVC mode on the default virt machine,
 * in HYP mode with -machine virt,virtualization=on (EL3 would need
 * secure=on and a firmware). For an ELF image no register carries
 * anything (r2 is the DTB address only under the Linux boot protocol); the
 * DTB sits at the start of RAM, which start.c knows.
 * Here: leave HYP for SVC, set the stack, enable VFP/NEON (the compiler
 * and the Wasm runtime use them), install the vectors, zero BSS, and call
 * arm32_start(r2, entry mode).
 */
    .syntax unified
    .arch_extension virt
    .arm

#define MODE_SVC 0x13
#define MODE_HYP 0x1a
#define PSR_AIF 0x1c0

    .section .text.boot, "ax"
    .balign 4                       @ A32 code: sections are byte-aligned
    .global _start
    .type _start, %function
_start:
    mov     r4, r2                  @ DTB pointer (or junk), kept
    mrs     r5, cpsr
    and     r5, r5, #0x1f
    cmp     r5, #MODE_HYP
    bne     svc

    /* HYP -> SVC: PL1 owns its timers and FP, nothing trapped. */
    mov     r0, #0
    mcr     p15, 4, r0, c1, c1, 0   @ HCR: no stage 2, no traps
    mcr     p15, 4, r0, c1, c1, 3   @ HSTR
    movw    r0, #0x33ff
    mcr     p15, 4, r0, c1, c1, 2   @ HCPTR: RES1 bits only, no cp10/11 trap
    mov     r0, #3
    mcr     p15, 4, r0, c14, c1, 0  @ CNTHCTL: PL1PCTEN | PL1PCEN
    mov     r0, #0
    mov     r1, #0
    mcrr    p15, 4, r0, r1, c14     @ CNTVOFF = 0: virtual = physical count
    mov     r0, #(PSR_AIF | MODE_SVC)
    msr     spsr_cxsf, r0           @ SPSR_hyp (banked form UNDEFs in HYP)
    adr     r0, svc
    msr     elr_hyp, r0
    eret

svc:
    cpsid   aif
    ldr     sp, =__stack_top
    mrc     p15, 0, r0, c1, c0, 2   @ CPACR: cp10 and cp11 (VFP/NEON)
    orr     r0, r0, #(0xf << 20)    @   full access at PL0 and PL1
    mcr     p15, 0, r0, c1, c0, 2
    isb
    mov     r0, #(1 << 30)          @ FPEXC.EN
    vmsr    fpexc, r0
    ldr     r0, =arm32_vectors
    mcr     p15, 0, r0, c12, c0, 0  @ VBAR
    mrc     p15, 0, r0, c1, c0, 0   @ SCTLR
    bic     r0, r0, #(1 << 13)      @   V: vectors at VBAR, not 0xffff0000
    bic     r0, r0, #(1 << 30)      @   TE: take exceptions in A32
    mcr     p15, 0, r0, c1, c0, 0
    isb
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
    mov     r3, #0
1:  cmp     r0, r1
    bhs     2f
    stmia   r0!, {r2, r3}           @ BSS is 16-byte aligned (link.ld)
    b       1b
2:  mov     r0, r4
    mov     r1, r5
    bl      arm32_start
3:  wfi
    b       3b

/* uint32_t arm32_semihost(uint32_t op, uintptr_t arg): the A32
 * semihosting trap. Without -semihosting-config QEMU treats it as an
 * undefined instruction; trap.c then skips it (exit.c). */
    .text
    .balign 4
    .global arm32_semihost, arm32_semihost_insn
    .type arm32_semihost, %function
arm32_semihost:
arm32_semihost_insn:
    .inst   0xe10f0070              @ hlt #0xf000 (an ARMv8 encoding
                                    @ QEMU honours on v7 too)
    bx      lr
