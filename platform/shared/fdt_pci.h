/* mote: a PCI host bridge described by the device tree
 * ("pci-host-ecam-generic", the binding QEMU's arm and riscv virt
 * machines use): its ECAM window, bus range, address windows ("ranges")
 * and legacy INTx routing ("interrupt-map"). Pure FDT reading: the caller
 * (a platform) turns the result into pci_windows_t and interrupt lines.
 */
#ifndef MOTE_FDT_PCI_H
#define MOTE_FDT_PCI_H

#include <stdint.h>
#include "platform/shared/fdt.h"

typedef struct fdt_pci_window {
    uint64_t cpu;  /* CPU physical address of the window */
    uint64_t pci;  /* the same window's PCI bus address */
    uint64_t size; /* 0: no such window */
} fdt_pci_window_t;

typedef struct fdt_pci_host {
    int node;
    uint64_t ecam, ecam_size;       /* config space of bus_first */
    uint32_t bus_first, bus_last;
    fdt_pci_window_t io, mem32, mem64;
} fdt_pci_host_t;

/* Read host bridge node (node) into (h). KERR_NOT_FOUND without reg,
 * KERR_CORRUPT for cell counts this reader cannot handle. The first
 * window of each kind wins; a 32-bit window that extends past 4 GiB, or a
 * "64-bit" window that lies below it, is taken for what it is. */
kerr_t fdt_pci_host(const fdt_t *f, int node, fdt_pci_host_t *h);

/* Route INTx pin (pin, 1..4 = INTA..INTD) of device (bus, dev, fn) through
 * the host's interrupt-map. On success (*ctrl) is the interrupt
 * controller's node and (spec)[0..*nspec) its interrupt specifier (at most
 * (max) cells). KERR_NOT_FOUND if no entry matches. */
kerr_t fdt_pci_intx(const fdt_t *f, const fdt_pci_host_t *h, unsigned bus,
                    unsigned dev, unsigned fn, unsigned pin, int *ctrl,
                    uint32_t *spec, uint32_t *nspec, uint32_t max);

#endif
