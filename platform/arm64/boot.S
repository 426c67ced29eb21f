/* mote arm64: entry from QEMU's -kernel ELF loader.
 *
 * QEMU starts the one CPU at _start with the MMU and caches off, at EL2
 * when the machine has virtualization=on, at EL1 otherwise (EL3 is not
 * supported: -machine virt,secure=on would need a firmware anyway). x0
 * holds the DTB address when QEMU treats the image as a Linux kernel; for
 * an ELF it is 0 and the DTB sits at the start of RAM (start.c finds it).
 * Here: drop to EL1, set the stack, enable FP/SIMD (the compiler and the
 * Wasm runtime use it), zero BSS, install the vectors, call arm64_start. */
    .section .text.boot, "ax"
    .global _start
_start:
    mov     x19, x0                 // DTB pointer (or 0), kept across setup
    mrs     x20, CurrentEL
    lsr     x20, x20, #2            // entry exception level, for the log
    cmp     x20, #2
    b.ne    el1

    /* EL2 -> EL1: EL1 is AArch64, owns its timers, nothing trapped. */
    mov     x1, #(1 << 31)          // HCR_EL2.RW
    msr     hcr_el2, x1
    mov     x1, #3                  // CNTHCTL_EL2.EL1PCTEN | EL1PCEN
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mov     x1, #0x33ff             // CPTR_EL2: no FP/SIMD traps
    msr     cptr_el2, x1
    msr     hstr_el2, xzr
    ldr     x1, =0x30d00800         // SCTLR_EL1: RES1 bits, MMU off
    msr     sctlr_el1, x1
    mov     x1, #0x3c5              // SPSR: EL1h, DAIF masked
    msr     spsr_el2, x1
    adr     x1, el1
    msr     elr_el2, x1
    eret

el1:
    ldr     x1, =__stack_top
    mov     sp, x1
    mov     x1, #(3 << 20)          // CPACR_EL1.FPEN: FP/SIMD at EL0/EL1
    msr     cpacr_el1, x1
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16     // BSS is 16-byte aligned (link.ld)
    b       1b
2:  bl      arm64_vectors_install
    mov     x0, x19
    mov     x1, x20
    bl      arm64_start
3:  wfi
    b       3b
