/* mote riscv: XLEN-sized register save and load for assembly, so one
 * entry.S serves rv64 and rv32. */
#ifndef MOTE_RISCV_ASM_H
#define MOTE_RISCV_ASM_H

#if __riscv_xlen == 64
#define REG_S sd
#define REG_L ld
#define REGBYTES 8
#else
#define REG_S sw
#define REG_L lw
#define REGBYTES 4
#endif

/* riscv_frame_t (riscv.h): x0..x31, then epc, status, cause, tval. */
#define FRAME_EPC (32 * REGBYTES)
#define FRAME_STATUS (33 * REGBYTES)
#define FRAME_CAUSE (34 * REGBYTES)
#define FRAME_TVAL (35 * REGBYTES)
#define FRAME_SIZE (36 * REGBYTES) /* a multiple of 16 for both XLENs */

#endif
