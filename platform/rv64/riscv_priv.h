/* mote rv64: the privilege level the kernel runs in, for platform/riscv.
 *
 * rv64 runs in S-mode under OpenSBI (-bios default): the shared trap,
 * timer and PLIC code use the supervisor CSRs, interrupt causes and the
 * PLIC's S-mode context through these names. rv32's copy says M-mode.
 * Included by C and by assembly. */
#ifndef MOTE_RV64_RISCV_PRIV_H
#define MOTE_RV64_RISCV_PRIV_H

#define CSR_STATUS sstatus
#define CSR_IE sie
#define CSR_IP sip
#define CSR_TVEC stvec
#define CSR_EPC sepc
#define CSR_CAUSE scause
#define CSR_TVAL stval
#define XRET sret
#define STATUS_IE 0x2         /* sstatus.SIE */
#define IRQ_TIMER 5           /* supervisor timer interrupt */
#define IRQ_EXT 9             /* supervisor external interrupt */
#define RISCV_MODE_NAME "S"

#endif
