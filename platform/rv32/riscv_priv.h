/* mote rv32: the privilege level the kernel runs in, for platform/riscv.
 *
 * Debian's QEMU ships no rv32 OpenSBI, so rv32 boots with -bios none and
 * stays in M-mode: the shared trap, timer and PLIC code use the machine
 * CSRs, interrupt causes and the PLIC's M-mode context through these
 * names. rv64's copy says S-mode. Included by C and by assembly. */
#ifndef MOTE_RV32_RISCV_PRIV_H
#define MOTE_RV32_RISCV_PRIV_H

#define CSR_STATUS mstatus
#define CSR_IE mie
#define CSR_IP mip
#define CSR_TVEC mtvec
#define CSR_EPC mepc
#define CSR_CAUSE mcause
#define CSR_TVAL mtval
#define XRET mret
#define STATUS_IE 0x8         /* mstatus.MIE */
#define IRQ_TIMER 7           /* machine timer interrupt */
#define IRQ_EXT 11            /* machine external interrupt */
#define RISCV_MODE_NAME "M"

#endif
