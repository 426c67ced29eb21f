/* mote: GICv3 backend (see gic.h). QEMU virt has it with gic-version=3,
 * and KVM hosts without GICv2 compatibility need it. Single security
 * state as QEMU presents it to a kernel at EL1: every interrupt is put in
 * group 1 (group 0 would arrive as FIQ), affinity routing on, SPIs routed
 * to the boot CPU (affinity 0.0.0.0). Registers: GICv3 architecture spec.
 */
#include "arch_io.h"
#include "gic_sysreg.h"
#include "platform/shared/gic.h"
#include "platform/shared/gic_priv.h"

#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_GRP1 (1u << 1) /* EnableGrp1NS; EnableGrp1 when DS=1 */
#define GICD_IROUTER 0x6000
#define GICR_WAKER 0x14
#define WAKER_SLEEP (1u << 1)
#define WAKER_ASLEEP (1u << 2)
#define GICR_SGI 0x10000 /* the SGI/PPI frame after RD_base */

static uintptr_t sgi_frame;

static uint32_t v3_ack(void) { return icc_read_iar1(); }
static void v3_eoi(uint32_t iar) { icc_write_eoir1(iar); }
static uintptr_t v3_ppi_base(void) { return sgi_frame; }
static const gic_ops_t v3_ops = {v3_ack, v3_eoi, v3_ppi_base, 0xffffff};

static void wait_rwp(uintptr_t dist)
{
    for (int i = 0; i < 1000000 && (mmio_read32(dist + GICD_CTLR) & GICD_CTLR_RWP); i++)
        ;
}

static void dist_init(uintptr_t dist, unsigned n)
{
    mmio_write32(dist + GICD_CTLR, 0);
    wait_rwp(dist);
    for (unsigned i = 32; i < n; i += 32) {
        mmio_write32(dist + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(dist + GICD_ICPENDR + i / 8, 0xffffffffu);
        mmio_write32(dist + GICD_IGROUPR + i / 8, 0xffffffffu);
    }
    for (unsigned i = 32; i < n; i += 4)
        mmio_write32(dist + GICD_IPRIORITYR + i, GIC_PRIO * 0x01010101u);
    for (unsigned i = 32; i < n; i++) {
        mmio_write32(dist + GICD_IROUTER + 8 * i, 0);
        mmio_write32(dist + GICD_IROUTER + 8 * i + 4, 0);
    }
    mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
    wait_rwp(dist);
}

static void redist_init(uintptr_t rd)
{
    mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~WAKER_SLEEP);
    for (int i = 0; i < 1000000 && (mmio_read32(rd + GICR_WAKER) & WAKER_ASLEEP); i++)
        ;
    sgi_frame = rd + GICR_SGI;
    mmio_write32(sgi_frame + GICD_ICENABLER, 0xffffffffu);
    mmio_write32(sgi_frame + GICD_ICPENDR, 0xffffffffu);
    mmio_write32(sgi_frame + GICD_IGROUPR, 0xffffffffu);
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(sgi_frame + GICD_IPRIORITYR + i, GIC_PRIO * 0x01010101u);
}

void gic_init_v3(uintptr_t dist, uintptr_t redist)
{
    unsigned n = 32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1);
    dist_init(dist, n < GIC_MAX_IRQ ? n : GIC_MAX_IRQ);
    redist_init(redist);
    gic_set_backend(&v3_ops, dist, n);
    icc_init(0xf0); /* system-register interface on, PMR, group 1 on */
}
