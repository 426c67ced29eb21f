/* mote arm64: the EL1 exception vector table.
 *
 * Every entry saves the full general-register state as an arm64_frame_t
 * (arm64.h: x0-x30, sp, elr, spsr, esr, far) and calls
 * arm64_trap(frame, kind). Only "current EL with SP_ELx" IRQs are expected
 * (and only inside platform_wait's window, see timer.c); everything else
 * is reported and panics. The handler may change frame->elr (the
 * semihosting fallback in exit.c skips an instruction that way).
 * FP/SIMD registers are not saved: IRQs are taken only at a point whose
 * inline asm declares every vector register clobbered, and a
 * synchronous exception never returns to C code that used them, except
 * the semihosting probe, which has none live. */
#define FRAME_SIZE (36 * 8)
#define STUB_SIZE 32

/* The table needs 2 KiB alignment and 128 bytes per entry, of which an
 * entry uses 20. Kept that way in the image it would cost 2 KiB plus up
 * to 2 KiB of alignment padding in a 64 KiB budget, so the image holds
 * 32-byte position-independent stubs instead and arm64_vectors_install
 * (boot.S) spreads them into a 2 KiB-aligned table in BSS. */
.macro vstub kind
    .balign STUB_SIZE
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\kind
    ldr     x1, 1f
    br      x1
    nop
1:  .quad   trap_common
.endm

    .section .rodata.vector_stubs, "a"
    .balign STUB_SIZE
    .global arm64_vector_stubs
arm64_vector_stubs:
    vstub 0     // current EL, SP_EL0: sync
    vstub 1     //   irq
    vstub 2     //   fiq
    vstub 3     //   serror
    vstub 4     // current EL, SP_ELx: sync
    vstub 5     //   irq
    vstub 6     //   fiq
    vstub 7     //   serror
    vstub 8     // lower EL, AArch64
    vstub 9
    vstub 10
    vstub 11
    vstub 12    // lower EL, AArch32
    vstub 13
    vstub 14
    vstub 15

    .section .bss.vector_space, "aw", %nobits
    .balign 16
vector_space:
    .space  4096            // holds a 2 KiB-aligned 2 KiB table

/* Copy the stubs into the table and point VBAR_EL1 at it. Runs from
 * boot.S after BSS is cleared, MMU and caches off (writes reach memory;
 * the instruction cache is invalidated for good measure). Clobbers x1-x7. */
    .text
    .global arm64_vectors_install
arm64_vectors_install:
    ldr     x1, =vector_space + 2047
    and     x1, x1, #~2047
    ldr     x2, =arm64_vector_stubs
    mov     x3, #16
1:  ldp     x4, x5, [x2], #16
    ldp     x6, x7, [x2], #16
    stp     x4, x5, [x1]
    stp     x6, x7, [x1, #16]
    add     x1, x1, #128
    subs    x3, x3, #1
    b.ne    1b
    sub     x1, x1, #2048
    dsb     ish
    ic      iallu
    dsb     ish
    msr     vbar_el1, x1
    isb
    ret

trap_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    add     x1, sp, #FRAME_SIZE     // the interrupted sp
    stp     x30, x1, [sp, #240]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #256]
    mrs     x1, esr_el1
    mrs     x2, far_el1
    stp     x1, x2, [sp, #272]
    mov     x1, x0                  // kind
    mov     x0, sp                  // frame
    bl      arm64_trap
    ldp     x1, x2, [sp, #256]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME_SIZE
    eret
