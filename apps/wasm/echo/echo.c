/* UDP echo as a sandboxed mote app: the same service as apps/echo, but
 * holding only the capability its manifest grants (udp 8080, as "net").
 * SLOTS receives stay armed; each completed receive is sent back from the
 * same buffer, and the send's completion re-arms the receive. */
#include "mote.h"

#define SLOTS 32 /* receives kept armed, as apps/echo does */
#define SEND_TOKEN 1000

static int32_t net;
static char buf[SLOTS][1472];
static uint32_t peer[SLOTS][2];

static void arm(int i)
{
    if (mote_udp_recv(i, net, buf[i], sizeof buf[i], peer[i]) != MOTE_OK)
        mote_print("echo: cannot arm a receive");
}

void mote_start(void)
{
    net = mote_handle("net");
    if (net < 0) {
        mote_print("echo: no 'net' grant");
        mote_exit(1);
    }
    for (int i = 0; i < SLOTS; i++)
        arm(i);
    mote_print("ready on udp port 8080");
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    if (token >= SEND_TOKEN) {
        arm((int)(token - SEND_TOKEN));
        return;
    }
    int i = (int)token;
    if ((result != MOTE_OK && result != MOTE_TOO_BIG) ||
        mote_udp_send(SEND_TOKEN + i, net, buf[i], value, peer[i][0], (int32_t)peer[i][1]) != MOTE_OK)
        arm(i);
}
