/* tcpcheck: the net.h TCP semantics, step by step, against a scripted peer
 * (tests/http/run.py). Built as APP=tcpcheck APP_SRCS=tests/http/tcpcheck.c.
 *
 * Boot arguments: peer=PORT (the test's server on 127.0.0.1), closed=PORT
 * (a port nobody listens on). Each step prints "tcpcheck: <name> ok" or
 * "tcpcheck: <name> FAIL <why>"; the peer checks its side (what it
 * received, EOF or RST) and the driver compares both. The steps:
 *
 *   refused      connect to `closed`            -> KERR_REFUSED
 *   deadline     connect to `full` (a listener whose accept queue the test
 *                filled, so the host drops our SYNs), 300 ms deadline
 *                                                -> KERR_TIMEOUT
 *   A            connect; send "hello"; read "world" then KERR_CLOSED (the
 *                peer's FIN); shutdown (completes: FIN acknowledged); close
 *   B            connect; the peer resets it     -> recv KERR_RESET
 *   C            connect to a peer that never reads or writes:
 *                recv with a 200 ms deadline     -> KERR_TIMEOUT
 *                recv then kcancel               -> KERR_CANCELLED
 *                16 MiB send, 500 ms deadline     -> KERR_TIMEOUT, 0 < done <
 * len abort                           (peer: RST) listen       port 9000
 * (hostfwd maps it); "listening" is the cue D            accept (peer
 * 127.0.0.1); read 4 of the 8 bytes sent; close with unread data (peer: RST) E
 * accept; close with nothing unread (peer: clean EOF)
 */
#include "lib/kstring.h"
#include "mote/mote.h"

#define BIG (16u << 20)

static net_tcp_listener_t lst;
static net_tcp_conn_t ca, cb, cc, cd, ce;
static net_tcp_req_t rq;
static char buf[64];
static uint8_t big[BIG];
static unsigned step, got;
static uint16_t peer_port, closed_port, full_port;
static int failures;

static void next(void);

static void report(const char *name, int ok, const char *why, kerr_t err)
{
    if (ok) {
        printk(KLOG_INFO, "tcpcheck: %s ok", name);
    } else {
        failures++;
        printk(KLOG_INFO, "tcpcheck: %s FAIL %s (%s, done %u)", name, why,
               kerr_str(err), (unsigned)rq.done);
    }
}

static void done(kwork_t *w)
{
    (void)w;
    step++;
    next();
}

static void submit(kop_t op, net_tcp_conn_t *c, void *b, uint32_t len,
                   uint64_t deadline_ns)
{
    net_tcp_req_init(&rq, op, c, b, len, done, NULL);
    if (deadline_ns)
        rq.work.deadline = ktime_now() + deadline_ns;
    kerr_t err = ksubmit(&rq.work);
    if (err) {
        report("submit", 0, "refused by ksubmit", err);
        kshutdown(1);
    }
}

static void connect_to(net_tcp_conn_t *c, uint16_t port)
{
    net_tcp_req_init(&rq, KOP_TCP_CONNECT, c, NULL, 0, done, NULL);
    rq.peer.ip = NET_IP4(127, 0, 0, 1);
    rq.peer.port = port;
    rq.work.deadline =
        ktime_now() + (port == full_port ? 300 * KTIME_MS : 5 * KTIME_S);
    if (ksubmit(&rq.work)) {
        report("connect", 0, "refused by ksubmit", KERR_INVALID);
        kshutdown(1);
    }
}

static void accept_into(net_tcp_conn_t *c, uint64_t deadline_ns)
{
    net_tcp_req_init(&rq, KOP_TCP_ACCEPT, c, NULL, 0, done, NULL);
    rq.listener = &lst;
    rq.work.deadline = ktime_now() + deadline_ns;
    ksubmit(&rq.work);
}

static kerr_t res(void)
{
    return rq.work.result;
}

