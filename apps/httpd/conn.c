/* httpd: one connection's machine.
 *
 *   C_HEAD --head complete--> C_BODY --body complete--> C_WORK --> C_SEND
 *     ^                                                              |
 *     +------------- keep-alive: next (maybe pipelined) request -----+
 *
 * Requests are served one at a time per connection, in order, so answers
 * to pipelined requests come back in request order (RFC 9112 9.3.2). While
 * a request is being served no receive is armed: further pipelined bytes
 * wait in the TCP receive buffer, which is the flow control.
 *
 * Time limits are receive deadlines: a connection with no request bytes
 * closes after http_idle_ms; once the first byte of a request is here, the
 * whole request (head and body) must arrive within http_req_ms, else 408.
 * An answer that closes the connection (errors, Connection: close) is
 * followed by a lingering close: shut down our side, read and discard for
 * up to HTTPD_LINGER_MS so the client reads the answer instead of a RST.
 *
 * Every request this file submits counts in s->inflight; a closed slot goes
 * back to the pool only when all of them have come back.
 */
#include "apps/httpd/httpd.h"
#include "lib/kstring.h"

static void process(hslot_t *s);
static void conn_rx_done(kwork_t *w);
static void conn_tx_done(kwork_t *w);
static void conn_sh_done(kwork_t *w);

static void maybe_release(hslot_t *s)
{
    if (s->state == C_CLOSING && s->inflight == 0) {
        s->state = C_FREE;
        httpd_slot_released(s);
    }
}

void conn_close(hslot_t *s)
{
    if (s->state == C_CLOSING || s->state == C_FREE)
        return;
    s->state = C_CLOSING;
    net_tcp_close(&s->tcp);
    maybe_release(s);
}

/* Returns 0 if the callback should go on, 1 if the slot is closing. */
static int came_back(hslot_t *s)
{
    s->inflight--;
    if (s->state == C_CLOSING) {
        maybe_release(s);
        return 1;
    }
    return 0;
}

static void arm_rx(hslot_t *s, uint64_t deadline)
{
    net_tcp_req_init(&s->rx, KOP_TCP_RECV, &s->tcp, s->in + s->inlen,
                     HTTPD_IN_CAP - s->inlen, conn_rx_done, s);
    s->rx.work.deadline = deadline;
    if (ksubmit(&s->rx.work) != KERR_OK) {
        conn_close(s);
        return;
    }
    s->inflight++;
}

static void linger_start(hslot_t *s)
{
    s->state = C_LINGER;
    s->inlen = 0;
    s->drained = 0;
    s->req_start = ktime_now() + HTTPD_LINGER_MS * KTIME_MS; /* its end */
    net_tcp_req_init(&s->sh, KOP_TCP_SHUTDOWN, &s->tcp, NULL, 0, conn_sh_done,
                     s);
    s->sh.work.deadline = s->req_start;
    if (ksubmit(&s->sh.work) == KERR_OK)
        s->inflight++;
    arm_rx(s, s->req_start);
}

static void conn_sh_done(kwork_t *w)
{
    came_back(w->ctx);
}

static int status_index(int status)
{
    for (int i = 0; i < HTTPD_NSTATUS; i++)
        if (httpd_status_codes[i] == status)
            return i;
    return HTTPD_NSTATUS - 1;
}

/* Send (len) bytes at (p) (inside s->out) as the answer. */
static void send_out(hslot_t *s, const char *p, uint32_t len)
{
    net_tcp_req_init(&s->tx, KOP_TCP_SEND, &s->tcp, (void *)(uintptr_t)p, len,
                     conn_tx_done, s);
    s->tx.work.deadline = ktime_now() + 30 * KTIME_S; /* a reader that stalls */
    if (ksubmit(&s->tx.work) != KERR_OK) {
        conn_close(s);
        return;
    }
    s->inflight++;
}

