/* net: ICMP echo, echo client and port unreachable (see icmp.h). */
#include "net/icmp.h"
#include "lib/kstring.h"
#include "mote/ktime.h"
#include "net/cksum.h"
#include "net/dns.h"
#include "net/stats.h"
#include "net/tun.h"
#include "net/wire.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACH 3
#define ICMP_UNREACH_PORT 3
#define ICMP_ECHO 8

#define ICMP_PING_MAX 1024

static uint32_t tokens = NET_ICMP_BURST;
static uint64_t refilled;
static net_icmp_ping_t *pings; /* echo requests waiting for their reply */

void net_icmp_reset(void)
{
    tokens = NET_ICMP_BURST;
    refilled = ktime_now();
    pings = 0;
}

/* Send the (len)-byte ICMP message (msg) to (dst), checksumming it. */
static kerr_t icmp_send(uint32_t dst, const uint8_t *hdr, const uint8_t *data,
                        uint32_t len)
{
    net_txbuf_t *b = net_tx_alloc();
    if (!b) {
        NET_COUNT(ip_drop_nobuf);
        return KERR_NOMEM;
    }
    uint8_t *m = net_ip_payload(b);
    memcpy(m, hdr, 8);
    memcpy(m + 8, data, len);
    net_put16(m + 2, 0);
    net_put16(m + 2, net_cksum(m, 8 + len));
    return net_ip_output(b, net_ip_src_for(dst), dst, NET_IP_PROTO_ICMP,
                         8 + len);
}

kerr_t net_icmp_ping_send(net_icmp_ping_t *p)
{
    if (p->len > ICMP_PING_MAX)
        return KERR_INVALID;
    for (net_icmp_ping_t *q = pings; q; q = q->next)
        if (q == p)
            return KERR_INVALID;
    uint32_t src = net_ip_src_for(p->dst);
    if (!src || !p->dst)
        return KERR_UNREACHABLE;
    uint8_t hdr[8] = {ICMP_ECHO, 0};
    net_put16(hdr + 4, p->id);
    net_put16(hdr + 6, p->seq);
    p->sent = ktime_now();
    p->rtt = 0;
    kerr_t err = icmp_send(p->dst, hdr, p->data, p->len);
    if (err)
        return err;
    NET_COUNT(icmp_echo_req_tx);
    p->next = pings;
    pings = p;
    return KERR_OK;
}

void net_icmp_ping_cancel(net_icmp_ping_t *p)
{
    for (net_icmp_ping_t **q = &pings; *q; q = &(*q)->next)
        if (*q == p) {
            *q = p->next;
            p->next = 0;
            return;
        }
}

/* An echo reply: the waiting request it answers, if any, is done. Only
 * believed from the host pinged, with our identifier, sequence and data. */
static void icmp_echo_reply_in(uint32_t src, const uint8_t *m, uint32_t len)
{
    uint16_t id = net_get16(m + 4), seq = net_get16(m + 6);
    for (net_icmp_ping_t **q = &pings; *q; q = &(*q)->next) {
        net_icmp_ping_t *p = *q;
        if (p->dst != src || p->id != id || p->seq != seq ||
            p->len != len - 8 || memcmp(p->data, m + 8, p->len) != 0)
            continue;
        *q = p->next;
        p->next = 0;
        p->rtt = ktime_now() - p->sent;
        NET_COUNT(icmp_echo_reply_rx);
        if (p->on_reply)
            p->on_reply(p);
        return;
    }
    NET_COUNT(icmp_echo_reply_stray);
}

/* A port unreachable quoting (q, n), one of our UDP datagrams: the
 * resolver may stop waiting for a server that is not listening. Only
 * believed from the host we sent to. */
static void icmp_port_unreachable_in(const net_ip_hdr_t *h, const uint8_t *q,
                                     uint32_t n)
{
    if (n < 20 || (q[0] >> 4) != 4)
        return;
    uint32_t qhl = (uint32_t)(q[0] & 15) * 4;
    if (qhl < 20 || n < qhl + 8 || q[9] != NET_IP_PROTO_UDP ||
        net_get32(q + 12) != net_if.ip || net_get32(q + 16) != h->src)
        return;
    net_dns_port_unreachable(net_get16(q + qhl), h->src,
                             net_get16(q + qhl + 2));
}

void net_icmp_input(const net_ip_hdr_t *h, const uint8_t *p, bool bcast)
{
    const uint8_t *m = p + h->hlen;
    uint32_t len = (uint32_t)h->total - h->hlen;
    if (len < 8 || net_cksum(m, len) != 0) {
        NET_COUNT(icmp_drop_bad);
        return;
    }
    NET_COUNT(icmp_rx);
    if (m[0] == ICMP_UNREACH && m[1] == ICMP_UNREACH_PORT)
        icmp_port_unreachable_in(h, m + 8, len - 8);
    if (m[0] == ICMP_ECHO_REPLY && m[1] == 0 && !bcast)
        icmp_echo_reply_in(h->src, m, len);
    if (m[0] != ICMP_ECHO || m[1] != 0 || bcast || !net_if.ip)
        return;
    uint8_t hdr[8];
    memcpy(hdr, m, 8);
    hdr[0] = ICMP_ECHO_REPLY;
    NET_COUNT(icmp_echo_tx);
    (void)icmp_send(h->src, hdr, m + 8, len - 8);
}

static bool icmp_allowed(void)
{
    uint64_t now = ktime_now();
    uint64_t step = KTIME_S / NET_ICMP_RATE;
    uint64_t n = (now - refilled) / step;
    if (n) {
        tokens = (uint32_t)(tokens + n > NET_ICMP_BURST ? NET_ICMP_BURST
                                                        : tokens + n);
        refilled += n * step;
    }
    if (!tokens)
        return false;
    tokens--;
    return true;
}

void net_icmp_port_unreachable(const net_ip_hdr_t *h, const uint8_t *p)
{
    if (!net_if.ip)
        return;
    if (!icmp_allowed()) {
        NET_COUNT(icmp_unreach_limited);
        return;
    }
    /* RFC 792: the offending header plus the first 8 bytes of its data. */
    uint32_t quote = (uint32_t)h->hlen + 8;
    if (quote > h->total)
        quote = h->total;
    uint8_t hdr[8] = {ICMP_UNREACH, ICMP_UNREACH_PORT};
    NET_COUNT(icmp_unreach_tx);
    (void)icmp_send(h->src, hdr, p, quote);
}
