/* mote: memory-mapped register backend of the 16550 driver (uart16550.h).
 * Needs "arch_io.h" from the platform. */
#include "arch_io.h"
#include "platform/shared/uart16550.h"

static uintptr_t base;
static unsigned shift, width;

void uart16550_mmio_init(uintptr_t b, unsigned s, unsigned w)
{
    base = b, shift = s, width = w == 4 ? 4 : 1;
}

uint8_t uart16550_in(unsigned reg)
{
    if (!base)
        return 0xff;
    uintptr_t a = base + ((uintptr_t)reg << shift);
    return width == 4 ? (uint8_t)mmio_read32(a) : mmio_read8(a);
}

void uart16550_out(unsigned reg, uint8_t v)
{
    if (!base)
        return;
    uintptr_t a = base + ((uintptr_t)reg << shift);
    if (width == 4)
        mmio_write32(a, v);
    else
        mmio_write8(a, v);
}
