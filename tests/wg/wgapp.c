/* The application tests/wg/wg_test.py boots (APP=wgtest): UDP echo on
 * port 8080 (any interface) and on port 7777 (the one the test makes
 * tunnel-only with wg_only=7777), and a control port 8081:
 *
 *   send IP PORT TXT -> TXT sent to IP:PORT from port 7777, then
 *                       "sent KERR_..." (the send's result)
 *   ping IP          -> one ICMP echo request to IP (net_icmp_ping_send):
 *                       "reply IP RTT_US" when its reply arrives, else
 *                       "ping failed KERR_..." (KERR_TIMEOUT after 5 s)
 *   wg               -> "name value" lines: the interface's counters, the
 *                       first peer's (peer_*) and the tunnel seam's (tun_*)
 */
#include "lib/kstring.h"
#include "mote/mote.h"
#include "net/config.h"
#include "net/icmp.h"
#include "net/tun.h"
#include "net/wg.h"

#define ECHO_SLOTS 8

typedef struct echo_slot {
    net_udp_req_t rx, tx;
    uint8_t buf[NET_UDP_MAX_PAYLOAD];
} echo_slot_t;

static net_udp_sock_t echo_sock, only_sock, ctl_sock;
static echo_slot_t echo[2][ECHO_SLOTS];
static net_udp_req_t ctl_rx_req, ctl_tx_req, out_req;
static char cmd[256], reply[NET_UDP_MAX_PAYLOAD];
static net_addr_t ctl_from;
static net_icmp_ping_t ping_req;
static ktimer_t ping_timer;
static uint16_t ping_seq;
static const char ping_data[] = "mote wgapp ping 0123456789abcdef";

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

static void ctl_reply(void)
{
    ctl_tx_req.peer = ctl_from;
    ctl_tx_req.len = (uint32_t)strlen(reply);
    if (ksubmit(&ctl_tx_req.work) != KERR_OK)
        ksubmit(&ctl_rx_req.work);
}

static void ctl_tx(kwork_t *w)
{
    (void)w;
    ksubmit(&ctl_rx_req.work);
}

static void out_done(kwork_t *w)
{
    ksnprintf(reply, sizeof reply, "sent %s", kerr_str(w->result));
    ctl_reply();
}

static size_t put(size_t n, const char *name, uint64_t v)
{
    if (n + 64 < sizeof reply)
        n += (size_t)ksnprintf(reply + n, sizeof reply - n, "%s %llu\n", name,
                               (unsigned long long)v);
    return n;
}

static void wg_stats(void)
{
    const wg_dev_stats_t *d = &wg_dev.stats;
    const wg_peer_stats_t *p = &wg_dev.peers[0].stats;
    size_t n = 0;
    reply[0] = 0;
#define D(f) n = put(n, #f, d->f)
#define P(f) n = put(n, "peer_" #f, p->f)
    D(rx_bad_type); D(rx_bad_len); D(rx_bad_mac1); D(rx_unknown_index);
    D(rx_hs_failed); D(cookies_tx); D(under_load_events); D(tx_no_peer);
    D(tx_staged_dropped); D(rx_bad_inner); D(tx_nobuf);
    P(rx_packets); P(tx_packets); P(keepalives_rx); P(keepalives_tx);
    P(handshakes); P(inits_tx); P(inits_rx); P(resps_rx); P(cookies_rx);
    P(drop_replay); P(drop_auth); P(drop_allowed); P(drop_stale);
#undef D
#undef P
    n = put(n, "peer_endpoint_port", wg_dev.peers[0].endpoint.port);
    n = put(n, "under_load", ktime_now() < wg_dev.under_load_until);
    n = put(n, "tun_rx", net_tun_stats.rx);
    n = put(n, "tun_tx", net_tun_stats.tx);
    n = put(n, "tun_port_drops", net_tun_stats.port_drops);
    put(n, "tun_port_refused", net_tun_stats.port_refused);
    ctl_reply();
}

static void ping_done(kerr_t err)
{
    char ip[16];
    uint32_t a = ping_req.dst;
    ksnprintf(ip, sizeof ip, "%u.%u.%u.%u", (unsigned)(a >> 24),
              (unsigned)(a >> 16 & 255), (unsigned)(a >> 8 & 255),
              (unsigned)(a & 255));
    if (err == KERR_OK) {
        uint64_t us = ping_req.rtt / 1000;
        printk(KLOG_INFO, "wgapp: ping %s: reply in %llu us", ip,
               (unsigned long long)us);
        ksnprintf(reply, sizeof reply, "reply %s %llu", ip, (unsigned long long)us);
    } else {
        printk(KLOG_INFO, "wgapp: ping %s: %s", ip, kerr_str(err));
        ksnprintf(reply, sizeof reply, "ping failed %s", kerr_str(err));
    }
    ctl_reply();
}

