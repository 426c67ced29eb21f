/* mote x64: mapping device memory above 4 GiB.
 *
 * boot.S identity-maps the first 4 GiB, which holds RAM, the APICs,
 * virtio-mmio and every BAR SeaBIOS places below 4 GiB. A 64-bit BAR may
 * still land higher (large or many devices), so PCI discovery maps such a
 * range on demand: one page directory of 2 MiB uncached pages per GiB,
 * taken from kmem, up to the 512 GiB one PDPT covers. */
#include "kernel/kmem.h"
#include "x64.h"

#define GIB (1ull << 30)
#define PDE_2M_UC 0x9bull /* present, writable, PWT, PCD, page size */

extern uint64_t x64_pdpt[512];

bool x86_map_uc(uint64_t base, uint64_t size)
{
    if (size == 0 || base + size > 512 * GIB)
        return false;
    for (uint64_t a = base & ~(GIB - 1); a < base + size; a += GIB) {
        unsigned i = (unsigned)(a / GIB);
        if (x64_pdpt[i] & 1)
            continue; /* the first 4 GiB, or mapped before */
        uint64_t *pd = kmem_alloc(4096, 4096);
        if (!pd)
            return false;
        for (unsigned j = 0; j < 512; j++)
            pd[j] = (a + ((uint64_t)j << 21)) | PDE_2M_UC;
        x64_pdpt[i] = (uint64_t)(uintptr_t)pd | 3;
    }
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
    return true;
}
