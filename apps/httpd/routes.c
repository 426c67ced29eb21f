/* httpd: what a complete request gets.
 *
 *   GET  /              the static page
 *   GET  /stats         counters as JSON
 *   GET  /kv/<key>      the value (404 if absent)
 *   PUT  /kv/<key>      store the body; answered once the commit is durable
 *   DELETE /kv/<key>    remove (404 if absent), once durable
 *   GET  /kv/?start=a&count=n   keys from `a` on, as JSON
 * HEAD works wherever GET does; another method on a known path is 405 with
 * an Allow field; an unknown path 404. Keys are percent-decoded.
 */
#include "apps/httpd/httpd.h"
#include "lib/kstring.h"

const int httpd_status_codes[HTTPD_NSTATUS] = {200, 400, 404, 405, 408, 413,
                                               431, 500, 501, 503, 505, 0};

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

static const char page[] =
    "<!DOCTYPE html>\n<html><head><meta "
    "charset=\"utf-8\"><title>mote</title></head>\n"
    "<body><h1>mote httpd</h1>\n"
    "<p>An HTTP/1.1 server on the mote picokernel: an event loop, no "
    "threads.</p>\n"
    "<ul><li><a href=\"/stats\">/stats</a>: counters</li>\n"
    "<li><code>/kv/&lt;key&gt;</code>: GET, PUT, DELETE on the key-value "
    "store</li>\n"
    "<li><a href=\"/kv/?start=&amp;count=10\">/kv/?start=a&amp;count=n</a>: a "
    "scan</li></ul>\n"
    "</body></html>\n";

static int path_is(const http_req_t *r, const char *p)
{
    uint32_t n = (uint32_t)strlen(p);
    return r->path_len == n && !memcmp(r->path, p, n);
}

static void not_allowed(hslot_t *s, const char *allow)
{
    char extra[64];
    static const char msg[] = "method not allowed\n";
    ksnprintf(extra, sizeof extra, "Allow: %s\r\n", allow);
    conn_respond(s, 405, "text/plain", msg, sizeof msg - 1, extra);
}

static void plain(hslot_t *s, int status, const char *msg)
{
    conn_respond(s, status, "text/plain", msg, (uint32_t)strlen(msg), "");
}

/* Append formatted text at (*off) of s->out's body area. */
#define JSON_ADD(s, off, ...)                                                  \
    do {                                                                       \
        int n_ =                                                               \
            ksnprintf((s)->out + HTTPD_HDR_ROOM + (off),                       \
                      HTTPD_OUT_CAP - HTTPD_HDR_ROOM - (off), __VA_ARGS__);    \
        if (n_ > 0)                                                            \
            (off) += (uint32_t)n_;                                             \
    } while (0)

static void stats(hslot_t *s)
{
    net_tcp_stats_t t;
    net_tcp_stats(&t);
    uint32_t off = 0;
    JSON_ADD(s, off, "{\"requests\":%llu,\"responses\":{",
             (unsigned long long)httpd_stats.requests);
    for (int i = 0; i < HTTPD_NSTATUS - 1; i++)
        JSON_ADD(s, off, "%s\"%d\":%llu", i ? "," : "", httpd_status_codes[i],
                 (unsigned long long)httpd_stats.by_status[i]);
    JSON_ADD(s, off, ",\"other\":%llu",
             (unsigned long long)httpd_stats.by_status[HTTPD_NSTATUS - 1]);
    JSON_ADD(s, off,
             "},\"connections\":{\"open\":%u,\"limit\":%u,\"accepted\":%llu,"
             "\"evicted\":%llu,\"rejected\":%llu,\"timeouts\":%llu},",
             (unsigned)httpd_open_conns(), (unsigned)httpd_conn_limit,
             (unsigned long long)httpd_stats.accepted,
             (unsigned long long)httpd_stats.evicted,
             (unsigned long long)httpd_stats.rejected,
             (unsigned long long)httpd_stats.timeouts);
    JSON_ADD(s, off,
             "\"kv\":{\"ready\":%d,\"commits\":%llu,\"puts\":%llu,\"deletes\":%"
             "llu},",
             httpd_store_ready, (unsigned long long)httpd_stats.commits,
             (unsigned long long)httpd_stats.puts,
             (unsigned long long)httpd_stats.deletes);
    JSON_ADD(s, off,
             "\"tcp\":{\"active_opens\":%llu,\"passive_opens\":%llu,"
             "\"conns_refused\":%llu,\"conns_dropped_pool\":%llu,"
             "\"conns_dropped_backlog\":%llu,\"conns_reset\":%llu,"
             "\"conns_timed_out\":%llu,\"segs_rx\":%llu,\"segs_tx\":%llu,"
             "\"retransmits\":%llu,\"conns_open\":%u}}\n",
             (unsigned long long)t.active_opens,
             (unsigned long long)t.passive_opens,
             (unsigned long long)t.conns_refused,
             (unsigned long long)t.conns_dropped_pool,
             (unsigned long long)t.conns_dropped_backlog,
             (unsigned long long)t.conns_reset,
             (unsigned long long)t.conns_timed_out,
             (unsigned long long)t.segs_rx, (unsigned long long)t.segs_tx,
             (unsigned long long)t.retransmits, (unsigned)t.conns_open);
    conn_respond(s, 200, "application/json", s->out + HTTPD_HDR_ROOM, off, "");
}