static void ping_reply(net_icmp_ping_t *p)
{
    (void)p;
    kcancel(&ping_timer.work);
    ping_done(KERR_OK);
}

static void ping_timeout(kwork_t *w)
{
    if (w->result == KERR_CANCELLED)
        return;
    net_icmp_ping_cancel(&ping_req);
    ping_done(KERR_TIMEOUT);
}

/* "ping IP" */
static void ping_cmd(const char *arg)
{
    uint32_t ip;
    if (net_parse_ip(arg, arg + strlen(arg), &ip) != 0) {
        ksnprintf(reply, sizeof reply, "err bad ping");
        ctl_reply();
        return;
    }
    ping_req = (net_icmp_ping_t){.dst = ip, .id = 0x6d6f, .seq = ++ping_seq,
                                 .data = ping_data, .len = sizeof ping_data,
                                 .on_reply = ping_reply};
    kerr_t err = net_icmp_ping_send(&ping_req);
    if (err == KERR_OK)
        err = ktimer_start(&ping_timer, 5 * KTIME_S);
    if (err != KERR_OK) {
        net_icmp_ping_cancel(&ping_req);
        ping_done(err);
    }
}

/* "send IP PORT TEXT" */
static void send_cmd(char *args)
{
    char *sp = args;
    while (*sp && *sp != ' ')
        sp++;
    uint32_t ip;
    unsigned long port = 0;
    char *p = sp + 1;
    if (!*sp || net_parse_ip(args, sp, &ip) != 0)
        goto bad;
    while (*p >= '0' && *p <= '9')
        port = port * 10 + (unsigned long)(*p++ - '0');
    if (*p != ' ' || !port || port > 65535)
        goto bad;
    p++;
    out_req.buf = p;
    out_req.len = (uint32_t)strlen(p);
    out_req.peer = (net_addr_t){ip, (uint16_t)port};
    out_req.work.deadline = ktime_now() + 10 * KTIME_S;
    if (ksubmit(&out_req.work) == KERR_OK)
        return;
bad:
    ksnprintf(reply, sizeof reply, "err bad send");
    ctl_reply();
}

static void ctl_rx(kwork_t *w)
{
    if (w->result == KERR_CANCELLED)
        return;
    uint32_t n = ctl_rx_req.done < sizeof cmd - 1 ? ctl_rx_req.done : sizeof cmd - 1;
    cmd[n] = 0;
    while (n && (cmd[n - 1] == '\n' || cmd[n - 1] == '\r'))
        cmd[--n] = 0;
    ctl_from = ctl_rx_req.peer;
    if (strncmp(cmd, "send ", 5) == 0) {
        send_cmd(cmd + 5);
        return;
    }
    if (strncmp(cmd, "ping ", 5) == 0) {
        ping_cmd(cmd + 5);
        return;
    }
    if (strcmp(cmd, "wg") == 0) {
        wg_stats();
        return;
    }
    ksnprintf(reply, sizeof reply, "err unknown command");
    ctl_reply();
}

static void arm_echo(echo_slot_t *slots, net_udp_sock_t *s)
{
    for (int i = 0; i < ECHO_SLOTS; i++) {
        net_udp_req_init(&slots[i].rx, KOP_UDP_RECV, s, slots[i].buf,
                         sizeof slots[i].buf, echo_rx, &slots[i]);
        net_udp_req_init(&slots[i].tx, KOP_UDP_SEND, s, slots[i].buf, 0,
                         echo_tx, &slots[i]);
        ksubmit(&slots[i].rx.work);
    }
}

void app_main(void)
{
    if (net_udp_open(&echo_sock, 8080) != KERR_OK ||
        net_udp_open(&only_sock, 7777) != KERR_OK ||
        net_udp_open(&ctl_sock, 8081) != KERR_OK) {
        printk(KLOG_ERR, "wgapp: cannot open ports");
        kshutdown(1);
        return;
    }
    arm_echo(echo[0], &echo_sock);
    arm_echo(echo[1], &only_sock);
    net_udp_req_init(&ctl_rx_req, KOP_UDP_RECV, &ctl_sock, cmd, sizeof cmd - 1,
                     ctl_rx, 0);
    net_udp_req_init(&ctl_tx_req, KOP_UDP_SEND, &ctl_sock, reply, 0, ctl_tx, 0);
    net_udp_req_init(&out_req, KOP_UDP_SEND, &only_sock, 0, 0, out_done, 0);
    ktimer_init(&ping_timer, ping_timeout, 0);
    ksubmit(&ctl_rx_req.work);
    printk(KLOG_INFO, "wgapp: ready (echo 8080 and 7777, control 8081)");
}
