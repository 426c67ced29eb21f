/* kvd, sandboxed: the front end. It alone holds the UDP port (7000); it
 * checks each request with kvd's own parser and answers malformed ones and
 * repeated ids itself (apps/kvd/seen.c, so a retried PUT is applied once),
 * and forwards the rest, whole, over a channel to the back end, which
 * alone holds the KV namespace. Replies come back on the same channel,
 * tagged with the request number, and go out to the client that asked.
 * guest-sources: ../../kvd/proto.c ../../kvd/seen.c */
#include "mote.h"
#include "apps/kvd/kvd.h"
#include <stdio.h>

#define RX 8                /* receives kept armed */
#define PENDING 16          /* requests at the back end at once */
#define T_RX 0              /* tokens: RX + slot */
#define T_TX 100
#define T_FWD 200
#define T_REPLY 300

typedef struct fwd {        /* a request on its way to the back end */
    uint32_t reqno;
    char text[KVD_MAX_MSG];
} fwd_t;

static int32_t net, back;
static char rx[RX][KVD_MAX_MSG];
static uint32_t peer[RX][2];
static struct pend {
    int used;
    uint32_t reqno, ip, port;
    kvd_seen_t *seen;
    fwd_t msg;
} pend[PENDING];
static uint32_t next_reqno = 1;
static fwd_t reply;
static char out[PENDING + 1][KVD_MAX_MSG];
static int out_busy[PENDING + 1];

static void arm_rx(int i)
{
    if (mote_udp_recv(T_RX + i, net, rx[i], KVD_MAX_MSG, peer[i]) != MOTE_OK)
        mote_print("kvd front: cannot re-arm a receive (too few slots?)");
}

static void arm_reply(void)
{
    mote_chan_recv(T_REPLY, back, &reply, sizeof reply, 0);
}

/* Send (len) bytes of (text) to (ip, port) from a free output buffer. */
static void send_to(uint32_t ip, uint32_t port, const char *text, uint32_t len)
{
    for (int i = 0; i <= PENDING; i++) {
        if (out_busy[i])
            continue;
        memcpy(out[i], text, len);
        if (mote_udp_send(T_TX + i, net, out[i], (int32_t)len, ip, (int32_t)port) == MOTE_OK)
            out_busy[i] = 1;
        return;
    }
}

static void err_reply(int i, const kvd_cmd_t *c, const char *why)
{
    char t[KVD_MAX_MSG];
    int n = c->id ? snprintf(t, sizeof t, "%.*s ERR %s", (int)c->idlen, c->id, why)
                  : snprintf(t, sizeof t, "- ERR %s", why);
    send_to(peer[i][0], peer[i][1], t, (uint32_t)n);
}

static void request(int i, uint32_t len)
{
    kvd_cmd_t c;
    kvd_parse(rx[i], len, &c);
    if (c.op == KVD_BAD) {
        err_reply(i, &c, c.err);
        return;
    }
    kvd_seen_t *e;
    const char *old;
    uint32_t olen;
    int st = kvd_seen_lookup(c.id, c.idlen, &e, &old, &olen);
    if (st == KVD_SEEN_DONE)
        send_to(peer[i][0], peer[i][1], old, olen);
    if (st != KVD_SEEN_NEW)
        return; /* answered again, or the first copy is still being served */
    int p = 0;
    while (p < PENDING && pend[p].used)
        p++;
    if (p == PENDING) {
        kvd_seen_forget(e);
        err_reply(i, &c, "busy");
        return;
    }
    struct pend *q = &pend[p];
    q->used = 1;
    q->reqno = next_reqno++;
    q->ip = peer[i][0];
    q->port = peer[i][1];
    q->seen = e;
    q->msg.reqno = q->reqno;
    memcpy(q->msg.text, rx[i], len);
    if (mote_chan_send(T_FWD + p, back, &q->msg, 4 + (int32_t)len, 0, 0) != MOTE_OK) {
        q->used = 0;
        kvd_seen_forget(e);
        err_reply(i, &c, "back end unavailable");
    }
}

static void replied(int32_t len)
{
    for (int p = 0; p < PENDING; p++) {
        struct pend *q = &pend[p];
        if (!q->used || q->reqno != reply.reqno)
            continue;
        uint32_t n = (uint32_t)len - 4;
        kvd_seen_done(q->seen, reply.text, n);
        send_to(q->ip, q->port, reply.text, n);
        q->used = 0;
        return;
    }
}

void mote_start(void)
{
    net = mote_handle("net");
    back = mote_handle("back");
    for (int i = 0; i < RX; i++)
        arm_rx(i);
    arm_reply();
    mote_print("kvd front: ready on udp port 7000");
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    if (token < T_TX) {
        if (result == MOTE_OK)
            request((int)token, (uint32_t)value);
        arm_rx((int)token);
    } else if (token < T_FWD) {
        out_busy[token - T_TX] = 0;
    } else if (token < T_REPLY) {
        if (result != MOTE_OK) { /* the back end is gone */
            struct pend *q = &pend[token - T_FWD];
            kvd_seen_forget(q->seen);
            q->used = 0;
        }
    } else {
        if (result == MOTE_OK && value >= 4)
            replied(value);
        if (result != MOTE_UNREACHABLE)
            arm_reply();
    }
}
