/* mote rv32: nothing below an M-mode kernel to ask for a power-off, so
 * when the FDT names no sifive,test0 device platform_exit halts the hart
 * (platform/riscv/exit.c). */
#include "platform/riscv/riscv.h"

void riscv_exit_fallback(int code) { (void)code; }
