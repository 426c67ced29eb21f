/* mote: virtio devices described by the device tree, for any FDT platform:
 * "virtio,mmio" nodes and a "pci-host-ecam-generic" bridge (QEMU's arm and
 * riscv virt machines).
 *
 * Shared by the FDT platforms (arm64, arm32, rv64 and rv32 all find their
 * devices this way; written for arm32, moved here from platform/arm32/).
 * The platform supplies the interrupt side: how a specifier of its
 * interrupt controller becomes a line number, and how to route a line to
 * virtio_irq. It calls virtio_start() itself, after these. Needs
 * "arch_io.h" (through platform/shared/pci_cfg_ecam.c).
 */
#ifndef MOTE_FDT_VIRTIO_H
#define MOTE_FDT_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include "platform/shared/fdt.h"

typedef struct fdt_virtio_irq {
    /* Specifier (spec)[0..n) of interrupt controller node (ctrl) as the
     * platform's line, with its trigger in (*edge); false if it is not an
     * interrupt the platform can take. */
    bool (*translate)(const fdt_t *f, int ctrl, const uint32_t *spec,
                      uint32_t n, unsigned *line, bool *edge);
    /* From now on, forward (line) to virtio_irq. */
    void (*enable)(unsigned line, bool edge);
} fdt_virtio_irq_t;

/* Probe every "virtio,mmio" node whose window lies below (limit) (the
 * highest address + 1 the platform maps) and enable the interrupt of each
 * device found. Returns how many were found. platform_init only. */
unsigned fdt_virtio_mmio(const fdt_t *f, const fdt_virtio_irq_t *irq,
                         uint64_t limit);

/* Bring up the first "pci-host-ecam-generic" bridge, if its ECAM lies
 * below (limit): assign BARs from its "ranges" windows that lie below
 * (limit) and whose bus and CPU addresses agree (drivers use a BAR's bus
 * address as its CPU address), route INTx through its "interrupt-map",
 * and offer each function of bus 0 to virtio_pci_probe. Returns how many
 * functions there are. platform_init only. */
unsigned fdt_virtio_pci(const fdt_t *f, const fdt_virtio_irq_t *irq,
                        uint64_t limit);

#endif
