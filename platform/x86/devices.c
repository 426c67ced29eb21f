/* mote x86: device discovery.
 *
 * q35 has PCI: enumerate it (port I/O config access; SeaBIOS assigned the
 * BARs, and ones above 4 GiB get mapped here) and probe every function as
 * virtio-pci, which uses MSI-X. microvm
 * has no PCI: QEMU lists its virtio-mmio windows on the kernel command line
 * as "virtio_mmio.device=<size>@<base>:<gsi>" (auto-kernel-cmdline) when
 * ACPI is off. With ACPI on (the default) it does not, and the layout is
 * fixed by QEMU (hw/i386/microvm.c): 512-byte windows from 0xfeb00000,
 * 24 of them on GSIs 24.. when the second IOAPIC exists, else 8 on GSIs
 * 16... We route each GSI through the IOAPIC, level-triggered. */
#include "arch_io.h"
#include "drivers/virtio/virtio.h"
#include "kernel/platform.h"
#include "lib/kstring.h"
#include "mote/printk.h"
#include "platform/shared/pci.h"
#include "x86.h"

static const char *parse_num(const char *s, uint64_t *v)
{
    unsigned base = 10;
    *v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (;; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
            d = (unsigned)((*s | 0x20) - 'a' + 10);
        else
            return s;
        *v = *v * base + d;
    }
}

static const char *find(const char *s, const char *key)
{
    size_t n = strlen(key);
    for (; *s; s++)
        if (strncmp(s, key, n) == 0)
            return s;
    return NULL;
}

static unsigned mmio_probe(uintptr_t base, unsigned gsi)
{
    if (!virtio_mmio_probe(base, gsi))
        return 0;
    if (!x86_ioapic_route(gsi, true))
        printk(KLOG_ERR, "x86: no IOAPIC pin for GSI %u", gsi);
    return 1;
}

/* Probe each "virtio_mmio.device=SIZE@BASE:IRQ" word of (cmdline). */
static unsigned mmio_from_cmdline(const char *s)
{
    static const char key[] = "virtio_mmio.device=";
    unsigned n = 0;
    for (; (s = find(s, key)) != NULL; s++) {
        uint64_t size, base, irq;
        const char *p = parse_num(s + sizeof key - 1, &size);
        if (*p == 'K' || *p == 'k')
            p++;
        if (*p++ != '@')
            continue;
        p = parse_num(p, &base);
        if (*p++ != ':')
            continue;
        parse_num(p, &irq);
        n += mmio_probe((uintptr_t)base, (unsigned)irq);
    }
    return n;
}

static unsigned mmio_fixed_map(void)
{
    bool two = x86_ioapic_gsis() > 24;
    unsigned n = 0, slots = two ? 24 : 8, gsi0 = two ? 24 : 16;
    for (unsigned i = 0; i < slots; i++)
        n += mmio_probe(0xfeb00000u + 512u * i, gsi0 + i);
    return n;
}

static bool pci_present(void)
{
    pci_func_t host = { 0 };
    return (pci_cfg_read32(&host, 0) & 0xffff) != 0xffff;
}

/* INTx of a q35 root-bus function: QEMU's ICH9 routes INT[A-D] of slot s
 * to PIRQ[E-H] rotated by slot (hw/isa/lpc_ich9.c), and PIRQ A-H are
 * IOAPIC pins 16-23. Used only by a function without MSI-X. */
static unsigned q35_intx(const pci_func_t *f)
{
    if (f->int_pin < 1 || f->int_pin > 4 || f->bus != 0)
        return PCI_IRQ_NONE;
    return 20 + ((f->dev + f->int_pin - 1u) & 3);
}

static void pci_visit(pci_func_t *f)
{
    for (unsigned i = 0; i < 6; i++) {
        uint64_t end = f->bar[i] + f->bar_size[i];
        if (!f->bar[i] || (f->bar_is_io & (1u << i)) || end <= (4ull << 30))
            continue;
        bool ok = x86_map_uc(f->bar[i], f->bar_size[i]);
        printk(ok ? KLOG_INFO : KLOG_WARN, "x86: pci %02x:%02x.%u: BAR%u at %#lx %s",
               f->bus, f->dev, f->fn, i, (unsigned long)f->bar[i],
               ok ? "mapped above 4 GiB" : "cannot be mapped, device ignored");
        if (!ok)
            return;
    }
    if (!virtio_pci_probe(f) || f->irq == PCI_IRQ_NONE)
        return;
    uint8_t msix = pci_find_cap(f, 0x11, 0);
    if (!msix || !(pci_cfg_read16(f, msix + 2) & 0x8000))
        x86_ioapic_route(f->irq, true); /* the driver fell back to INTx */
}

void x86_devices_init(const char *cmdline)
{
    if (pci_present()) {
        /* SeaBIOS assigned every BAR below 4 GiB; keep its choices. */
        pci_windows_t win = { 0 };
        unsigned n = pci_enumerate(&win, 0, q35_intx, pci_visit);
        printk(KLOG_INFO, "x86: PCI bus 0: %u functions", n);
    } else {
        unsigned n = mmio_from_cmdline(cmdline);
        if (n == 0)
            n = mmio_fixed_map();
        printk(KLOG_INFO, "x86: %u virtio-mmio devices", n);
    }
    virtio_start();
}

void platform_poll(void)
{
    virtio_poll();
}