void conn_respond(hslot_t *s, int status, const char *ctype, const char *body,
                  uint32_t len, const char *extra)
{
    char hdr[HTTPD_HDR_ROOM];
    int head_only = s->req.method == HTTP_M_HEAD;
    if (!s->req.keep_alive)
        s->close_after = 1;
    const char *conn = s->close_after      ? "Connection: close\r\n"
                       : s->req.minor == 0 ? "Connection: keep-alive\r\n"
                                           : "";
    int n = ksnprintf(hdr, sizeof hdr,
                      "HTTP/1.1 %d %s\r\nServer: mote-httpd\r\n"
                      "Content-Type: %s\r\nContent-Length: %u\r\n%s%s\r\n",
                      status, http_reason(status), ctype, (unsigned)len, conn,
                      extra ? extra : "");
    if (n < 0 || (uint32_t)n >= sizeof hdr ||
        len > HTTPD_OUT_CAP - HTTPD_HDR_ROOM) {
        status = 500;
        n = ksnprintf(
            hdr, sizeof hdr,
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n");
        s->close_after = 1;
        len = 0;
        body = NULL;
    }
    httpd_stats.by_status[status_index(status)]++;
    if (head_only)
        len = 0;
    char *start = s->out + HTTPD_HDR_ROOM - (uint32_t)n;
    if (len && body != s->out + HTTPD_HDR_ROOM)
        memmove(s->out + HTTPD_HDR_ROOM, body, len);
    memcpy(start, hdr, (uint32_t)n);
    s->state = C_SEND;
    send_out(s, start, (uint32_t)n + len);
}

/* An error answer that ends the connection. */
static void fail(hslot_t *s, int status)
{
    static const char msg[] = "error\n";
    s->close_after = 1;
    conn_respond(s, status, "text/plain", msg, sizeof msg - 1, "");
}

/* A fresh connection that is answered (status) and closed unread. */
void conn_reject(hslot_t *s, int status)
{
    s->inflight = 0;
    s->inlen = s->rest = 0;
    s->state = C_HEAD;
    s->req = (http_req_t){.minor = 1, .keep_alive = 0};
    fail(s, status);
}

/* Start reading the next request; (rest) bytes of the buffer from s->rest
 * on are already its (pipelined). */
static void next_request(hslot_t *s)
{
    uint32_t keep = s->inlen - s->rest;
    if (keep && s->rest)
        memmove(s->in, s->in + s->rest, keep);
    s->inlen = keep;
    s->rest = 0;
    s->scan = 0;
    s->head_len = 0;
    s->continue_sent = 0;
    s->close_after = 0;
    s->req = (http_req_t){.minor = 1, .keep_alive = 1};
    s->state = C_HEAD;
    s->req_start = ktime_now();
    process(s);
}

void conn_start(hslot_t *s)
{
    s->inflight = 0;
    s->inlen = 0;
    s->rest = 0;
    (void)net_tcp_set_nodelay(&s->tcp, true); /* answers are whole: no Nagle */
    next_request(s);
}

static void conn_tx_done(kwork_t *w)
{
    hslot_t *s = w->ctx;
    if (came_back(s))
        return;
    if (w->result != KERR_OK) {
        conn_close(s);
        return;
    }
    if (s->state == C_BODY) { /* "100 Continue" went out */
        process(s);
        return;
    }
    if (s->close_after) {
        linger_start(s);
        return;
    }
    next_request(s);
}

static void linger_rx(hslot_t *s, kwork_t *w)
{
    s->drained += s->rx.done;
    if (w->result != KERR_OK || s->drained > 4 * HTTPD_IN_CAP) {
        conn_close(s);
        return;
    }
    s->inlen = 0;
    arm_rx(s, s->req_start);
}

static void conn_rx_done(kwork_t *w)
{
    hslot_t *s = w->ctx;
    if (came_back(s))
        return;
    if (s->state == C_LINGER) {
        linger_rx(s, w);
        return;
    }
    if (w->result == KERR_TIMEOUT) {
        httpd_stats.timeouts++;
        if (s->inlen) {
            fail(s, 408);
            return;
        }
        conn_close(s); /* idle keep-alive connection: just close */
        return;
    }
    if (w->result != KERR_OK) {
        conn_close(s); /* EOF, reset: nothing to answer */
        return;
    }
    if (s->inlen == 0)
        s->req_start = ktime_now(); /* the request's first byte */
    s->inlen += s->rx.done;
    process(s);
}

/* The head is complete: check it and decide how the body is framed. */
static void head_done(hslot_t *s)
{
    int st = http_parse_head(s->in, s->head_len, &s->req);
    httpd_stats.requests++;
    if (st) {
        fail(s, st);
        return;
    }
    if (s->req.chunked) {
        memset(&s->ch, 0, sizeof s->ch);
        s->body_in = s->body_out = s->head_len;
    } else if (s->req.has_length && s->req.content_length > HTTPD_MAX_BODY) {
        fail(s, 413);
        return;
    }
    s->state = C_BODY;
}

/* Body complete: (len) bytes at s->in + head_len; the next request starts
 * at (rest). */
static void body_done(hslot_t *s, uint32_t len, uint32_t rest)
{
    s->body = s->in + s->head_len;
    s->body_len = len;
    s->rest = rest;
    s->state = C_WORK;
    route(s);
}

/* Step the chunked decoder over what has arrived; 1 if more is needed. */
static int chunked_step(hslot_t *s)
{
    int r =
        http_chunked_decode(&s->ch, s->in, s->inlen, &s->body_in, &s->body_out);
    if (r == 400) {
        fail(s, 400);
        return 0;
    }
    if (s->body_out - s->head_len > HTTPD_MAX_BODY) {
        fail(s, 413);
        return 0;
    }
    if (r == HTTP_CHUNK_DONE) {
        body_done(s, s->body_out - s->head_len, s->body_in);
        return 0;
    }
    /* Drop the framing consumed so far: undecoded bytes follow the data. */
    uint32_t raw = s->inlen - s->body_in;
    memmove(s->in + s->body_out, s->in + s->body_in, raw);
    s->inlen = s->body_out + raw;
    s->body_in = s->body_out;
    if (s->inlen == HTTPD_IN_CAP) {
        fail(s, 413);
        return 0;
    }
    return 1;
}

static uint64_t req_deadline(hslot_t *s)
{
    return s->inlen ? s->req_start + httpd_req_ns : ktime_now() + httpd_idle_ns;
}

static void send_continue(hslot_t *s)
{
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    s->continue_sent = 1;
    memcpy(s->out, cont, sizeof cont - 1);
    send_out(s, s->out, sizeof cont - 1);
}

static void process(hslot_t *s)
{
    if (s->state == C_HEAD) {
        uint32_t end = http_head_end(s->in, s->inlen, &s->scan);
        if (!end || end > HTTPD_MAX_HEAD) {
            if (end || s->inlen >= HTTPD_MAX_HEAD) {
                httpd_stats.requests++;
                fail(s, 431);
                return;
            }
            arm_rx(s, req_deadline(s));
            return;
        }
        s->head_len = end;
        head_done(s);
        if (s->state != C_BODY)
            return;
    }
    if (s->state != C_BODY)
        return;
    int more;
    if (s->req.chunked) {
        more = chunked_step(s);
        if (!more)
            return;
    } else {
        uint32_t need = (uint32_t)s->req.content_length;
        more = s->inlen - s->head_len < need;
        if (!more) {
            body_done(s, need, s->head_len + need);
            return;
        }
    }
    if (s->req.expect_continue && !s->continue_sent &&
        s->inlen == s->head_len) {
        send_continue(s);
        return;
    }
    arm_rx(s, req_deadline(s));
}
