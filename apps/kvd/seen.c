/* kvd's memory of recent request ids: a fixed table of KVD_SEEN entries,
 * the oldest reused first, each holding its id and its reply. A retried
 * request finds its entry and gets the same reply, so a PUT or DEL is
 * applied once; a retry of a request still being served is dropped (the
 * client retries again and then finds the reply). Lookup is a linear scan
 * of the table: 256 short compares per datagram. */
#include "apps/kvd/kvd.h"
#include "lib/kstring.h"

#define KVD_SEEN 256

struct kvd_seen {
    uint32_t idlen, rlen;
    uint8_t state; /* 0 = free, else KVD_SEEN_PENDING / KVD_SEEN_DONE */
    char id[KVD_MAX_ID];
    char reply[KVD_MAX_MSG];
};

static kvd_seen_t table[KVD_SEEN];
static uint32_t next_victim;

int kvd_seen_lookup(const char *id, uint32_t idlen, kvd_seen_t **e,
                    const char **reply, uint32_t *rlen)
{
    for (uint32_t i = 0; i < KVD_SEEN; i++) {
        kvd_seen_t *s = &table[i];
        if (s->state && s->idlen == idlen && memcmp(s->id, id, idlen) == 0) {
            *e = s;
            *reply = s->reply;
            *rlen = s->rlen;
            return s->state;
        }
    }
    /* A new id: take the oldest entry that is not still being served. */
    for (uint32_t n = 0; n < KVD_SEEN; n++) {
        kvd_seen_t *s = &table[next_victim];
        next_victim = (next_victim + 1) % KVD_SEEN;
        if (s->state != KVD_SEEN_PENDING) {
            s->state = KVD_SEEN_PENDING;
            s->idlen = idlen;
            memcpy(s->id, id, idlen);
            *e = s;
            return KVD_SEEN_NEW;
        }
    }
    *e = NULL; /* every entry pending: serve it without memory */
    return KVD_SEEN_NEW;
}

void kvd_seen_done(kvd_seen_t *e, const char *reply, uint32_t rlen)
{
    if (!e)
        return;
    memcpy(e->reply, reply, rlen);
    e->rlen = rlen;
    e->state = KVD_SEEN_DONE;
}

void kvd_seen_forget(kvd_seen_t *e)
{
    if (e)
        e->state = 0;
}
