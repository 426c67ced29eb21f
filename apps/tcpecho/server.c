/* tcpecho: the echo server. Each slot owns one connection and one buffer:
 * receive into it, send it all back, receive again. A receive that ends
 * KERR_CLOSED (the client shut down) shuts our side down too, then
 * closes; any error closes. The slot then arms a new accept. */
#include "apps/tcpecho/tcpecho.h"
#include "mote/mote.h"

typedef struct slot {
    net_tcp_conn_t conn;
    net_tcp_req_t acc, rx, tx, sh;
    uint8_t buf[TCPECHO_BUF];
} slot_t;

static net_tcp_listener_t listener;
static slot_t slots[TCPECHO_CONNS];

static void accept_arm(slot_t *s);

static void finish(slot_t *s)
{
    net_tcp_close(&s->conn);
    accept_arm(s);
}

static void recv_arm(slot_t *s)
{
    if (ksubmit(&s->rx.work) != KERR_OK)
        finish(s);
}

static void sh_done(kwork_t *w)
{
    finish(w->ctx);
}

static void tx_done(kwork_t *w)
{
    slot_t *s = w->ctx;
    if (w->result != KERR_OK)
        finish(s);
    else
        recv_arm(s);
}

static void rx_done(kwork_t *w)
{
    slot_t *s = w->ctx;
    if (w->result == KERR_CLOSED) {
        if (ksubmit(&s->sh.work) != KERR_OK)
            finish(s);
        return;
    }
    if (w->result != KERR_OK) {
        finish(s);
        return;
    }
    s->tx.len = s->rx.done;
    if (ksubmit(&s->tx.work) != KERR_OK)
        finish(s);
}

static void acc_done(kwork_t *w)
{
    slot_t *s = w->ctx;
    if (w->result != KERR_OK) {
        if (w->result != KERR_CANCELLED)
            accept_arm(s);
        return;
    }
    net_tcp_set_nodelay(&s->conn, true);
    net_tcp_req_init(&s->rx, KOP_TCP_RECV, &s->conn, s->buf, sizeof s->buf,
                     rx_done, s);
    net_tcp_req_init(&s->tx, KOP_TCP_SEND, &s->conn, s->buf, 0, tx_done, s);
    net_tcp_req_init(&s->sh, KOP_TCP_SHUTDOWN, &s->conn, 0, 0, sh_done, s);
    recv_arm(s);
}

static void accept_arm(slot_t *s)
{
    net_tcp_req_init(&s->acc, KOP_TCP_ACCEPT, &s->conn, 0, 0, acc_done, s);
    s->acc.listener = &listener;
    kerr_t err = ksubmit(&s->acc.work);
    if (err)
        printk(KLOG_ERR, "tcpecho: cannot arm accept: %s", kerr_str(err));
}

void tcpecho_server(void)
{
    unsigned long port = kargs_get_ulong("port", TCPECHO_PORT);
    kerr_t err = net_tcp_listen(&listener, (uint16_t)port, 64);
    if (err) {
        printk(KLOG_ERR, "tcpecho: cannot listen on tcp port %lu: %s", port,
               kerr_str(err));
        kshutdown(1);
        return;
    }
    for (int i = 0; i < TCPECHO_CONNS; i++)
        accept_arm(&slots[i]);
    unsigned long hostport = kargs_get_ulong("hostport", port);
    printk(KLOG_INFO,
           "tcpecho: ready on tcp port %lu; try: echo hello | nc -q1 "
           "127.0.0.1 %lu",
           port, hostport);
}
