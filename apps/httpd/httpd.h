/* apps/httpd internals: connection slots, the request machine, routes.
 *
 * main.c    start-up, the listener, slot pool and limits (accept, evict)
 * conn.c    one connection's machine: read head, read body, answer, repeat
 * routes.c  what a complete request gets: the page, /kv, /stats
 * kvops.c   the KV store: reads, and writes grouped into durable commits
 * http_parse.c  the request parser (its own header, no state here)
 */
#ifndef APPS_HTTPD_H
#define APPS_HTTPD_H

#include "apps/httpd/http_parse.h"
#include "mote/kv.h"
#include "mote/mote.h"

#define HTTPD_PORT      8080
#define HTTPD_MAX_CONNS 256   /* slots; boot arg http_conns= lowers it */
#define HTTPD_MAX_HEAD  8192  /* request line + fields, else 431 */
#define HTTPD_MAX_BODY  16384 /* decoded body, else 413 */
#define HTTPD_IN_CAP    (HTTPD_MAX_HEAD + HTTPD_MAX_BODY)
#define HTTPD_HDR_ROOM  512 /* room before a body built in place */
#define HTTPD_OUT_CAP   (HTTPD_HDR_ROOM + HTTPD_MAX_BODY + 512)
#define HTTPD_LINGER_MS 2000 /* drain after an error answer, then close */

enum {
    C_FREE = 0,
    C_ACCEPTING, /* the armed accept fills this slot */
    C_HEAD,      /* reading a request head (or idle between requests) */
    C_BODY,      /* reading its body */
    C_WORK,      /* a route is working (KV) */
    C_SEND,      /* the answer is being sent */
    C_LINGER,    /* answered with close: draining until EOF or timeout */
    C_CLOSING,   /* closed; waiting for in-flight requests to come back */
};

typedef struct hslot {
    net_tcp_conn_t tcp;
    net_tcp_req_t rx, tx, sh;
    kv_req_t kq;
    int state, inflight;
    int close_after; /* answer, then close */
    int rx_armed;
    uint64_t req_start; /* first byte of this request, or idle since */
    http_req_t req;
    http_chunked_t ch;
    uint32_t inlen, scan, head_len, body_in, body_out, rest, drained;
    const char *body;
    uint32_t body_len;
    int continue_sent;
    struct hslot *next; /* on the KV write batch */
    kerr_t wres;
    char key[KV_MAX_KEY + 1];
    uint32_t klen;
    char in[HTTPD_IN_CAP];
    _Alignas(8) char out[HTTPD_OUT_CAP];
} hslot_t;

#define HTTPD_NSTATUS 12
typedef struct httpd_stats {
    uint64_t requests, accepted, evicted, rejected, timeouts;
    uint64_t by_status[HTTPD_NSTATUS];
    uint64_t commits, puts, deletes;
} httpd_stats_t;

extern httpd_stats_t httpd_stats;
extern int httpd_store_ready;
extern const int httpd_status_codes[HTTPD_NSTATUS];

/* Limits in force (boot arguments over the defaults). */
extern uint32_t httpd_conn_limit;
extern uint64_t httpd_idle_ns, httpd_req_ns;

/* main.c: the slot pool. */
void httpd_slot_released(hslot_t *s); /* a slot went back to C_FREE */
uint32_t httpd_open_conns(void);

/* conn.c */
void conn_start(hslot_t *s);              /* a fresh accepted connection */
void conn_close(hslot_t *s);              /* close now (graceful if possible) */
void conn_reject(hslot_t *s, int status); /* answer (status) and close */

/* Answer the current request: (status), (ctype), body (body, len) which
 * may already lie at s->out + HTTPD_HDR_ROOM; (extra) header lines or "". */
void conn_respond(hslot_t *s, int status, const char *ctype, const char *body,
                  uint32_t len, const char *extra);

/* routes.c: serve the complete request in s->req (body s->body). */
void route(hslot_t *s);
const char *http_reason(int status);

/* kvops.c */
void kvops_start(void (*ready)(void));
void kvops_get(hslot_t *s);
void kvops_write(hslot_t *s, int del);
void kvops_scan(hslot_t *s, const char *start, uint32_t slen, uint32_t count);

#endif