/* GET /kv/?start=a&count=n */
static void scan(hslot_t *s)
{
    const http_req_t *r = &s->req;
    char start[KV_MAX_KEY];
    uint32_t vn = 0, count = 100;
    const char *v = http_query_get(r->query, r->query_len, "start", &vn);
    int sl = v ? http_pct_decode(v, vn, start, sizeof start, 1) : 0;
    v = http_query_get(r->query, r->query_len, "count", &vn);
    if (v) {
        count = 0;
        for (uint32_t i = 0; i < vn; i++) {
            if (v[i] < '0' || v[i] > '9' || count > 100000) {
                plain(s, 400, "bad count\n");
                return;
            }
            count = count * 10 + (uint32_t)(v[i] - '0');
        }
        if (vn == 0 || count > 1000)
            count = 1000;
    }
    if (sl < 0) {
        plain(s, 400, "bad start\n");
        return;
    }
    kvops_scan(s, start, (uint32_t)sl, count);
}

static void kv_route(hslot_t *s)
{
    const http_req_t *r = &s->req;
    int kl =
        http_pct_decode(r->path + 4, r->path_len - 4, s->key, KV_MAX_KEY, 0);
    if (kl < 0) {
        plain(s, 400, "bad key\n");
        return;
    }
    s->klen = (uint32_t)kl;
    int m = r->method;
    if (kl == 0 && m != HTTP_M_GET && m != HTTP_M_HEAD) {
        not_allowed(s, "GET, HEAD");
        return;
    }
    if (kl && m != HTTP_M_GET && m != HTTP_M_HEAD && m != HTTP_M_PUT &&
        m != HTTP_M_DELETE) {
        not_allowed(s, "GET, HEAD, PUT, DELETE");
        return;
    }
    if (!httpd_store_ready) {
        plain(s, 503, "no store\n");
        return;
    }
    if (kl == 0)
        scan(s);
    else if (m == HTTP_M_PUT)
        kvops_write(s, 0);
    else if (m == HTTP_M_DELETE)
        kvops_write(s, 1);
    else
        kvops_get(s);
}

void route(hslot_t *s)
{
    const http_req_t *r = &s->req;
    int get = r->method == HTTP_M_GET || r->method == HTTP_M_HEAD;
    if (path_is(r, "/")) {
        if (get)
            conn_respond(s, 200, "text/html; charset=utf-8", page,
                         sizeof page - 1, "");
        else
            not_allowed(s, "GET, HEAD");
    } else if (path_is(r, "/stats")) {
        if (get)
            stats(s);
        else
            not_allowed(s, "GET, HEAD");
    } else if (r->path_len >= 4 && !memcmp(r->path, "/kv/", 4)) {
        kv_route(s);
    } else {
        plain(s, 404, "not found\n");
    }
}
