/* mote: 16550-compatible UART, transmit only, polled: the debug console
 * of the riscv virt platforms, and of any machine with a PC-style UART.
 *
 * The driver (uart16550.c) touches registers only through the two backend
 * functions below, by register index (0 = THR .. 7 = SCR). A platform picks
 * one backend by its source list, as with pci_cfg_*.c (no #ifdef):
 *   uart16550_mmio.c  memory-mapped, with the FDT's reg-shift and
 *                     reg-io-width (riscv virt: shift 0, width 1);
 *   uart16550_pio.c   x86 port I/O (COM1: uart16550_pio_init(0x3f8)).
 */
#ifndef MOTE_UART16550_H
#define MOTE_UART16550_H

#include <stddef.h>
#include <stdint.h>

/* Program 8N1, FIFOs on, UART interrupts off. (clock_hz) is the UART's
 * input clock: when non-zero the divisor is set for 115200 baud, when 0
 * the divisor firmware or the emulator chose is kept. Optional: QEMU's
 * UART transmits without it. */
void uart16550_init(uint32_t clock_hz);

/* Write (n) bytes, "\n" as "\r\n" (the terminal is raw). Waits (bounded)
 * for room in the transmitter. Any context. Writes nothing until the
 * backend has a device. */
void uart16550_write(const char *s, size_t n);

/* --- the register access seam: one backend --- */
/* Register (reg) 0..7; return 0xff / do nothing while there is no device. */
uint8_t uart16550_in(unsigned reg);
void uart16550_out(unsigned reg, uint8_t v);

/* uart16550_mmio.c: registers at (base) + (reg << shift), accessed
 * (width) bytes wide (1 or 4). May be called again, e.g. once the FDT is
 * read. */
void uart16550_mmio_init(uintptr_t base, unsigned shift, unsigned width);

/* uart16550_pio.c: registers at I/O ports (base) + (reg). */
void uart16550_pio_init(uint16_t base);

#endif
