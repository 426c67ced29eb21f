/* mote riscv: device access primitives for portable drivers (the arch_io.h
 * contract of drivers/virtio/virtio.h), shared by rv64 and rv32.
 *
 * RVWMO lets a hart reorder normal loads and stores, and device (I/O)
 * accesses with them, so the barriers are real fences with both the
 * memory (r/w) and the device (i/o) sets, as Linux uses them: the ring
 * entries must be visible before the index that publishes them, and the
 * index before the MMIO doorbell. Device windows are uncached (no MMU, the
 * PMAs of QEMU virt), and each accessor is one plain load or store of its
 * width, which QEMU (and a hypervisor) can emulate. */
#ifndef MOTE_RISCV_ARCH_IO_H
#define MOTE_RISCV_ARCH_IO_H

#include <stdint.h>

static inline void arch_mb(void) { __asm__ volatile("fence iorw, iorw" ::: "memory"); }
static inline void arch_rmb(void) { __asm__ volatile("fence ir, ir" ::: "memory"); }
static inline void arch_wmb(void) { __asm__ volatile("fence ow, ow" ::: "memory"); }

#include "platform/shared/mmio_plain.h"

#endif
