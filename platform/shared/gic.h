/* mote: ARM Generic Interrupt Controller, v2 and v3 (arm64, arm32 virt).
 *
 * One CPU, every interrupt routed to it at one priority, group 0. Interrupt
 * numbers are GIC INTIDs: 16..31 PPIs (per-CPU: the timers), 32.. SPIs
 * (devices). A handler only acknowledges its device and records the event
 * (platform.h section 5); gic_dispatch runs them with interrupts masked.
 * Needs "arch_io.h" from the platform.
 */
#ifndef MOTE_GIC_H
#define MOTE_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_MAX_IRQ 256 /* INTIDs handled; QEMU virt uses < 128 */
#define GIC_SPURIOUS 1023

typedef void (*gic_handler_fn)(unsigned irq);

/* Reset and enable the distributor at (dist) and CPU interface at (cpu),
 * with every interrupt disabled. */
void gic_init(uintptr_t dist, uintptr_t cpu);

/* The same for a GICv3: distributor at (dist), the redistributor region
 * at (redist) (the first frame is this CPU's). Its CPU interface is the
 * ICC_* system registers, reached through the platform's "gic_sysreg.h".
 * Only in builds that list gic_v3.c. */
void gic_init_v3(uintptr_t dist, uintptr_t redist);

/* Route (irq) to (fn) and enable it, edge- or level-triggered. Interrupts
 * that share a line (PCI INTx) may each register: the last one wins, so a
 * shared handler must serve every device on its line. */
void gic_enable(unsigned irq, bool edge, gic_handler_fn fn);

/* Acknowledge and handle every pending interrupt, then return. Called
 * from the IRQ exception. Returns how many were handled. */
unsigned gic_dispatch(void);

/* GIC INTID of a 3-cell devicetree interrupt specifier (type, number,
 * flags) of the arm,gic bindings; sets (*edge) from the flags. Returns
 * false for a specifier it cannot express. */
bool gic_fdt_irq(const uint32_t cells[3], unsigned *irq, bool *edge);

#endif
