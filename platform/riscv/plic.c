/* mote riscv: PLIC driver (see plic.h). Register map of the SiFive PLIC
 * (riscv-plic-spec): priorities at 4*source, enable bits at 0x2000 +
 * 0x80*context, threshold and claim/complete at 0x200000 + 0x1000*context. */
#include "arch_io.h"
#include "mote/printk.h"
#include "platform/riscv/plic.h"
#include "platform/riscv/riscv.h"

#define PRIORITY(s) (4u * (s))
#define ENABLE(c, s) (0x2000u + 0x80u * (c) + 4u * ((s) / 32))
#define THRESHOLD(c) (0x200000u + 0x1000u * (c))
#define CLAIM(c) (THRESHOLD(c) + 4)

static uintptr_t plic;
static unsigned ctx, ndev;
static int plic_node = FDT_NONE;
static plic_handler_fn handlers[PLIC_MAX_IRQ];

/* Index of the (phandle, cause) pair naming the boot hart's external
 * interrupt (IRQ_EXT) in the PLIC's interrupts-extended; -1 if none. */
static int find_context(const fdt_t *f, int node)
{
    uint32_t intc = riscv_cpu_intc(f), ph, cause;
    for (uint32_t i = 0;
         !fdt_prop_u32(f, node, "interrupts-extended", 2 * i, &ph) &&
         !fdt_prop_u32(f, node, "interrupts-extended", 2 * i + 1, &cause);
         i++)
        if (ph == intc && cause == IRQ_EXT)
            return (int)i;
    return -1;
}

void plic_init(const fdt_t *f)
{
    int node = fdt_find_compatible(f, FDT_NONE, "riscv,plic0");
    if (node == FDT_NONE)
        node = fdt_find_compatible(f, FDT_NONE, "sifive,plic-1.0.0");
    uint64_t base, size;
    int c = node == FDT_NONE ? -1 : find_context(f, node);
    if (c < 0 || fdt_reg(f, node, 0, &base, &size))
        kpanic("no PLIC context for hart %lu in " RISCV_MODE_NAME "-mode",
               riscv_hartid);
    uint32_t n = 0;
    fdt_prop_u32(f, node, "riscv,ndev", 0, &n);
    plic = (uintptr_t)base, ctx = (unsigned)c;
    ndev = n && n < PLIC_MAX_IRQ ? n : PLIC_MAX_IRQ - 1;
    plic_node = node;
    for (unsigned s = 0; s <= ndev; s += 32)
        mmio_write32(plic + ENABLE(ctx, s), 0);
    mmio_write32(plic + THRESHOLD(ctx), 0);
    csr_set(CSR_IE, 1ul << IRQ_EXT);
}

void plic_enable(unsigned irq, plic_handler_fn fn)
{
    if (irq == 0 || irq > ndev)
        kpanic("PLIC source %u out of range 1..%u", irq, ndev);
    handlers[irq] = fn;
    mmio_write32(plic + PRIORITY(irq), 1);
    uintptr_t en = plic + ENABLE(ctx, irq);
    mmio_write32(en, mmio_read32(en) | 1u << (irq % 32));
}

unsigned plic_dispatch(void)
{
    unsigned n = 0;
    for (uint32_t s; (s = mmio_read32(plic + CLAIM(ctx))) != 0; n++) {
        if (s < PLIC_MAX_IRQ && handlers[s])
            handlers[s](s);
        mmio_write32(plic + CLAIM(ctx), s);
    }
    return n;
}

int plic_fdt_node(void) { return plic_node; }
