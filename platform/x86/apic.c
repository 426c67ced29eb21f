/* mote x86: local APIC (xAPIC, memory-mapped), I/O APICs and MSI lines.
 *
 * The 8259 PICs are masked; every device interrupt goes through an IOAPIC
 * redirection entry (microvm's virtio-mmio, GSI n -> line n) or an MSI
 * message (q35's virtio-pci MSI-X, lines from X86_MSI_LINE0), and lands on
 * vector X86_VEC_LINE0 + line of the boot CPU. microvm may have a second
 * IOAPIC at 0xfec10000 for GSIs 24..47 (QEMU's ioapic2). */
#include "arch_io.h"
#include "drivers/virtio/virtio.h"
#include "mote/printk.h"
#include "x86.h"

#define LAPIC_BASE 0xfee00000u
#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define IOAPIC0 0xfec00000u
#define IOAPIC1 0xfec10000u

static unsigned lapic_id;
static unsigned ioapic_count[2]; /* redirection entries of each IOAPIC */
static unsigned msi_next = X86_MSI_LINE0;

void x86_lapic_write(unsigned reg, uint32_t v)
{
    mmio_write32(LAPIC_BASE + reg, v);
}

uint32_t x86_lapic_read(unsigned reg)
{
    return mmio_read32(LAPIC_BASE + reg);
}

void x86_lapic_eoi(void)
{
    x86_lapic_write(LAPIC_EOI, 0);
}

static uint32_t ioapic_read(uintptr_t base, unsigned reg)
{
    mmio_write32(base, reg);
    return mmio_read32(base + 0x10);
}

static void ioapic_write(uintptr_t base, unsigned reg, uint32_t v)
{
    mmio_write32(base, reg);
    mmio_write32(base + 0x10, v);
}

/* Entries of the IOAPIC at (base), 0 if none answers there. */
static unsigned ioapic_probe(uintptr_t base)
{
    uint32_t ver = ioapic_read(base, 1);
    if (ver == 0 || ver == 0xffffffffu)
        return 0;
    unsigned n = ((ver >> 16) & 0xff) + 1;
    for (unsigned i = 0; i < n; i++)
        ioapic_write(base, 0x10 + 2 * i, 1u << 16); /* masked */
    return n;
}

void x86_lapic_init(void)
{
    outb(0x21, 0xff); /* mask both 8259s */
    outb(0xa1, 0xff);
    lapic_id = x86_lapic_read(LAPIC_ID) >> 24;
    x86_lapic_write(LAPIC_TPR, 0);
    x86_lapic_write(LAPIC_SVR, 0x100 | X86_VEC_SPURIOUS);
    ioapic_count[0] = ioapic_probe(IOAPIC0);
    if (ioapic_count[0] == 24)
        ioapic_count[1] = ioapic_probe(IOAPIC1);
}

bool x86_ioapic_route(unsigned gsi, bool level)
{
    uintptr_t base = IOAPIC0;
    unsigned pin = gsi;
    if (pin >= ioapic_count[0]) {
        pin -= ioapic_count[0];
        base = IOAPIC1;
        if (pin >= ioapic_count[1])
            return false;
    }
    if (gsi >= X86_MSI_LINE0)
        return false;
    uint32_t lo = (X86_VEC_LINE0 + gsi) | (level ? 1u << 15 : 0);
    ioapic_write(base, 0x11 + 2 * pin, lapic_id << 24);
    ioapic_write(base, 0x10 + 2 * pin, lo);
    return true;
}

unsigned x86_ioapic_gsis(void)
{
    return ioapic_count[0] + ioapic_count[1];
}

int platform_msi_alloc(uint64_t *addr, uint32_t *data)
{
    if (msi_next >= X86_NLINES)
        return -1;
    unsigned line = msi_next++;
    *addr = LAPIC_BASE | (lapic_id << 12);
    *data = X86_VEC_LINE0 + line; /* fixed delivery, edge */
    return (int)line;
}
