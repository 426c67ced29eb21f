/* mote x32: interrupt and exception entry. One 16-byte stub per vector
 * (x32_stubs + 16 * v) pushes a zero error code where the CPU does not
 * push one, then the vector, and joins the common path, which saves the
 * general registers (pusha) and calls x32_trap(frame). Everything runs in
 * ring 0 with flat segments, so there is no stack or segment switch. */

    .text
    .align 16
    .globl x32_stubs
x32_stubs:
    .set v, 0
    .rept 0x80
    .align 16
    .if (v == 8) || (v >= 10 && v <= 14) || (v == 17) || (v == 21) || (v == 29) || (v == 30)
    /* the CPU pushed an error code */
    .else
    push $0
    .endif
    push $v
    jmp common
    .set v, v + 1
    .endr

    .align 16
    .globl x32_stub_spurious
x32_stub_spurious:
    push $0
    push $0xff
    jmp common

common:
    pusha
    push %esp                       /* x32_frame_t * */
    cld
    call x32_trap
    add $4, %esp
    popa
    add $8, %esp                    /* vector, error code */
    iret
