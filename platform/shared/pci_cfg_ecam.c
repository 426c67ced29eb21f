/* mote: PCI configuration access through ECAM (PCIe enhanced
 * configuration access): 4 KiB of config space per function, memory
 * mapped from the base the platform found (FDT, ACPI MCFG). */
#include "arch_io.h"
#include "platform/shared/pci.h"

static uintptr_t ecam_base;

void pci_ecam_init(uintptr_t base)
{
    ecam_base = base;
}

static uintptr_t addr(const pci_func_t *f, unsigned off)
{
    return ecam_base + ((uintptr_t)f->bus << 20) + ((uintptr_t)f->dev << 15) +
           ((uintptr_t)f->fn << 12) + (off & 0xffc);
}

uint32_t pci_cfg_read32(const pci_func_t *f, unsigned off)
{
    return ecam_base ? mmio_read32(addr(f, off)) : 0xffffffffu;
}

void pci_cfg_write32(const pci_func_t *f, unsigned off, uint32_t v)
{
    if (ecam_base)
        mmio_write32(addr(f, off), v);
}