/* Each case checks the result of the step before it, then starts its own. */
static void next(void)
{
    kerr_t r = res();
    switch (step) {
    case 0: connect_to(&ca, closed_port); break;
    case 1:
        report("refused", r == KERR_REFUSED, "want KERR_REFUSED", r);
        connect_to(&ca, full_port);
        break;
    case 2:
        report("deadline", r == KERR_TIMEOUT && !ca.open, "want KERR_TIMEOUT",
               r);
        connect_to(&ca, peer_port);
        break;
    case 3:
        report("A_connect",
               r == KERR_OK && ca.open && ca.peer.port == peer_port,
               "want an open connection to the peer", r);
        submit(KOP_TCP_SEND, &ca, "hello", 5, 0);
        break;
    case 4:
        report("A_send", r == KERR_OK && rq.done == 5, "want done 5", r);
        got = 0;
        submit(KOP_TCP_RECV, &ca, buf, sizeof buf, 5 * KTIME_S);
        break;
    case 5:
        if (r == KERR_OK && got + rq.done < 5) { /* "world" in pieces */
            got += rq.done;
            step--;
            submit(KOP_TCP_RECV, &ca, buf + got, sizeof buf - got, 5 * KTIME_S);
            return;
        }
        report("A_recv",
               r == KERR_OK && got + rq.done == 5 && !memcmp(buf, "world", 5),
               "want \"world\"", r);
        submit(KOP_TCP_RECV, &ca, buf, sizeof buf, 5 * KTIME_S);
        break;
    case 6:
        report("A_eof_closed", r == KERR_CLOSED && rq.done == 0,
               "want KERR_CLOSED", r);
        submit(KOP_TCP_SHUTDOWN, &ca, NULL, 0, 5 * KTIME_S);
        break;
    case 7:
        report("A_shutdown", r == KERR_OK, "want the FIN acknowledged", r);
        submit(KOP_TCP_SEND, &ca, "late", 4, 0);
        break;
    case 8:
        report("A_send_after_shutdown", r == KERR_CLOSED, "want KERR_CLOSED",
               r);
        net_tcp_close(&ca);
        connect_to(&cb, peer_port);
        break;
    case 9:
        report("B_connect", r == KERR_OK, "want open", r);
        submit(KOP_TCP_RECV, &cb, buf, sizeof buf, 5 * KTIME_S);
        break;
    case 10:
        report("B_reset", r == KERR_RESET, "want KERR_RESET", r);
        submit(KOP_TCP_SEND, &cb, "x", 1, 0);
        break;
    case 11:
        report("B_sticky_error", r == KERR_RESET, "want KERR_RESET again", r);
        net_tcp_close(&cb);
        connect_to(&cc, peer_port);
        break;
    case 12:
        report("C_connect", r == KERR_OK, "want open", r);
        submit(KOP_TCP_RECV, &cc, buf, sizeof buf, 200 * KTIME_MS);
        break;
    case 13:
        report("C_recv_deadline", r == KERR_TIMEOUT, "want KERR_TIMEOUT", r);
        submit(KOP_TCP_RECV, &cc, buf, sizeof buf, 0);
        kcancel(&rq.work);
        break;
    case 14:
        report("C_recv_cancel", r == KERR_CANCELLED, "want KERR_CANCELLED", r);
        submit(KOP_TCP_SEND, &cc, big, BIG, 500 * KTIME_MS);
        break;
    case 15:
        report("C_send_partial",
               r == KERR_TIMEOUT && rq.done > 0 && rq.done < BIG,
               "want KERR_TIMEOUT with 0 < done < len", r);
        printk(KLOG_INFO, "tcpcheck: C took %u of %u bytes", (unsigned)rq.done,
               BIG);
        net_tcp_abort(&cc);
        r = net_tcp_listen(&lst, 9000, 4);
        report("listen", r == KERR_OK && lst.port == 9000, "want port 9000", r);
        {
            static net_tcp_listener_t dup;
            kerr_t e = net_tcp_listen(&dup, 9000, 4);
            report("listen_busy", e == KERR_BUSY, "want KERR_BUSY", e);
        }
        accept_into(&cd, 150 * KTIME_MS); /* nobody connects yet */
        break;
    case 16:
        report("accept_deadline", r == KERR_TIMEOUT && !cd.open,
               "want KERR_TIMEOUT", r);
        printk(KLOG_INFO, "tcpcheck: listening");
        accept_into(&cd, 10 * KTIME_S);
        break;
    case 17:
        report("D_accept",
               r == KERR_OK && cd.open && rq.peer.ip == NET_IP4(127, 0, 0, 1),
               "want a connection from 127.0.0.1", r);
        submit(KOP_TCP_RECV, &cd, buf, 4, 5 * KTIME_S);
        break;
    case 18:
        report("D_recv4",
               r == KERR_OK && rq.done == 4 && !memcmp(buf, "ping", 4),
               "want \"ping\"", r);
        net_tcp_close(&cd); /* "more" is unread: RST */
        accept_into(&ce, 10 * KTIME_S);
        break;
    case 19:
        report("E_accept", r == KERR_OK, "want a connection", r);
        net_tcp_close(&ce);
        net_tcp_stats_t st;
        net_tcp_stats(&st);
        report("stats",
               st.active_opens == 3 && st.passive_opens == 2 &&
                   st.conns_refused == 1 && st.conns_reset >= 1,
               "want 3 active, 2 passive, 1 refused, a reset", KERR_OK);
        net_tcp_unlisten(&lst);
        printk(KLOG_INFO, "tcpcheck: done, %d failures", failures);
        break;
    default: break;
    }
}

void app_main(void)
{
    peer_port = (uint16_t)kargs_get_ulong("peer", 0);
    closed_port = (uint16_t)kargs_get_ulong("closed", 0);
    full_port = (uint16_t)kargs_get_ulong("full", 0);
    for (uint32_t i = 0; i < BIG; i++)
        big[i] = (uint8_t)i;
    printk(KLOG_INFO, "tcpcheck: start");
    next();
}
