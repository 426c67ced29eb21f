/* apps/kvd internals: the text protocol and the cache of recent replies.
 *
 * Protocol (one request per datagram, fields separated by single spaces,
 * one trailing newline ignored):
 *   <id> PUT <key> <value>   -> <id> OK            (after the commit is
 * durable) <id> GET <key>           -> <id> OK <value> | <id> NOTFOUND <id> DEL
 * <key>           -> <id> OK | <id> NOTFOUND  (after the commit) <id> SCAN
 * <start> <count> -> <id> OK <k1>=<v1> <k2>=<v2> ... anything malformed -> <id>
 * ERR <reason> | - ERR <reason> Ids, keys and values are non-empty runs of
 * printable bytes without spaces; keys have no '=' either. A request whose id
 * was seen recently gets the first reply again and is not applied twice.
 */
#ifndef APPS_KVD_H
#define APPS_KVD_H

#include <stdint.h>

#define KVD_PORT    7000
#define KVD_MAX_ID  64
#define KVD_MAX_MSG 1472 /* NET_UDP_MAX_PAYLOAD */

enum { KVD_BAD = 0, KVD_GET, KVD_PUT, KVD_DEL, KVD_SCAN };

typedef struct kvd_cmd {
    int op;          /* KVD_*; KVD_BAD with `err` set */
    const char *err; /* reason for ERR */
    const char *id, *key, *val;
    uint32_t idlen, klen, vlen;
    uint32_t count; /* SCAN */
} kvd_cmd_t;

/* Parse datagram (msg, len) into (c); pointers point into msg. */
void kvd_parse(const char *msg, uint32_t len, kvd_cmd_t *c);

/* Recent ids and their replies: a bounded table, oldest entry reused. */
typedef struct kvd_seen kvd_seen_t;

/* The entry for (id): KVD_SEEN_NEW (a fresh entry, now pending),
 * KVD_SEEN_PENDING (being served), or KVD_SEEN_DONE (reply set). */
enum { KVD_SEEN_NEW, KVD_SEEN_PENDING, KVD_SEEN_DONE };
int kvd_seen_lookup(const char *id, uint32_t idlen, kvd_seen_t **e,
                    const char **reply, uint32_t *rlen);
void kvd_seen_done(kvd_seen_t *e, const char *reply, uint32_t rlen);
void kvd_seen_forget(kvd_seen_t *e);

#endif
