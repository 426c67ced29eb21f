/* mote: GICv2 (see gic.h). Registers from the GICv2 architecture spec. */
#include "platform/shared/gic.h"
#include "arch_io.h"
#include "platform/shared/gic_priv.h"

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

static uintptr_t gicd, gicc;
static unsigned nirqs;
static const gic_ops_t *gic;
static gic_handler_fn handlers[GIC_MAX_IRQ];

void gic_set_backend(const gic_ops_t *ops, uintptr_t dist, unsigned n)
{
    gic = ops, gicd = dist;
    nirqs = n > GIC_MAX_IRQ ? GIC_MAX_IRQ : n;
}

static uint32_t v2_ack(void) { return mmio_read32(gicc + GICC_IAR); }
static void v2_eoi(uint32_t iar) { mmio_write32(gicc + GICC_EOIR, iar); }
static uintptr_t v2_ppi_base(void) { return gicd; } /* banked per CPU */
static const gic_ops_t v2_ops = {v2_ack, v2_eoi, v2_ppi_base, 0x3ff};

void gic_init(uintptr_t dist, uintptr_t cpu)
{
    gicc = cpu;
    mmio_write32(dist + GICD_CTLR, 0);
    gic_set_backend(&v2_ops, dist,
                    32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1));
    for (unsigned i = 0; i < nirqs; i += 32) {
        mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
    }
    for (unsigned i = 0; i < nirqs; i += 4) {
        mmio_write32(gicd + GICD_IPRIORITYR + i, GIC_PRIO * 0x01010101u);
        if (i >= 32) /* SPI targets; the SGI/PPI ones are read-only */
            mmio_write32(gicd + GICD_ITARGETSR + i, 0x01010101u);
    }
    mmio_write32(gicd + GICD_CTLR, 1);
    mmio_write32(gicc + GICC_PMR, 0xf0);
    mmio_write32(gicc + GICC_CTLR, 1);
}

void gic_enable(unsigned irq, bool edge, gic_handler_fn fn)
{
    if (!gic || irq >= nirqs)
        return;
    handlers[irq] = fn;
    uintptr_t base = irq < 32 ? gic->ppi_base() : gicd;
    if (irq >= 16) { /* SGIs are always edge */
        uintptr_t cfg = base + GICD_ICFGR + irq / 16 * 4;
        unsigned shift = irq % 16 * 2 + 1;
        uint32_t v = mmio_read32(cfg) & ~(1u << shift);
        mmio_write32(cfg, v | (uint32_t)edge << shift);
    }
    mmio_write32(base + GICD_ISENABLER + irq / 32 * 4, 1u << (irq % 32));
}

unsigned gic_dispatch(void)
{
    unsigned n = 0;
    for (; gic; n++) {
        uint32_t iar = gic->ack();
        unsigned irq = iar & gic->intid_mask;
        if (irq >= GIC_SPURIOUS - 3 && irq <= GIC_SPURIOUS) /* special, spurious */
            return n;
        if (irq < GIC_MAX_IRQ && handlers[irq])
            handlers[irq](irq);
        gic->eoi(iar);
    }
    return n;
}

bool gic_fdt_irq(const uint32_t cells[3], unsigned *irq, bool *edge)
{
    unsigned base = cells[0] == 0 ? 32 : cells[0] == 1 ? 16 : 0;
    if (!base || cells[1] >= GIC_MAX_IRQ - base)
        return false;
    *irq = base + cells[1];
    *edge = (cells[2] & 0xf) == 1 || (cells[2] & 0xf) == 2;
    return true;
}
