/* A small HTTP/1.1 server as a sandboxed mote app (apps/wasm/httpd).
 *
 * It holds one capability, the TCP listener on port 8080 with the accept,
 * send and receive rights (httpd.manifest); every connection it accepts
 * arrives as a new handle. Requests are parsed with the native httpd's own
 * parser (apps/httpd/http_parse.c, compiled into the guest), so the same
 * code that is fuzzed answers here too. Keep-alive and pipelining work;
 * there are two routes:
 *   GET /       a short text page
 *   GET /count  how many requests this instance has answered
 * anything else is 404, other methods 405, a request with a body 413, a
 * head over 4 KiB 431, a malformed one 400 (and then the connection ends).
 * guest-sources: ../../httpd/http_parse.c */
#include "mote.h"
#include "apps/httpd/http_parse.h"
#include <stdio.h>

#define CONNS   8
#define IN_CAP  4096
#define OUT_CAP 512

enum { T_ACCEPT, T_RECV, T_SEND, T_CLOSE_AFTER };

typedef struct conn {
    int32_t h; /* 0: free */
    uint32_t inlen, scan, rest;
    int close_after, http10;
    char in[IN_CAP];
    char out[OUT_CAP];
} conn_t;

static int32_t web;
static conn_t conns[CONNS];
static int accepting = -1; /* the slot an accept is armed for */
static long answered;

static int64_t token(int i, int op)
{
    return (int64_t)i * 4 + op;
}

static void arm_accept(void)
{
    if (accepting >= 0)
        return;
    for (int i = 0; i < CONNS; i++)
        if (!conns[i].h) {
            accepting = i;
            if (mote_tcp_accept(token(i, T_ACCEPT), web, NULL) != MOTE_OK) {
                mote_print("httpd: cannot arm accept");
                accepting = -1;
            }
            return;
        }
}

static void drop(conn_t *c)
{
    mote_handle_close(c->h);
    c->h = 0;
    arm_accept();
}

static void arm_recv(conn_t *c, int i)
{
    if (c->inlen == IN_CAP ||
        mote_tcp_recv(token(i, T_RECV), c->h, c->in + c->inlen,
                      IN_CAP - (int32_t)c->inlen))
        drop(c);
}

static void answer(conn_t *c, int i, int status, const char *reason,
                   const char *body, const char *extra)
{
    int n = snprintf(c->out, sizeof c->out,
                     "HTTP/1.1 %d %s\r\nServer: "
                     "mote-wasm-httpd\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %d\r\n%s%s\r\n%s",
                     status, reason, (int)strlen(body),
                     c->close_after ? "Connection: close\r\n"
                     : c->http10    ? "Connection: keep-alive\r\n"
                                    : "",
                     extra, body);
    answered++;
    if (mote_tcp_send(token(i, c->close_after ? T_CLOSE_AFTER : T_SEND), c->h,
                      c->out, n))
        drop(c);
}

/* Serve the next complete request in c->in, or ask for more bytes. */
static void serve(conn_t *c, int i)
{
    uint32_t end = http_head_end(c->in, c->inlen, &c->scan);
    if (!end) {
        if (c->inlen >= IN_CAP) {
            c->close_after = 1;
            answer(c, i, 431, "Request Header Fields Too Large", "too large\n",
                   "");
            return;
        }
        arm_recv(c, i);
        return;
    }
    http_req_t r;
    int st = http_parse_head(c->in, end, &r);
    c->rest = end;
    c->close_after = !r.keep_alive;
    c->http10 = r.minor == 0;
    if (st) {
        c->close_after = 1;
        answer(c, i, st, "Error", "bad request\n", "");
    } else if (r.chunked || (r.has_length && r.content_length)) {
        c->close_after = 1;
        answer(c, i, 413, "Content Too Large", "no bodies here\n", "");
    } else if (r.method != HTTP_M_GET && r.method != HTTP_M_HEAD) {
        answer(c, i, 405, "Method Not Allowed", "GET only\n",
               "Allow: GET, HEAD\r\n");
    } else if (r.path_len == 1 && r.path[0] == '/') {
        answer(c, i, 200, "OK", "hello from a sandboxed mote app\n", "");
    } else if (r.path_len == 6 && !memcmp(r.path, "/count", 6)) {
        static char body[32];
        snprintf(body, sizeof body, "%ld\n", answered);
        answer(c, i, 200, "OK", body, "");
    } else {
        answer(c, i, 404, "Not Found", "not found\n", "");
    }
}

void mote_start(void)
{
    web = mote_handle("web");
    if (web < 0) {
        mote_print("httpd: no 'web' grant");
        mote_exit(1);
    }
    arm_accept();
    mote_print("ready on tcp port 8080");
}

void mote_complete(int64_t tok, int32_t result, int32_t value)
{
    int i = (int)(tok / 4), op = (int)(tok % 4);
    conn_t *c = &conns[i];
    switch (op) {
    case T_ACCEPT:
        accepting = -1;
        if (result == MOTE_OK) {
            c->h = value;
            c->inlen = c->scan = 0;
            arm_recv(c, i);
        }
        arm_accept();
        break;
    case T_RECV:
        if (result != MOTE_OK) {
            drop(c); /* MOTE_CLOSED, reset, ... */
            break;
        }
        c->inlen += (uint32_t)value;
        serve(c, i);
        break;
    case T_SEND:
        if (result != MOTE_OK) {
            drop(c);
            break;
        }
        memmove(c->in, c->in + c->rest, c->inlen - c->rest);
        c->inlen -= c->rest;
        c->scan = 0;
        serve(c, i);
        break;
    case T_CLOSE_AFTER: drop(c); break;
    }
}
