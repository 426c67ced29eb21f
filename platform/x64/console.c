/* mote x64: debug console on COM1 (16550 UART at port 0x3f8), polled.
 * Polling keeps it usable from panic with interrupts off. */
#include "arch_io.h"
#include "kernel/platform.h"
#include "x64.h"

#define COM1 0x3f8

void x64_serial_init(void)
{
    outb(COM1 + 1, 0x00); /* no UART interrupts */
    outb(COM1 + 3, 0x80); /* DLAB on: set the divisor */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
    outb(COM1 + 2, 0xc7); /* FIFOs on and cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
    /* Bounded wait: a missing UART reads 0xff and never blocks us. */
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (uint8_t)c);
}

void platform_console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r'); /* a raw terminal needs CR LF */
        serial_putc(s[i]);
    }
}
