/* mote arm32: the exception vector table (at VBAR, A32).
 *
 * Every entry moves to SVC mode first (srsdb pushes the return address and
 * SPSR of the exception mode onto the SVC stack, cps switches), so the
 * abort, undefined and IRQ modes need no stacks of their own, and then
 * saves r0-r12 and the interrupted lr as an arm32_frame_t (arm32.h) and
 * calls arm32_trap(frame, kind). The kernel only ever runs in SVC mode,
 * so the interrupted sp is the frame's end. Only IRQs are expected (and
 * only inside platform_wait's window, timer.c); everything else is
 * reported and panics, except the semihosting probe (exit.c), which the
 * handler skips by changing frame->pc.
 * VFP/NEON registers are not saved: IRQs are taken only at a point whose
 * inline asm declares the caller-saved ones clobbered, and a fault never
 * returns to C code that used them.
 */
    .syntax unified
    .arm

.macro ventry kind, adjust
    .balign 32
vec_\kind:
    .if \adjust
    sub     lr, lr, #\adjust        @ lr -> the instruction to report/return to
    .endif
    srsdb   sp!, #0x13              @ push {lr, spsr} on the SVC stack
    cps     #0x13
    push    {r0-r12, lr}
    mov     r1, #\kind
    b       trap_common
.endm

    .section .text.vectors, "ax"
    .balign 32
    .global arm32_vectors
arm32_vectors:
    b       vec_0                   @ reset (not taken through VBAR)
    b       vec_1                   @ undefined instruction
    b       vec_2                   @ svc
    b       vec_3                   @ prefetch abort
    b       vec_4                   @ data abort
    b       vec_5                   @ (hyp trap, unused)
    b       vec_6                   @ irq
    b       vec_7                   @ fiq

    ventry  0, 0
    ventry  1, 4                    @ A32: lr = insn + 4 (trap.c fixes T32)
    ventry  2, 4
    ventry  3, 4
    ventry  4, 8
    ventry  5, 0
    ventry  6, 4
    ventry  7, 4

trap_common:
    mov     r0, sp                  @ frame
    mov     r4, sp
    bic     sp, sp, #7              @ AAPCS: 8-byte aligned at a call
    bl      arm32_trap
    mov     sp, r4
    pop     {r0-r12, lr}
    rfeia   sp!                     @ pop {pc, cpsr}
