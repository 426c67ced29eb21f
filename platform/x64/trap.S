/* mote x64: interrupt and exception entry stubs.
 *
 * One stub per vector 0..X64_NVEC-1 (and 255, the LAPIC spurious vector)
 * pushes a zero error code where the CPU does not push one, then the vector
 * number, and jumps to trap_common, which saves the general registers and
 * calls x64_trap(frame). The frame layout is x64_frame_t in x64.h. The SSE
 * registers are not saved: kernel C is built with -mgeneral-regs-only
 * (platform.mk says why), and interrupts are only ever taken inside
 * platform_wait's hlt. */
#define X64_NVEC 128

    .text
    .p2align 4
trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi             /* x64_frame_t * */
    mov %rsp, %rbx
    and $~15, %rsp             /* the ABI's call alignment */
    cld
    call x64_trap
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp              /* vector, error code */
    iretq

/* Stubs are 16 bytes apart: the IDT builder computes x64_stubs + 16 * v. */
    .p2align 4
    .globl x64_stubs
x64_stubs:
    .set vec, 0
    .rept X64_NVEC
    .p2align 4
    .if (vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
    .else
    push $0
    .endif
    .byte 0x6a, vec            /* push $vec (sign-extended imm8) */
    jmp trap_common
    .set vec, vec + 1
    .endr

    .p2align 4
    .globl x64_stub_spurious
x64_stub_spurious:
    push $0
    push $255
    jmp trap_common
