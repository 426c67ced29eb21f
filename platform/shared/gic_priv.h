/* mote: what gic.c (GICv2, handler table) and gic_v3.c share. */
#ifndef MOTE_GIC_PRIV_H
#define MOTE_GIC_PRIV_H

#include <stdbool.h>
#include <stdint.h>

/* Distributor registers common to v2 and v3. */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ICPENDR 0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GIC_PRIO 0xa0 /* every interrupt; PMR 0xf0 lets it through */

/* The version-specific half: acknowledge (returns the raw IAR value),
 * end of interrupt, and where a PPI/SGI (irq < 32) is configured. */
typedef struct gic_ops {
    uint32_t (*ack)(void);
    void (*eoi)(uint32_t iar);
    uintptr_t (*ppi_base)(void); /* register frame holding INTIDs 0..31 */
    uint32_t intid_mask;         /* INTID bits of the IAR value */
} gic_ops_t;

/* Install (ops) and the distributor at (dist) with (nirqs) INTIDs. */
void gic_set_backend(const gic_ops_t *ops, uintptr_t dist, unsigned nirqs);

#endif
