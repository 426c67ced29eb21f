/* tcpecho: the client. One connection; the send side pushes `bytes` of
 * the pattern in TCPECHO_BUF chunks, the receive side checks the echo as
 * it comes, both at once, so the peer's echo never stalls on a full
 * window. When everything was sent we shut down; when the echo ends
 * (KERR_CLOSED) we print the verdict and stop the kernel. */
#include "apps/tcpecho/tcpecho.h"
#include "mote/mote.h"

static struct {
    net_tcp_conn_t conn;
    net_tcp_req_t co, rx, tx, sh;
    uint8_t txbuf[TCPECHO_BUF], rxbuf[TCPECHO_BUF];
    uint64_t total, sent, received;
    uint64_t t0;
    int done;
} cl;

static int parse_target(const char *s, net_addr_t *a)
{
    uint32_t ip = 0;
    for (int part = 0; part < 4; part++) {
        unsigned n = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4)
            n = n * 10 + (unsigned)(*s++ - '0'), digits++;
        if (!digits || n > 255 || *s != (part < 3 ? '.' : ':'))
            return -1;
        s++;
        ip = ip << 8 | n;
    }
    unsigned long port = 0;
    while (*s >= '0' && *s <= '9' && port <= 65535)
        port = port * 10 + (unsigned long)(*s++ - '0');
    if (*s || !port || port > 65535)
        return -1;
    a->ip = ip;
    a->port = (uint16_t)port;
    return 0;
}

static void end(const char *why, kerr_t err)
{
    if (cl.done)
        return;
    cl.done = 1;
    uint64_t ms = (ktime_now() - cl.t0) / KTIME_MS;
    if (why)
        printk(KLOG_ERR, "tcpecho: client sent %llu received %llu FAILED: %s %s",
               (unsigned long long)cl.sent, (unsigned long long)cl.received,
               why, kerr_str(err));
    else
        printk(KLOG_INFO, "tcpecho: client sent %llu received %llu ok (%llu ms)",
               (unsigned long long)cl.sent, (unsigned long long)cl.received,
               (unsigned long long)ms);
    net_tcp_close(&cl.conn);
    kshutdown(why ? 1 : 0);
}

static void send_next(void)
{
    uint64_t n = cl.total - cl.sent;
    if (n == 0) {
        if (ksubmit(&cl.sh.work) != KERR_OK)
            end("shutdown", KERR_INVALID);
        return;
    }
    if (n > TCPECHO_BUF)
        n = TCPECHO_BUF;
    for (uint64_t i = 0; i < n; i++)
        cl.txbuf[i] = tcpecho_pattern(cl.sent + i);
    cl.tx.len = (uint32_t)n;
    kerr_t err = ksubmit(&cl.tx.work);
    if (err)
        end("send", err);
}

static void tx_done(kwork_t *w)
{
    if (w->result != KERR_OK) {
        end("send", w->result);
        return;
    }
    cl.sent += cl.tx.done;
    send_next();
}

static void sh_done(kwork_t *w)
{
    if (w->result != KERR_OK)
        end("shutdown", w->result);
}

static void rx_done(kwork_t *w)
{
    if (w->result == KERR_CLOSED) {
        if (cl.received != cl.total)
            end("short echo", KERR_CLOSED);
        else
            end(0, KERR_OK);
        return;
    }
    if (w->result != KERR_OK) {
        end("receive", w->result);
        return;
    }
    for (uint32_t i = 0; i < cl.rx.done; i++) {
        if (cl.rxbuf[i] != tcpecho_pattern(cl.received + i)) {
            cl.received += i;
            end("echo differs", KERR_CORRUPT);
            return;
        }
    }
    cl.received += cl.rx.done;
    kerr_t err = ksubmit(&cl.rx.work);
    if (err)
        end("receive", err);
}

static void co_done(kwork_t *w)
{
    if (w->result != KERR_OK) {
        end("connect", w->result);
        return;
    }
    char a[16];
    printk(KLOG_INFO, "tcpecho: connected to %s:%u", net_ip_str(cl.conn.peer.ip, a),
           cl.conn.peer.port);
    net_tcp_req_init(&cl.rx, KOP_TCP_RECV, &cl.conn, cl.rxbuf,
                     sizeof cl.rxbuf, rx_done, 0);
    net_tcp_req_init(&cl.tx, KOP_TCP_SEND, &cl.conn, cl.txbuf, 0, tx_done, 0);
    net_tcp_req_init(&cl.sh, KOP_TCP_SHUTDOWN, &cl.conn, 0, 0, sh_done, 0);
    kerr_t err = ksubmit(&cl.rx.work);
    if (err) {
        end("receive", err);
        return;
    }
    send_next();
}

void tcpecho_client(const char *target)
{
    net_addr_t peer;
    if (parse_target(target, &peer)) {
        printk(KLOG_ERR, "tcpecho: bad connect=%s (want a.b.c.d:port)", target);
        kshutdown(2);
        return;
    }
    cl.total = kargs_get_ulong("bytes", 1 << 20);
    cl.t0 = ktime_now();
    net_tcp_req_init(&cl.co, KOP_TCP_CONNECT, &cl.conn, 0, 0, co_done, 0);
    cl.co.peer = peer;
    cl.co.work.deadline = ktime_now() + 30 * KTIME_S;
    kerr_t err = ksubmit(&cl.co.work);
    if (err)
        end("connect", err);
}
