/* mote: ARM virt machine discovery shared by arm64 and arm32 (fdt_arm.h). */
#include "lib/kstring.h"
#include "mote/printk.h"
#include "drivers/virtio/virtio.h"
#include "platform/shared/fdt_arm.h"
#include "platform/shared/fdt_virtio.h"
#include "platform/shared/gic.h"
#include "platform/shared/pl011.h"

/* Window (i) of (node), if the CPU can address it (arm32: below 4 GiB). */
static bool reg_addr(const fdt_t *f, int node, uint32_t i, uintptr_t *base)
{
    uint64_t b, size;
    if (fdt_reg(f, node, i, &b, &size) != KERR_OK || b > UINTPTR_MAX)
        return false;
    *base = (uintptr_t)b;
    return true;
}

void fdt_arm_console(const fdt_t *f)
{
    const char *out = fdt_prop_str(f, fdt_path(f, "/chosen"), "stdout-path");
    int u = out ? fdt_path(f, out) : FDT_NONE;
    if (u == FDT_NONE || !fdt_prop_has_str(f, u, "compatible", "arm,pl011"))
        u = fdt_find_compatible(f, FDT_NONE, "arm,pl011");
    uintptr_t base;
    if (u != FDT_NONE && reg_addr(f, u, 0, &base))
        pl011_init(base);
}

/* GICv2 is virt's default; GICv3 comes with gic-version=3 (KVM hosts
 * without GICv2 emulation). */
void fdt_arm_gic(const fdt_t *f)
{
    bool v3 = false;
    int g = fdt_find_compatible(f, FDT_NONE, "arm,cortex-a15-gic");
    if (g == FDT_NONE)
        g = fdt_find_compatible(f, FDT_NONE, "arm,gic-400");
    if (g == FDT_NONE)
        v3 = (g = fdt_find_compatible(f, FDT_NONE, "arm,gic-v3")) != FDT_NONE;
    uintptr_t d, c;
    if (g == FDT_NONE || !reg_addr(f, g, 0, &d) || !reg_addr(f, g, 1, &c))
        kpanic("no GICv2 or GICv3 the CPU can address in the device tree");
    if (v3)
        gic_init_v3(d, c);
    else
        gic_init(d, c);
}

/* The virtual timer is the third entry of the architected timer node
 * (arm64's lists "arm,armv7-timer" too). */
unsigned fdt_arm_timer_irq(const fdt_t *f)
{
    int t = fdt_find_compatible(f, FDT_NONE, "arm,armv7-timer");
    uint32_t c[3];
    unsigned irq;
    bool edge;
    if (t == FDT_NONE)
        return 27; /* the architected default (PPI 11) */
    for (uint32_t i = 0; i < 3; i++)
        if (fdt_prop_u32(f, t, "interrupts", 6 + i, &c[i]))
            return 27;
    return gic_fdt_irq(c, &irq, &edge) ? irq : 27;
}

static bool gic_translate(const fdt_t *f, int ctrl, const uint32_t *spec,
                          uint32_t n, unsigned *line, bool *edge)
{
    (void)f, (void)ctrl; /* virt has one interrupt controller, the GIC */
    return n == 3 && gic_fdt_irq(spec, line, edge);
}

static void gic_route(unsigned line, bool edge)
{
    (void)edge; /* see fdt_arm.h: virtio lines are level */
    gic_enable(line, false, virtio_irq);
}

const fdt_virtio_irq_t fdt_arm_virtio_irq = {gic_translate, gic_route};

fdt_psci_t fdt_arm_psci(const fdt_t *f)
{
    const char *m = fdt_prop_str(f, fdt_path(f, "/psci"), "method");
    if (m && !strcmp(m, "hvc"))
        return FDT_PSCI_HVC;
    if (m && !strcmp(m, "smc"))
        return FDT_PSCI_SMC;
    return FDT_PSCI_NONE;
}
