/* A sandboxed guest granted UDP port wg:7000 (tests/wg/tunnel.manifest):
 * for each datagram "PORT", it tries to send "leak" to 10.9.0.1:PORT, the
 * outer side, from its tunnel-only port, then answers the sender with
 * "leak=<result>" (tests/wg/wg_test.py expects the send refused). */
#include "mote.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int32_t t;
static char buf[64], out[64];
static uint32_t peer[2];

static void arm(void)
{
    mote_udp_recv(1, t, buf, sizeof buf - 1, peer);
}

void mote_start(void)
{
    t = mote_handle("t");
    arm();
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    if (token == 1) {
        if (result != MOTE_OK) {
            arm();
            return;
        }
        buf[value] = 0;
        uint32_t port = (uint32_t)atoi(buf);
        int32_t r = mote_udp_send(2, t, "leak", 4, 0x0a090001, (int32_t)port);
        if (r != MOTE_OK) /* refused at once: report that */
            mote_complete(2, r, 0);
        return;
    }
    if (token == 2) {
        snprintf(out, sizeof out, "leak=%d", (int)result);
        mote_udp_send(3, t, out, (int32_t)strlen(out), peer[0], (int32_t)peer[1]);
        return;
    }
    arm(); /* token 3: answered */
}
