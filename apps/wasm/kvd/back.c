/* kvd, sandboxed: the back end. No network at all: it takes requests from
 * the front end over its channel, one at a time, runs them against its KV
 * namespace (kvd's own parser reads the text again), and sends the reply
 * back. A PUT or DEL is answered only after kv_commit has completed, i.e.
 * once the change is durable.
 * guest-sources: ../../kvd/proto.c ../../kvd/seen.c */
#include "mote.h"
#include "apps/kvd/kvd.h"
#include <stdio.h>

enum { T_MSG = 1, T_OP, T_COMMIT, T_REPLY };

typedef struct fwd {
    uint32_t reqno;
    char text[KVD_MAX_MSG];
} fwd_t;

static int32_t db, front;
static fwd_t in, out;
static kvd_cmd_t cmd;
static char val[KVD_MAX_MSG];
static char scan[4096];

static void next(void)
{
    mote_chan_recv(T_MSG, front, &in, sizeof in, 0);
}

static void reply(const char *word, const char *tail, uint32_t tlen)
{
    int n = snprintf(out.text, sizeof out.text, "%.*s %s", (int)cmd.idlen, cmd.id, word);
    if (tail && n + tlen <= sizeof out.text) {
        memcpy(out.text + n, tail, tlen);
        n += (int)tlen;
    }
    out.reqno = in.reqno;
    if (mote_chan_send(T_REPLY, front, &out, 4 + n, 0, 0) != MOTE_OK)
        next();
}

static void reply_err(int32_t err)
{
    char t[32];
    snprintf(t, sizeof t, " store error %d", (int)err);
    reply("ERR", t, (uint32_t)strlen(t));
}

/* "<id> OK k1=v1 k2=v2 ...": the records that fit one datagram. */
static void scanned(int32_t records)
{
    char text[KVD_MAX_MSG];
    uint32_t off = 0, len = 0, room = KVD_MAX_MSG - cmd.idlen - 4;
    for (int32_t r = 0; r < records; r++) {
        uint32_t kl = (uint8_t)scan[off] | (uint8_t)scan[off + 1] << 8;
        uint32_t vl;
        memcpy(&vl, scan + off + 2, 4);
        if (len + kl + vl + 2 > room)
            break;
        text[len++] = ' ';
        memcpy(text + len, scan + off + 6, kl);
        len += kl;
        text[len++] = '=';
        memcpy(text + len, scan + off + 6 + kl, vl);
        len += vl;
        off += 6 + kl + vl;
    }
    reply("OK", text, len);
}

static void run(uint32_t len)
{
    kvd_parse(in.text, len, &cmd);
    int32_t err = MOTE_INVALID;
    switch (cmd.op) {
    case KVD_GET: err = mote_kv_get(T_OP, db, cmd.key, cmd.klen, val + 1, sizeof val - 1); break;
    case KVD_PUT: err = mote_kv_put(T_OP, db, cmd.key, cmd.klen, cmd.val, cmd.vlen); break;
    case KVD_DEL: err = mote_kv_del(T_OP, db, cmd.key, cmd.klen); break;
    case KVD_SCAN:
        err = mote_kv_scan(T_OP, db, cmd.key, cmd.klen, scan, sizeof scan, cmd.count);
        break;
    }
    if (err != MOTE_OK)
        reply_err(err);
}

static void op_done(int32_t result, int32_t value)
{
    if (cmd.op == KVD_GET) {
        if (result == MOTE_OK) {
            val[0] = ' ';
            reply("OK", val, (uint32_t)value + 1);
        } else if (result == MOTE_NOT_FOUND) {
            reply("NOTFOUND", 0, 0);
        } else {
            reply_err(result);
        }
    } else if (cmd.op == KVD_SCAN) {
        if (result == MOTE_OK)
            scanned(value);
        else
            reply_err(result);
    } else if (result == MOTE_NOT_FOUND) { /* DEL of a missing key */
        reply("NOTFOUND", 0, 0);
    } else if (result != MOTE_OK || mote_kv_commit(T_COMMIT, db) != MOTE_OK) {
        reply_err(result);
    }
}

void mote_start(void)
{
    db = mote_handle("db");
    front = mote_handle("front");
    next();
}

void mote_complete(int64_t token, int32_t result, int32_t value)
{
    switch (token) {
    case T_MSG:
        if (result == MOTE_OK && value > 4)
            run((uint32_t)value - 4);
        else if (result != MOTE_UNREACHABLE)
            next();
        break;
    case T_OP: op_done(result, value); break;
    case T_COMMIT:
        if (result == MOTE_OK)
            reply("OK", 0, 0);
        else
            reply_err(result);
        break;
    case T_REPLY: next(); break;
    }
}
