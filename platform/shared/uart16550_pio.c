/* mote: x86 port-I/O register backend of the 16550 driver (uart16550.h),
 * e.g. COM1 at 0x3f8. Needs "arch_io.h" with inb/outb (platform/x64). */
#include "arch_io.h"
#include "platform/shared/uart16550.h"

static uint16_t port;

void uart16550_pio_init(uint16_t base) { port = base; }

uint8_t uart16550_in(unsigned reg)
{
    return port ? inb((uint16_t)(port + reg)) : 0xff;
}

void uart16550_out(unsigned reg, uint8_t v)
{
    if (port)
        outb((uint16_t)(port + reg), v);
}
