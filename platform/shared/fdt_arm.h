/* mote: what the ARM virt machines (arm64, arm32) read from the device
 * tree in the same way: the PL011 console, the GIC, the timer's PPI and
 * the PSCI conduit. */
#ifndef MOTE_FDT_ARM_H
#define MOTE_FDT_ARM_H

#include "platform/shared/fdt.h"

typedef enum { FDT_PSCI_NONE, FDT_PSCI_HVC, FDT_PSCI_SMC } fdt_psci_t;

/* The PL011 /chosen/stdout-path names (else the first "arm,pl011"), set up
 * as the console if the CPU can address it. */
void fdt_arm_console(const fdt_t *f);

/* Initialise the GICv2 ("arm,cortex-a15-gic", "arm,gic-400") or GICv3
 * ("arm,gic-v3") the tree describes; panics if there is none the CPU can
 * address. */
void fdt_arm_gic(const fdt_t *f);

/* INTID of the architected timer's virtual-timer PPI (27 if unlisted). */
unsigned fdt_arm_timer_irq(const fdt_t *f);

/* Interrupt translation for fdt_virtio.c on the GIC: a 3-cell specifier
 * becomes an INTID, and a found device's line is routed to virtio_irq,
 * always level-triggered. (QEMU's device tree calls virtio-mmio SPIs
 * edge-triggered, but the device holds its line high until the guest
 * acknowledges it; taken as an edge, an interrupt that arrives while the
 * line is still high from the last one is lost for good.) */
extern const struct fdt_virtio_irq fdt_arm_virtio_irq;

/* How /psci says to call the firmware. */
fdt_psci_t fdt_arm_psci(const fdt_t *f);

#endif
