/* mote: ARM PL011 UART, transmit only, polled (the debug console of the
 * arm64 and arm32 virt platforms). Needs "arch_io.h" from the platform. */
#ifndef MOTE_PL011_H
#define MOTE_PL011_H

#include <stddef.h>
#include <stdint.h>

/* Use the UART at physical (base); QEMU needs no baud set-up, and this
 * touches no register so it may be called again once the FDT is read. */
void pl011_init(uintptr_t base);

/* Write (n) bytes, "\n" as "\r\n" (the terminal is raw). Any context. */
void pl011_write(const char *s, size_t n);

#endif
