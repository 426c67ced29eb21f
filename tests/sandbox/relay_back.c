/* Relay, back half: has no network grant at all. It receives messages with
 * a UDP handle attached, answers the original sender with the payload
 * reversed through that handle, then closes it. */
#include "mote.h"
#include <stdio.h>

typedef struct msg {
    uint32_t ip, port;
    char data[512];
} msg_t;

static int32_t from_front;
static msg_t m;
static int32_t hs[5];
static char out[512];

static void arm(void)
{
    mote_chan_recv(1, from_front, &m, sizeof m, hs);
}

void mote_start(void)
{
    from_front = mote_handle("from_front");
    arm();
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    if (token == 2) {
        mote_handle_close(hs[1]);
        arm();
        return;
    }
    if (result != MOTE_OK || hs[0] != 1 || value < 8) {
        mote_print("back: bad message");
        arm();
        return;
    }
    int n = value - 8;
    for (int i = 0; i < n; i++)
        out[i] = m.data[n - 1 - i];
    /* The transferred handle may send, but it must not receive. */
    static char scratch[8];
    if (mote_udp_recv(3, hs[1], scratch, sizeof scratch, 0) != MOTE_DENIED)
        mote_print("back: transferred handle could receive!");
    if (mote_udp_send(2, hs[1], out, n, m.ip, (int32_t)m.port) != MOTE_OK)
        mote_print("back: send failed");
}
