/* libFuzzer target for platform/shared/fdt.c: any byte string is handed to
 * fdt_init with its exact length, and a valid header leads to a walk through
 * every accessor. ASan/UBSan report any read outside the input. Seeds: the
 * QEMU blobs that mk/arm64.mk dumps (fdt-fuzz-short). */
#include <stddef.h>
#include <stdint.h>

#include "platform/shared/fdt.h"
#include "platform/shared/fdt_pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const props[] = {"compatible", "reg", "interrupts",
                                    "#address-cells", "phandle", "bootargs",
                                    "interrupt-map", "ranges"};

static void node_calls(const fdt_t *f, int n, int count)
{
    uint32_t v, len;
    uint64_t a, s;
    (void)fdt_node_name(f, n);
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
        const volatile uint8_t *p = fdt_prop(f, n, props[i], &len);
        if (p && len)
            (void)p[len - 1];
        (void)fdt_prop_u32(f, n, props[i], 1, &v);
        (void)fdt_prop_str(f, n, props[i]);
        (void)fdt_prop_has_str(f, n, props[i], "virtio,mmio");
    }
    fdt_pci_host_t h;
    if (fdt_prop(f, n, "interrupt-map", NULL) && fdt_pci_host(f, n, &h) == KERR_OK) {
        int ctrl;
        uint32_t spec[4], ns;
        for (unsigned pin = 1; pin <= 4; pin++)
            (void)fdt_pci_intx(f, &h, 0, pin, 0, pin, &ctrl, spec, &ns, 4);
    }
    if (count < 16) { /* calls that walk from the root: a prefix only */
        (void)fdt_reg(f, n, 0, &a, &s);
        (void)fdt_reg(f, n, 1, &a, &s);
        (void)fdt_parent(f, n);
        (void)fdt_interrupt_parent(f, n);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fdt_t f;
    if (fdt_init(&f, data, size) != KERR_OK)
        return 0;
    int count = 0, depth = 0;
    for (int n = fdt_next_node(&f, FDT_NONE, &depth);
         n != FDT_NONE && count < 2048; n = fdt_next_node(&f, n, &depth))
        node_calls(&f, n, count++);
    uint64_t a, s;
    (void)fdt_mem_rsv(&f, 0, &a, &s);
    (void)fdt_mem_rsv(&f, 3, &a, &s);
    (void)fdt_bootargs(&f);
    (void)fdt_path(&f, "/cpus/cpu@0");
    (void)fdt_subnode(&f, fdt_path(&f, "/"), "memory");
    (void)fdt_find_compatible(&f, FDT_NONE, "arm,pl011");
    (void)fdt_find_device_type(&f, FDT_NONE, "memory");
    (void)fdt_find_phandle(&f, 1);
    return 0;
}
