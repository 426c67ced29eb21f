/* The application the TAP/netns tests boot (tests/net/net_test.py): UDP
 * echo on port 8080, like apps/echo, plus a control port 8081 that drives the
 * stack from outside. One datagram per command, one reply each:
 *
 *   resolve NAME     -> "ok A.B.C.D ttl N" or "err KERR_..." (KOP_DNS_RESOLVE)
 *   send IP PORT TXT -> the stack sends TXT to IP:PORT from port 8081, then
 *                       "sent KERR_..." (the send's result)
 *   ip               -> "ip A.B.C.D"
 *   stats            -> "name value" lines of the non-zero counters
 */
#include "lib/kstring.h"
#include "mote/mote.h"
#include "net/config.h"
#include "net/dns.h"
#include "net/netif.h"
#include "net/stats.h"

#define ECHO_SLOTS 8
#define CTL_SLOTS 4

typedef struct echo_slot {
    net_udp_req_t rx, tx;
    uint8_t buf[NET_UDP_MAX_PAYLOAD];
} echo_slot_t;

typedef struct ctl_slot {
    net_udp_req_t rx, tx, out;
    net_dns_req_t dns;
    net_addr_t from;
    char cmd[256];
    char reply[NET_UDP_MAX_PAYLOAD];
} ctl_slot_t;

static net_udp_sock_t echo_sock, ctl_sock;
static echo_slot_t echo[ECHO_SLOTS];
static ctl_slot_t ctl[CTL_SLOTS];

static void echo_rx(kwork_t *w)
{
    echo_slot_t *s = w->ctx;
    if (w->result == KERR_CANCELLED)
        return;
    s->tx.len = s->rx.done;
    s->tx.peer = s->rx.peer;
    if (w->result != KERR_OK || ksubmit(&s->tx.work) != KERR_OK)
        ksubmit(&s->rx.work);
}

static void echo_tx(kwork_t *w)
{
    echo_slot_t *s = w->ctx;
    ksubmit(&s->rx.work);
}

static void ctl_reply(ctl_slot_t *c)
{
    c->tx.peer = c->from;
    c->tx.len = (uint32_t)strlen(c->reply);
    if (ksubmit(&c->tx.work) != KERR_OK)
        ksubmit(&c->rx.work);
}

static void ctl_tx(kwork_t *w)
{
    ctl_slot_t *c = w->ctx;
    ksubmit(&c->rx.work);
}

static void dns_done(kwork_t *w)
{
    ctl_slot_t *c = w->ctx;
    char a[16];
    if (w->result == KERR_OK)
        ksnprintf(c->reply, sizeof c->reply, "ok %s ttl %u",
                  net_ip_str(c->dns.addrs[0], a), (unsigned)c->dns.ttl);
    else
        ksnprintf(c->reply, sizeof c->reply, "err %s", kerr_str(w->result));
    ctl_reply(c);
}

static void out_done(kwork_t *w)
{
    ctl_slot_t *c = w->ctx;
    ksnprintf(c->reply, sizeof c->reply, "sent %s", kerr_str(w->result));
    ctl_reply(c);
}

static void stats_reply(ctl_slot_t *c)
{
    size_t n = 0;
    uint64_t v;
    const char *name;
    c->reply[0] = 0;
    for (unsigned i = 0; (name = net_stats_field(i, &v)) != 0; i++)
        if (v && n + 48 < sizeof c->reply)
            n += (size_t)ksnprintf(c->reply + n, sizeof c->reply - n,
                                   "%s %llu\n", name, (unsigned long long)v);
    ctl_reply(c);
}

/* "send IP PORT TEXT" */
static void send_cmd(ctl_slot_t *c, char *args)
{
    char *sp = args;
    while (*sp && *sp != ' ')
        sp++;
    uint32_t ip;
    if (!*sp || net_parse_ip(args, sp, &ip) != 0)
        goto bad;
    unsigned long port = 0;
    char *p = sp + 1;
    while (*p >= '0' && *p <= '9')
        port = port * 10 + (unsigned long)(*p++ - '0');
    if (*p != ' ' || !port || port > 65535)
        goto bad;
    p++;
    c->out.buf = p;
    c->out.len = (uint32_t)strlen(p);
    c->out.peer = (net_addr_t){ip, (uint16_t)port};
    c->out.work.deadline = ktime_now() + 10 * KTIME_S;
    if (ksubmit(&c->out.work) == KERR_OK)
        return;
bad:
    ksnprintf(c->reply, sizeof c->reply, "err bad send");
    ctl_reply(c);
}

static void ctl_rx(kwork_t *w)
{
    ctl_slot_t *c = w->ctx;
    if (w->result == KERR_CANCELLED)
        return;
    uint32_t n = c->rx.done < sizeof c->cmd - 1 ? c->rx.done : sizeof c->cmd - 1;
    c->cmd[n] = 0;
    while (n && (c->cmd[n - 1] == '\n' || c->cmd[n - 1] == '\r'))
        c->cmd[--n] = 0;
    c->from = c->rx.peer;
    if (strncmp(c->cmd, "resolve ", 8) == 0) {
        net_dns_req_init(&c->dns, c->cmd + 8, dns_done, c);
        c->dns.work.deadline = ktime_now() + 15 * KTIME_S;
        kerr_t err = ksubmit(&c->dns.work);
        if (err == KERR_OK)
            return;
        ksnprintf(c->reply, sizeof c->reply, "err %s", kerr_str(err));
    } else if (strncmp(c->cmd, "send ", 5) == 0) {
        send_cmd(c, c->cmd + 5);
        return;
    } else if (strcmp(c->cmd, "ip") == 0) {
        char a[16];
        ksnprintf(c->reply, sizeof c->reply, "ip %s", net_ip_str(net_if.ip, a));
    } else if (strcmp(c->cmd, "stats") == 0) {
        stats_reply(c);
        return;
    } else {
        ksnprintf(c->reply, sizeof c->reply, "err unknown command");
    }
    ctl_reply(c);
}

void app_main(void)
{
    if (net_udp_open(&echo_sock, 8080) != KERR_OK ||
        net_udp_open(&ctl_sock, 8081) != KERR_OK) {
        printk(KLOG_ERR, "netapp: cannot open ports");
        kshutdown(1);
        return;
    }
    for (int i = 0; i < ECHO_SLOTS; i++) {
        echo_slot_t *s = &echo[i];
        net_udp_req_init(&s->rx, KOP_UDP_RECV, &echo_sock, s->buf,
                         sizeof s->buf, echo_rx, s);
        net_udp_req_init(&s->tx, KOP_UDP_SEND, &echo_sock, s->buf, 0,
                         echo_tx, s);
        ksubmit(&s->rx.work);
    }
    for (int i = 0; i < CTL_SLOTS; i++) {
        ctl_slot_t *c = &ctl[i];
        net_udp_req_init(&c->rx, KOP_UDP_RECV, &ctl_sock, c->cmd,
                         sizeof c->cmd - 1, ctl_rx, c);
        net_udp_req_init(&c->tx, KOP_UDP_SEND, &ctl_sock, c->reply, 0,
                         ctl_tx, c);
        net_udp_req_init(&c->out, KOP_UDP_SEND, &ctl_sock, 0, 0, out_done,
                         c);
        ksubmit(&c->rx.work);
    }
    printk(KLOG_INFO, "netapp: ready (echo 8080, control 8081)");
}
