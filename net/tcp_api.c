/* TCP front: the calls of include/mote/net.h that are not work items. Like
 * udp_api.c they forward to whichever service serves KOP_CLASS_TCP (the
 * mote TCP over the IP stack, or a hosted platform's host sockets): open
 * and close are the listener's, ctl does everything on a connection. */
#include "mote/net.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"

kerr_t net_tcp_listen(net_tcp_listener_t *l, uint16_t port, unsigned backlog)
{
    const kservice_t *svc = kservice_get(KOP_CLASS_TCP);
    if (!svc || !svc->open)
        return KERR_NO_DEVICE;
    if (backlog == 0 || backlog > NET_TCP_BACKLOG_MAX)
        return KERR_INVALID;
    memset(l, 0, sizeof *l);
    kerr_t err = svc->open(l, (uint32_t)port | (uint32_t)backlog << 16);
    if (err == KERR_OK)
        l->open = 1;
    return err;
}

void net_tcp_unlisten(net_tcp_listener_t *l)
{
    const kservice_t *svc = kservice_get(KOP_CLASS_TCP);
    if (!l->open || !svc || !svc->close)
        return;
    svc->close(l);
    l->open = 0;
}

static kerr_t tcp_ctl(void *endpoint, uint32_t cmd, uint32_t arg)
{
    const kservice_t *svc = kservice_get(KOP_CLASS_TCP);
    if (!svc || !svc->ctl)
        return KERR_NO_DEVICE;
    return svc->ctl(endpoint, cmd, arg);
}

void net_tcp_close(net_tcp_conn_t *c)
{
    if (c->open)
        tcp_ctl(c, NET_TCP_CTL_CLOSE, 0);
    c->open = 0;
}

void net_tcp_abort(net_tcp_conn_t *c)
{
    if (c->open)
        tcp_ctl(c, NET_TCP_CTL_ABORT, 0);
    c->open = 0;
}

kerr_t net_tcp_set_nodelay(net_tcp_conn_t *c, bool on)
{
    return c->open ? tcp_ctl(c, NET_TCP_CTL_NODELAY, on) : KERR_INVALID;
}

kerr_t net_tcp_set_keepalive(net_tcp_conn_t *c, uint32_t idle_s)
{
    return c->open ? tcp_ctl(c, NET_TCP_CTL_KEEPALIVE, idle_s) : KERR_INVALID;
}

void net_tcp_stats(net_tcp_stats_t *out)
{
    memset(out, 0, sizeof *out);
    tcp_ctl(out, NET_TCP_CTL_STATS, 0);
}

void net_tcp_req_init(net_tcp_req_t *r, kop_t op, net_tcp_conn_t *c,
                      void *buf, uint32_t len, kwork_fn callback, void *ctx)
{
    memset(r, 0, sizeof *r);
    kwork_init(&r->work, op, callback, ctx);
    r->conn = c;
    r->buf = buf;
    r->len = len;
}
