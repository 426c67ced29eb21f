/* httpd: an HTTP/1.1 server on TCP port 8080 (docs/http.md).
 *
 * Start-up opens the KV store on block device 0 (without one, /kv answers
 * 503), then listens. Connections live in a fixed pool of slots. One accept
 * is armed at a time, into a free slot; the pool has one slot more than the
 * connection limit, so a connection over the limit is still accepted and
 * then either makes room or is told 503:
 *
 *   - room is made by closing a connection that lingers after its last
 *     answer, else the one that has waited longest for (the rest of) a
 *     request: idle keep-alive connections and slow or stalled clients go
 *     first, so hundreds of them cannot lock a normal client out (the
 *     slow-client attack in tests/http);
 *   - if every connection is busy being served, the newcomer gets 503.
 */
#include "apps/httpd/httpd.h"
#include "lib/kstring.h"

httpd_stats_t httpd_stats;
uint32_t httpd_conn_limit = HTTPD_MAX_CONNS;
uint64_t httpd_idle_ns, httpd_req_ns;

static hslot_t slots[HTTPD_MAX_CONNS + 1];
static net_tcp_listener_t listener;
static net_tcp_req_t acc;
static hslot_t *acc_slot;
static uint32_t nopen;

static void arm_accept(void);

uint32_t httpd_open_conns(void)
{
    return nopen;
}

void httpd_slot_released(hslot_t *s)
{
    (void)s;
    nopen--;
    arm_accept();
}

/* The connection to close to make room, or NULL: one lingering after its
 * last answer (it is owed nothing), else the one that has waited longest
 * for a request. */
static hslot_t *evictable(hslot_t *except)
{
    hslot_t *best = NULL;
    for (uint32_t i = 0; i <= httpd_conn_limit; i++) {
        hslot_t *s = &slots[i];
        if (s == except)
            continue;
        if (s->state == C_LINGER)
            return s;
        if (s->state == C_HEAD && (!best || s->req_start < best->req_start))
            best = s;
    }
    return best;
}

static void accept_done(kwork_t *w)
{
    hslot_t *s = acc_slot;
    acc_slot = NULL;
    if (w->result != KERR_OK) {
        s->state = C_FREE;
        if (w->result != KERR_CANCELLED) {
            printk(KLOG_WARN, "httpd: accept: %s", kerr_str(w->result));
            arm_accept();
        }
        return;
    }
    httpd_stats.accepted++;
    nopen++;
    if (nopen > httpd_conn_limit) {
        hslot_t *victim = evictable(s);
        if (victim) {
            httpd_stats.evicted++;
            conn_close(victim);
        } else {
            httpd_stats.rejected++;
            conn_reject(s, 503);
            arm_accept();
            return;
        }
    }
    conn_start(s);
    arm_accept();
}

static void arm_accept(void)
{
    if (acc_slot || !listener.open)
        return;
    for (uint32_t i = 0; i <= httpd_conn_limit; i++) {
        if (slots[i].state != C_FREE)
            continue;
        acc_slot = &slots[i];
        acc_slot->state = C_ACCEPTING;
        net_tcp_req_init(&acc, KOP_TCP_ACCEPT, &acc_slot->tcp, NULL, 0,
                         accept_done, NULL);
        acc.listener = &listener;
        kerr_t err = ksubmit(&acc.work);
        if (err) {
            printk(KLOG_ERR, "httpd: cannot arm accept: %s", kerr_str(err));
            acc_slot->state = C_FREE;
            acc_slot = NULL;
        }
        return;
    }
}

static void start_server(void)
{
    kerr_t err = net_tcp_listen(&listener, HTTPD_PORT, NET_TCP_BACKLOG_MAX);
    if (err) {
        printk(KLOG_ERR, "httpd: cannot listen on tcp port %d: %s", HTTPD_PORT,
               kerr_str(err));
        kshutdown(1);
        return;
    }
    arm_accept();
    printk(KLOG_INFO,
           "httpd: ready on tcp port %d (%u connections, store %s); try: "
           "curl http://127.0.0.1:%lu/",
           HTTPD_PORT, (unsigned)httpd_conn_limit,
           httpd_store_ready ? "open" : "absent",
           kargs_get_ulong("hostport", HTTPD_PORT));
}

void app_main(void)
{
    printk(KLOG_INFO, "mote httpd: starting");
    unsigned long n = kargs_get_ulong("http_conns", HTTPD_MAX_CONNS);
    httpd_conn_limit =
        n >= 1 && n <= HTTPD_MAX_CONNS ? (uint32_t)n : HTTPD_MAX_CONNS;
    httpd_idle_ns = kargs_get_ulong("http_idle_ms", 15000) * KTIME_MS;
    httpd_req_ns = kargs_get_ulong("http_req_ms", 10000) * KTIME_MS;
    kvops_start(start_server);
}
