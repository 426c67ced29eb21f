/* mote: PCI host bridge from the device tree (see fdt_pci.h). Bindings:
 * IEEE 1275 PCI bus binding (3-cell addresses: phys.hi = npt000ss bbbbbbbb
 * dddddfff rrrrrrrr, ss = space code) and the interrupt-map nexus rules of
 * the devicetree specification, section 2.4. */
#include "platform/shared/fdt_pci.h"

#define SPACE_IO 1
#define SPACE_MEM32 2
#define SPACE_MEM64 3
#define MAX_CELLS 8 /* per interrupt-map field; real maps use <= 3 */

static uint32_t cell(const uint8_t *p, uint32_t i)
{
    return (uint32_t)fdt_read_cells(p + 4 * i, 1);
}

static void take(fdt_pci_window_t *w, uint64_t pci, uint64_t cpu, uint64_t size)
{
    if (w->size == 0 && size)
        w->cpu = cpu, w->pci = pci, w->size = size;
}

static kerr_t read_ranges(const fdt_t *f, fdt_pci_host_t *h, uint32_t pac)
{
    uint32_t sc = fdt_size_cells(f, h->node), len;
    if (fdt_address_cells(f, h->node) != 3 || pac > 2 || sc > 2)
        return KERR_CORRUPT;
    const uint8_t *p = fdt_prop(f, h->node, "ranges", &len);
    uint32_t entry = 4 * (3 + pac + sc);
    for (uint32_t i = 0; p && i < len / entry; i++) {
        const uint8_t *e = p + i * entry;
        uint32_t space = cell(e, 0) >> 24 & 3;
        uint64_t pci = fdt_read_cells(e + 4, 2);
        uint64_t cpu = fdt_read_cells(e + 12, pac);
        uint64_t size = fdt_read_cells(e + 12 + 4 * pac, sc);
        if (space == SPACE_IO)
            take(&h->io, pci, cpu, size);
        else if (space == SPACE_MEM32 || (space == SPACE_MEM64 && pci < (1ull << 32)))
            take(&h->mem32, pci, cpu, size);
        else if (space == SPACE_MEM64)
            take(&h->mem64, pci, cpu, size);
    }
    return KERR_OK;
}

kerr_t fdt_pci_host(const fdt_t *f, int node, fdt_pci_host_t *h)
{
    *h = (fdt_pci_host_t){.node = node, .bus_last = 255};
    kerr_t err = fdt_reg(f, node, 0, &h->ecam, &h->ecam_size);
    if (err)
        return err;
    uint32_t a, b;
    if (!fdt_prop_u32(f, node, "bus-range", 0, &a) &&
        !fdt_prop_u32(f, node, "bus-range", 1, &b) && a <= b && b < 256)
        h->bus_first = a, h->bus_last = b;
    uint64_t buses = h->ecam_size >> 20; /* 1 MiB of ECAM per bus */
    if (buses == 0)
        return KERR_CORRUPT;
    if (h->bus_last - h->bus_first + 1 > buses)
        h->bus_last = h->bus_first + (uint32_t)buses - 1;
    int parent = fdt_parent(f, node);
    return read_ranges(f, h, fdt_address_cells(f, parent == FDT_NONE ? node : parent));
}

/* Cells of one interrupt-map entry's parent part: its controller node's
 * #address-cells (default 0 here, per the spec) and #interrupt-cells. */
static bool parent_cells(const fdt_t *f, uint32_t ph, int *ctrl,
                         uint32_t *pac, uint32_t *pic)
{
    *ctrl = fdt_find_phandle(f, ph);
    if (*ctrl == FDT_NONE ||
        fdt_prop_u32(f, *ctrl, "#interrupt-cells", 0, pic) || *pic > MAX_CELLS)
        return false;
    if (fdt_prop_u32(f, *ctrl, "#address-cells", 0, pac))
        *pac = 0;
    return *pac <= MAX_CELLS;
}

kerr_t fdt_pci_intx(const fdt_t *f, const fdt_pci_host_t *h, unsigned bus,
                    unsigned dev, unsigned fn, unsigned pin, int *ctrl,
                    uint32_t *spec, uint32_t *nspec, uint32_t max)
{
    uint32_t ic, len, mlen;
    if (fdt_prop_u32(f, h->node, "#interrupt-cells", 0, &ic) || ic != 1)
        return KERR_CORRUPT;
    const uint8_t *map = fdt_prop(f, h->node, "interrupt-map", &len);
    const uint8_t *mask = fdt_prop(f, h->node, "interrupt-map-mask", &mlen);
    uint32_t key[4] = {(bus & 0xff) << 16 | (dev & 0x1f) << 11 | (fn & 7) << 8,
                       0, 0, pin};
    for (uint32_t i = 0; i < 4; i++)
        if (mask && mlen == 16)
            key[i] &= cell(mask, i);
    uint32_t cells = len / 4, at = 0, ph = 0, pac = 0, pic = 0;
    bool have = false; /* (ph) resolved: entries name the same parent */
    while (map && at + 5 <= cells) {
        const uint8_t *e = map + 4 * at;
        if (!have || cell(e, 4) != ph) {
            ph = cell(e, 4);
            if (!parent_cells(f, ph, ctrl, &pac, &pic))
                return KERR_CORRUPT;
            have = true;
        }
        if (at + 5 + pac + pic > cells)
            return KERR_CORRUPT;
        if (cell(e, 0) == key[0] && cell(e, 1) == key[1] &&
            cell(e, 2) == key[2] && cell(e, 3) == key[3]) {
            if (pic > max)
                return KERR_TOO_BIG;
            for (uint32_t i = 0; i < pic; i++)
                spec[i] = cell(e, 5 + pac + i);
            *nspec = pic;
            return KERR_OK;
        }
        at += 5 + pac + pic;
    }
    return KERR_NOT_FOUND;
}
