/* mote: 16550 UART transmit (see uart16550.h), on the register backend. */
#include "platform/shared/uart16550.h"

#define THR 0 /* transmit holding register (DLL with LCR.DLAB) */
#define IER 1 /* interrupt enable (DLM with LCR.DLAB) */
#define FCR 2 /* FIFO control */
#define LCR 3 /* line control */
#define MCR 4 /* modem control */
#define LSR 5 /* line status */
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS 0x03
#define LSR_THRE 0x20 /* transmit holding register empty */

void uart16550_init(uint32_t clock_hz)
{
    uint32_t div = clock_hz / (16 * 115200u);
    uart16550_out(IER, 0);
    if (div && div <= 0xffff) {
        uart16550_out(LCR, LCR_DLAB);
        uart16550_out(THR, (uint8_t)div);
        uart16550_out(IER, (uint8_t)(div >> 8));
    }
    uart16550_out(LCR, LCR_8N1);
    uart16550_out(FCR, FCR_ENABLE_CLEAR);
    uart16550_out(MCR, MCR_DTR_RTS);
}

static void put(char c)
{
    /* Bounded wait: a missing or wedged UART must not hang a panic. */
    for (int i = 0; i < 100000 && !(uart16550_in(LSR) & LSR_THRE); i++)
        ;
    uart16550_out(THR, (uint8_t)c);
}

void uart16550_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            put('\r');
        put(s[i]);
    }
}
