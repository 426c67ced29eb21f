/* mote riscv: the platform-level interrupt controller (SiFive PLIC, as on
 * QEMU virt), for one context: the boot hart in the kernel's mode (rv64:
 * S-mode, rv32: M-mode; riscv_priv.h).
 *
 * Sources are numbered 1..ndev as in the device tree. Every enabled source
 * gets priority 1 over a threshold of 0. A handler only acknowledges its
 * device and records the event (platform.h section 5); plic_dispatch runs
 * them from the external-interrupt trap with interrupts masked.
 */
#ifndef MOTE_RISCV_PLIC_H
#define MOTE_RISCV_PLIC_H

#include <stdint.h>
#include "platform/shared/fdt.h"

#define PLIC_MAX_IRQ 128 /* sources handled; QEMU virt has 96 (riscv,ndev) */

typedef void (*plic_handler_fn)(unsigned irq);

/* Find the PLIC in (f), pick the context whose interrupts-extended entry
 * is the boot hart's external interrupt of the kernel's mode, disable all
 * its sources and open its threshold. Panics if there is none. */
void plic_init(const fdt_t *f);

/* Route source (irq) to (fn) and enable it. Sources that share a line (PCI
 * INTx) may each register: the last one wins, so a shared handler must
 * serve every device on its line. */
void plic_enable(unsigned irq, plic_handler_fn fn);

/* The PLIC's device-tree node (after plic_init), to recognise interrupt
 * specifiers that name it, e.g. in a PCI interrupt-map. */
int plic_fdt_node(void);

/* Claim, handle and complete every pending source; returns how many.
 * Called from the external-interrupt trap. */
unsigned plic_dispatch(void);

#endif
