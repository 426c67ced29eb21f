/* UDP socket front: the calls of include/mote/net.h that are not work
 * items. They forward to whichever service serves KOP_CLASS_UDP (the IP
 * stack, or a hosted platform's host sockets), so applications never know
 * which one it is. */
#include "mote/net.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "mote/printk.h"

kerr_t net_udp_open(net_udp_sock_t *s, uint16_t port)
{
    const kservice_t *svc = kservice_get(KOP_CLASS_UDP);
    if (!svc || !svc->open)
        return KERR_NO_DEVICE;
    memset(s, 0, sizeof *s);
    kerr_t err = svc->open(s, port);
    if (err == KERR_OK)
        s->open = 1;
    return err;
}

void net_udp_close(net_udp_sock_t *s)
{
    const kservice_t *svc = kservice_get(KOP_CLASS_UDP);
    if (!s->open || !svc || !svc->close)
        return;
    svc->close(s);
    s->open = 0;
}

void net_udp_req_init(net_udp_req_t *r, kop_t op, net_udp_sock_t *s,
                      void *buf, uint32_t len, kwork_fn callback, void *ctx)
{
    memset(r, 0, sizeof *r);
    kwork_init(&r->work, op, callback, ctx);
    r->sock = s;
    r->buf = buf;
    r->len = len;
}

char *net_ip_str(uint32_t ip, char *buf)
{
    ksnprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(ip >> 24),
              (unsigned)(ip >> 16) & 255, (unsigned)(ip >> 8) & 255,
              (unsigned)ip & 255);
    return buf;
}
