/* Relay, front half: receives datagrams on its UDP port and forwards each,
 * with the sender's address and a duplicate of its UDP handle (send and
 * transfer rights only), to the back half over a channel. It never
 * answers itself: the back half does, through the handle it was given. */
#include "mote.h"
#include <string.h>

typedef struct msg {
    uint32_t ip, port;
    char data[512];
} msg_t;

static int32_t net, to_back;
static char buf[512];
static uint32_t peer[2];
static msg_t m;

static void arm(void)
{
    mote_udp_recv(1, net, buf, sizeof buf, peer);
}

void mote_start(void)
{
    net = mote_handle("net");
    to_back = mote_handle("to_back");
    arm();
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    if (token == 2) { /* forwarded (or refused): next datagram */
        if (result != MOTE_OK)
            mote_print("front: forward failed");
        arm();
        return;
    }
    if (result != MOTE_OK) {
        arm();
        return;
    }
    int32_t h = mote_handle_dup(net, MOTE_SEND | MOTE_TRANSFER);
    m.ip = peer[0];
    m.port = peer[1];
    memcpy(m.data, buf, (size_t)value);
    if (h < 0 || mote_chan_send(2, to_back, &m, 8 + value, &h, 1) != MOTE_OK) {
        mote_print("front: cannot forward");
        arm();
    }
}
