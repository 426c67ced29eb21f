/* mote: PCI configuration access, enumeration and BAR assignment.
 *
 * Shared by every platform that has PCI. Config space is reached through
 * one backend, picked by the platform's source list (no #ifdef):
 *   pci_cfg_ecam.c  memory-mapped ECAM (arm64, riscv, x86 with MCFG);
 *                   call pci_ecam_init() first;
 *   pci_cfg_pio.c   x86 port I/O 0xCF8/0xCFC (first 256 bytes only).
 * pci.c walks the buses, sizes every BAR, keeps an address firmware already
 * gave it (unless told to reassign) or takes one from the platform's
 * windows, enables decoding and bus mastering, and hands each function to
 * a visitor (typically virtio_pci_probe). The platform must map the windows
 * uncached before the visitor touches a BAR.
 */
#ifndef MOTE_PCI_H
#define MOTE_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_IRQ_NONE 0xffffffffu

typedef struct pci_func {
    uint8_t bus, dev, fn;
    uint8_t int_pin;        /* 1..4 = INTA..INTD, 0 = none */
    uint16_t vendor, device;
    uint8_t class_code, subclass;
    unsigned irq;           /* the platform's INTx line, or PCI_IRQ_NONE */
    uint64_t bar[6];        /* bus address; 0 = absent (upper half of a
                               64-bit BAR also reads 0) */
    uint64_t bar_size[6];
    uint8_t bar_is_io;      /* bit i: BAR i is an I/O-port BAR */
} pci_func_t;

/* Address windows for BARs that need one. A size of 0 means "none". */
typedef struct pci_windows {
    uint64_t mem32_base, mem32_size; /* below 4 GiB */
    uint64_t mem64_base, mem64_size; /* for 64-bit BARs; may be above 4 GiB */
    uint64_t io_base, io_size;       /* I/O ports (x86) or a PIO window */
    bool reassign;  /* ignore firmware's assignment (no firmware ran) */
} pci_windows_t;

/* --- config space (one backend) --- */
uint32_t pci_cfg_read32(const pci_func_t *f, unsigned off);
void pci_cfg_write32(const pci_func_t *f, unsigned off, uint32_t v);
/* ECAM backend only: config space of bus 0 starts at (base). */
void pci_ecam_init(uintptr_t base);

/* Narrow accesses, built on the 32-bit ones (pci.c). */
uint16_t pci_cfg_read16(const pci_func_t *f, unsigned off);
uint8_t pci_cfg_read8(const pci_func_t *f, unsigned off);
void pci_cfg_write16(const pci_func_t *f, unsigned off, uint16_t v);

/* Offset of the first capability with id (cap) after offset (after)
 * (0 = from the start of the list), or 0 if there is none. */
uint8_t pci_find_cap(const pci_func_t *f, uint8_t cap, uint8_t after);

typedef unsigned (*pci_irq_fn)(const pci_func_t *f);
typedef void (*pci_visit_fn)(pci_func_t *f);

/* Scan buses 0..(max_bus): for every function, size and assign its BARs
 * from (win), enable memory/I-O decoding and bus mastering, set f->irq to
 * irq_of(f) (NULL: PCI_IRQ_NONE), then call visit(f). Returns the number
 * of functions found. A BAR that fits no window is left disabled and
 * logged. platform_init only. */
unsigned pci_enumerate(const pci_windows_t *win, unsigned max_bus,
                       pci_irq_fn irq_of, pci_visit_fn visit);

#endif
