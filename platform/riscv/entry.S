/* mote riscv: boot entry and the trap vector, for rv64 (S-mode under
 * OpenSBI) and rv32 (M-mode, -bios none). riscv_priv.h names the CSRs of
 * the mode, asm.h the register width.
 *
 * Both loaders enter _start with a0 = hart id and a1 = the DTB address,
 * translation off. Every hart that arrives may run this code (with
 * -bios none all of them do): the first one to take the lottery ticket
 * boots, any other parks in wfi with its interrupts disabled. Then: mask
 * interrupts, set the stack and trap vector, turn the FPU on (sstatus/
 * mstatus.FS = Initial: the compiler and the Wasm runtime use FP), zero
 * BSS, call riscv_start(hartid, dtb). */
#include "platform/riscv/asm.h"
#include "riscv_priv.h"

#define STATUS_FS_INITIAL (1 << 13)

    .section .text.boot, "ax"
    .global _start
_start:
    csrw    CSR_IE, zero
    csrci   CSR_STATUS, STATUS_IE
    la      t0, boot_ticket
    li      t1, 1
    amoadd.w t1, t1, (t0)
    bnez    t1, park
    la      sp, __stack_top
    la      t0, riscv_trap_entry
    csrw    CSR_TVEC, t0
    li      t0, STATUS_FS_INITIAL
    csrs    CSR_STATUS, t0
    csrw    fcsr, zero
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    REG_S   zero, 0(t0)
    addi    t0, t0, REGBYTES
    j       1b
2:  call    riscv_start
park:
    wfi
    j       park

/* Trap vector (direct mode: 4-byte aligned). The kernel never leaves its
 * own mode, so the trap runs on the interrupted stack. Interrupts are
 * taken only inside platform_wait's window (timer.c), whose inline asm
 * declares the caller-saved FP registers clobbered: no FP state is saved
 * here. Every integer register is, for the panic report; a handler may
 * change frame->epc. */
    .text
    .balign 4
    .global riscv_trap_entry
riscv_trap_entry:
    addi    sp, sp, -FRAME_SIZE
    REG_S   x1, 1*REGBYTES(sp)
    .irp    n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    REG_S   x\n, \n*REGBYTES(sp)
    .endr
    addi    t0, sp, FRAME_SIZE
    REG_S   t0, 2*REGBYTES(sp)
    csrr    t0, CSR_EPC
    REG_S   t0, FRAME_EPC(sp)
    csrr    t0, CSR_STATUS
    REG_S   t0, FRAME_STATUS(sp)
    csrr    t0, CSR_CAUSE
    REG_S   t0, FRAME_CAUSE(sp)
    csrr    t0, CSR_TVAL
    REG_S   t0, FRAME_TVAL(sp)
    mv      a0, sp
    call    riscv_trap
    REG_L   t0, FRAME_EPC(sp)
    csrw    CSR_EPC, t0
    REG_L   t0, FRAME_STATUS(sp)
    csrw    CSR_STATUS, t0
    REG_L   x1, 1*REGBYTES(sp)
    .irp    n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    REG_L   x\n, \n*REGBYTES(sp)
    .endr
    addi    sp, sp, FRAME_SIZE
    XRET

    .data
    .balign 4
boot_ticket:
    .word   0
