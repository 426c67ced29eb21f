/* mote: PL011 UART transmit (see pl011.h). */
#include "platform/shared/pl011.h"
#include "arch_io.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define FR_TXFF (1u << 5) /* transmit FIFO full */

static uintptr_t uart;

void pl011_init(uintptr_t base) { uart = base; }

static void put(char c)
{
    while (mmio_read32(uart + UART_FR) & FR_TXFF)
        ;
    mmio_write32(uart + UART_DR, (uint8_t)c);
}

void pl011_write(const char *s, size_t n)
{
    if (!uart)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            put('\r');
        put(s[i]);
    }
}
