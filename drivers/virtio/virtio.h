/* mote: virtio drivers, the platform's side of the seam.
 *
 * drivers/virtio/ serves KOP_CLASS_RNG, KOP_CLASS_BLK and KOP_CLASS_NET on
 * any platform that finds virtio devices and forwards their interrupts. It
 * is portable code with three small dependencies on the platform, listed
 * in section 2. A platform's whole job is section 1:
 *
 *   platform_init():
 *       for each virtio-mmio window it knows of (FDT, cmdline, fixed map):
 *           virtio_mmio_probe(base, irq);
 *       for each PCI function (platform/shared/pci.h enumerates them):
 *           virtio_pci_probe(fn);
 *       virtio_start();                   -- registers the services
 *   interrupt handler for line (irq):   virtio_irq(irq);  then EOI
 *   platform_poll():                     virtio_poll();
 *
 * Probing a window with no device (device id 0, bad magic) is harmless and
 * returns false, so a platform may probe every slot of a fixed map.
 */
#ifndef MOTE_VIRTIO_H
#define MOTE_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

struct pci_func;

/* --- 1. What a platform calls ------------------------------------------ */

/* Probe the virtio-mmio register window at physical address (base), whose
 * interrupt the platform will forward as virtio_irq(irq). Handles both the
 * legacy (version 1) and modern (version 2) register layouts. Returns true
 * if a supported device was found and initialised. platform_init only. */
bool virtio_mmio_probe(uintptr_t base, unsigned irq);

/* Whether the virtio-mmio window at (base) holds a device at all (magic
 * and a non-zero device id): two register reads, so that a platform can
 * skip the interrupt lookup of the many empty slots. platform_init only. */
bool virtio_mmio_present(uintptr_t base);

/* Probe PCI function (fn) (any function: non-virtio ones return false).
 * Its BARs must already be assigned and mapped (pci_enumerate does it) and
 * fn->irq must name its INTx line, as the platform will forward it, or be
 * PCI_IRQ_NONE. The driver uses MSI-X instead when the device has it and
 * platform_msi_alloc() (section 2) gives it a message. platform_init only. */
bool virtio_pci_probe(const struct pci_func *fn);

/* After all probes: register a kservice for every class that has a device,
 * and log one line for each class that has none (requests for it then fail
 * with KERR_NO_DEVICE, from the kernel). platform_init only. */
void virtio_start(void);

/* Interrupt line (irq) fired (any context with interrupts off, normally the
 * platform's interrupt handler). Acknowledges every device on that line and
 * records that it has work; never completes a request. The platform sends
 * its EOI after this returns. */
void virtio_irq(unsigned irq);

/* Drain used rings and complete requests through kcomplete(). Tick context
 * only: the platform calls it from platform_poll(). Cheap when idle. */
void virtio_poll(void);

/* --- 2. What the driver needs from the platform ------------------------- */

/* a) "arch_io.h", found on the include path the platform adds
 *    (-Iplatform/<arch>). It defines, as static inline functions:
 *        uint8_t  mmio_read8(uintptr_t a);   void mmio_write8(uintptr_t a, uint8_t v);
 *        uint16_t mmio_read16(uintptr_t a);  void mmio_write16(uintptr_t a, uint16_t v);
 *        uint32_t mmio_read32(uintptr_t a);  void mmio_write32(uintptr_t a, uint32_t v);
 *        void arch_mb(void);    full barrier, orders memory and MMIO
 *        void arch_rmb(void);   orders loads (used ring index before entries)
 *        void arch_wmb(void);   orders stores (ring entries before index)
 *    MMIO accessors are single, uncached, little-endian device accesses.
 * b) kernel/platform.h: platform_dma_addr(), platform_irq_save/restore().
 * c) kernel/kmem.h: kmem_alloc() for rings and buffers (at probe time only).
 * d) For virtio-pci MSI-X only, platform_msi_alloc() below. */

/* Allocate a message-signalled interrupt: on success store the message
 * address and data a device must write, and return the line number the
 * platform will then forward as virtio_irq(line). Return -1 when the
 * platform has no MSI (the driver falls back to INTx). platform_init only. */
int platform_msi_alloc(uint64_t *addr, uint32_t *data);

#endif
