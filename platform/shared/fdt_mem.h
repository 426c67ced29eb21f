/* mote: free RAM from the device tree, for any FDT platform.
 *
 * Shared by the FDT platforms (arm64, arm32, rv64 and rv32 all do this
 * the same way; written for arm32, moved here from platform/arm32/).
 * The ranges of every /memory node, minus the DTB itself (kmain keeps the
 * command line in it), the DTB's /memreserve/ entries and the caller's
 * holes (its image, stacks, tables), clipped below (limit) (the highest
 * address + 1 the platform maps: 2^32 on a 32-bit one), go to kmem_add().
 */
#ifndef MOTE_FDT_MEM_H
#define MOTE_FDT_MEM_H

#include <stdint.h>
#include "platform/shared/fdt.h"

#define FDT_MEM_MAX_HOLES 16 /* caller's, DTB and memreserve together */

typedef struct fdt_mem_range {
    uint64_t base, end; /* [base, end) */
} fdt_mem_range_t;

/* Hand the free RAM of (f) below (limit) to kmem, avoiding (holes)[0..n).
 * Reservations beyond FDT_MEM_MAX_HOLES in all are ignored (and logged).
 * platform_init only. */
void fdt_mem_init(const fdt_t *f, const fdt_mem_range_t *holes, int n,
                  uint64_t limit);

#endif
