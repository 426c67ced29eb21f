/* mote: PCI configuration access through x86 ports 0xcf8/0xcfc
 * ("configuration mechanism #1"): the first 256 bytes of each function,
 * which hold everything virtio-pci needs. */
#include "arch_io.h"
#include "platform/shared/pci.h"

static uint32_t addr(const pci_func_t *f, unsigned off)
{
    return 0x80000000u | ((uint32_t)f->bus << 16) | ((uint32_t)f->dev << 11) |
           ((uint32_t)f->fn << 8) | (off & 0xfc);
}

uint32_t pci_cfg_read32(const pci_func_t *f, unsigned off)
{
    outl(0xcf8, addr(f, off));
    return inl(0xcfc);
}

void pci_cfg_write32(const pci_func_t *f, unsigned off, uint32_t v)
{
    outl(0xcf8, addr(f, off));
    outl(0xcfc, v);
}
