/* net: DHCP client (see dhcp.h), one ksm state machine (mote/ksm.h).
 *
 * client() reads as the protocol does: DISCOVER until an OFFER, REQUEST
 * it until an ACK, stay bound (renewing, rebinding) until the lease is
 * lost, and start over. Every wait is the socket's receive with a deadline
 * at the next timer (a retransmission, the static fallback, T1, T2, the
 * lease's end); a reply that does not belong to the current state is
 * counted and dropped, and the wait goes on. */
#include "net/dhcp.h"
#include "kernel/kboot.h"
#include "lib/kstring.h"
#include "mote/kapp.h"
#include "mote/krng.h"
#include "mote/ksm.h"
#include "mote/printk.h"
#include "net/arp.h"
#include "net/netif.h"
#include "net/stats.h"
#include "net/timer.h"
#include "net/udp.h"

#define FALLBACK_IP NET_IP4(10, 0, 2, 15)
#define FALLBACK_MASK NET_IP4(255, 255, 255, 0)
#define FALLBACK_GW NET_IP4(10, 0, 2, 2)
#define FALLBACK_DNS NET_IP4(10, 0, 2, 3)
#define RETRY_MAX_S 4
#define FALLBACK_RETRY_S 30
#define REQUEST_TRIES 3

static struct {
    net_dhcp_state_t state;
    uint32_t xid;
    uint32_t offered, server;
    uint8_t tries;
    uint8_t fallback;           /* static fallback applied */
    uint8_t dns_fixed;          /* dns= given: keep it */
    uint8_t gw_fixed;           /* gw= given: keep it */
    uint64_t next;              /* retransmission or state timer */
    uint64_t fallback_at;
    uint64_t t1, t2, expiry;    /* absolute, while bound */
    uint64_t wait;              /* dhcp_wait, ns */
    uint64_t next_wake;         /* while bound: the next deadline */
    bool replied;               /* the REQUEST wait ended with a reply */
    net_dhcp_msg_t msg;         /* the last reply accepted */
    ksm_t sm;
} d;

static net_udp_sock_t sock;
static net_udp_req_t rx;
static uint8_t rx_buf[NET_UDP_MAX_PAYLOAD];

net_dhcp_state_t net_dhcp_state(void)
{
    return d.state;
}

static uint32_t new_xid(void)
{
    uint32_t x;
    if (kcsprng_ready()) {
        kcsprng_fill(&x, sizeof x);
        return x;
    }
    /* Early boot: not secret, only needs to differ between clients. */
    x = (uint32_t)ktime_now();
    for (unsigned i = 0; i < 6; i++)
        x = x * 31 + net_if.mac[i];
    return x;
}

static void dhcp_send(uint8_t type, uint32_t ciaddr, uint32_t req_ip,
                      uint32_t server, uint32_t dst)
{
    uint8_t msg[NET_DHCP_MIN_LEN];
    uint32_t n = net_dhcp_build(msg, type, d.xid, net_if.mac, ciaddr,
                                req_ip, server);
    net_addr_t to = {dst, NET_DHCP_SERVER_PORT};
    if (net_udp_output(ciaddr, NET_DHCP_CLIENT_PORT, &to, msg, n) == KERR_OK)
        NET_COUNT(dhcp_tx);
}

/* Retransmission delay after (tries) sends: 1, 2, 4, 4... s. */
static uint64_t backoff(unsigned tries)
{
    unsigned s = tries >= 3 ? RETRY_MAX_S : 1u << (tries ? tries - 1 : 0);
    return (uint64_t)s * KTIME_S;
}

static void discover(uint64_t now)
{
    d.state = NET_DHCP_SELECTING;
    d.xid = new_xid();
    d.tries++;
    dhcp_send(NET_DHCP_DISCOVER, 0, 0, 0, NET_IP_BROADCAST);
    d.next = now + (d.fallback ? FALLBACK_RETRY_S * KTIME_S
                               : backoff(d.tries));
}

static void request(uint64_t now)
{
    d.tries++;
    switch (d.state) {
    case NET_DHCP_REQUESTING:
        dhcp_send(NET_DHCP_REQUEST, 0, d.offered, d.server,
                  NET_IP_BROADCAST);
        d.next = now + backoff(d.tries);
        break;
    case NET_DHCP_RENEWING:
        dhcp_send(NET_DHCP_REQUEST, net_if.ip, 0, 0, d.server);
        break;
    case NET_DHCP_REBINDING:
        dhcp_send(NET_DHCP_REQUEST, net_if.ip, 0, 0, NET_IP_BROADCAST);
        break;
    default:
        break;
    }
}

/* Retransmit gap while renewing/rebinding: half the time left to (until),
 * at least a second (RFC 2131 4.4.5 says 60 s; short test leases need less). */
static uint64_t half_to(uint64_t now, uint64_t until)
{
    uint64_t gap = until > now ? (until - now) / 2 : 0;
    return now + (gap < KTIME_S ? KTIME_S : gap);
}

/* The first address (lease or fall-back) ends the boot trace's "net"
 * phase (kernel/kboot.h); renewals do not. */
static uint8_t boot_phase_open;

static void boot_phase_end(void)
{
    if (!boot_phase_open)
        return;
    boot_phase_open = 0;
    kboot_mark("net");
    kboot_done();
}

static void fallback(void)
{
    printk(KLOG_WARN, "net: no DHCP answer, using static 10.0.2.15/24");
    boot_phase_end();
    d.fallback = 1;
    net_if.ip = FALLBACK_IP;
    net_if.mask = FALLBACK_MASK;
    if (!d.gw_fixed)
        net_if.gw = FALLBACK_GW;
    if (!d.dns_fixed) {
        net_if.dns[0] = FALLBACK_DNS;
        net_if.ndns = 1;
    }
    net_arp_announce();
    net_timer_kick(0); /* DNS lookups waiting for an address may go */
}

static void lease_lost(uint64_t now)
{
    printk(KLOG_WARN, "net: DHCP lease lost");
    net_if.ip = 0;
    d.fallback = 0;
    d.fallback_at = now + d.wait;
}

static void bind(const net_dhcp_msg_t *m, uint64_t now)
{
    char a[16], g[16];
    uint32_t lease = m->lease ? m->lease : 3600;
    net_if.ip = m->yiaddr;
    net_if.mask = m->mask ? m->mask : FALLBACK_MASK;
    if (!d.gw_fixed)
        net_if.gw = m->router;
    if (!d.dns_fixed) {
        for (unsigned i = 0; i < m->ndns && i < NET_DNS_SERVERS; i++)
            net_if.dns[i] = m->dns[i];
        net_if.ndns = m->ndns < NET_DNS_SERVERS ? m->ndns : NET_DNS_SERVERS;
    }
    d.state = NET_DHCP_BOUND;
    d.fallback = 0;
    if (m->server_id)
        d.server = m->server_id; /* else keep the one that offered */
    d.tries = 0;
    if (lease == 0xffffffffu) {
        d.t1 = d.t2 = d.expiry = UINT64_MAX;
    } else {
        uint64_t t1 = m->t1 ? m->t1 : lease / 2;
        uint64_t t2 = m->t2 ? m->t2 : (uint64_t)lease * 7 / 8;
        d.t1 = now + t1 * KTIME_S;
        d.t2 = now + t2 * KTIME_S;
        d.expiry = now + (uint64_t)lease * KTIME_S;
    }
    printk(KLOG_INFO, "net: DHCP lease %s gw %s for %us",
           net_ip_str(net_if.ip, a), net_ip_str(net_if.gw, g),
           (unsigned)lease);
    boot_phase_end();
    net_arp_announce();
    net_timer_kick(0); /* DNS lookups waiting for an address may go */
}

/* Does (p, len) belong to the current state? It is then in d.msg. */
static bool accept(const uint8_t *p, uint32_t len)
{
    net_dhcp_msg_t *m = &d.msg;
    bool ok = net_dhcp_parse(p, len, m) == 0 && m->op == 2 && m->xid == d.xid &&
              memcmp(m->chaddr, net_if.mac, 6) == 0;
    if (ok && m->type == NET_DHCP_OFFER)
        ok = d.state == NET_DHCP_SELECTING && m->yiaddr && m->server_id;
    else if (ok && m->type == NET_DHCP_ACK)
        ok = m->yiaddr && d.state != NET_DHCP_SELECTING && d.state != NET_DHCP_BOUND;
    else if (ok)
        ok = m->type == NET_DHCP_NAK && d.state != NET_DHCP_SELECTING &&
             d.state != NET_DHCP_BOUND;
    if (ok)
        NET_COUNT(dhcp_rx);
    else
        NET_COUNT(dhcp_drop_bad);
    return ok;
}

/* After a wait: the static fallback if it is due, then whether a reply for
 * this state arrived. */
static bool got_reply(const ksm_t *m)
{
    if (!d.fallback && d.state < NET_DHCP_BOUND && ktime_now() >= d.fallback_at)
        fallback();
    return m->err == KERR_OK && accept(rx_buf, rx.done);
}

/* Until a reply: the next retransmission, or the fallback if earlier. */
static uint64_t unbound_until(void)
{
    return !d.fallback && d.fallback_at < d.next ? d.fallback_at : d.next;
}

/* While bound: move BOUND -> RENEWING at T1 -> REBINDING at T2, sending
 * REQUESTs half the time left apart; returns the next deadline
 * (UINT64_MAX: none), or 0 when the lease has ended. */
static uint64_t bound_timers(uint64_t now)
{
    if (d.state == NET_DHCP_BOUND) {
        if (now < d.t1)
            return d.t1;
        d.state = NET_DHCP_RENEWING;
        d.tries = 0;
        d.next = 0;
    }
    if (d.state == NET_DHCP_RENEWING) {
        if (now < d.t2) {
            if (now >= d.next) {
                request(now);
                d.next = half_to(now, d.t2);
            }
            return d.next < d.t2 ? d.next : d.t2;
        }
        d.state = NET_DHCP_REBINDING;
        d.next = 0;
    }
    if (now >= d.expiry)
        return 0;
    if (now >= d.next) {
        request(now);
        d.next = half_to(now, d.expiry);
    }
    return d.next < d.expiry ? d.next : d.expiry;
}

/* The receive failed for good (cancelled, or the socket refused it). */
static bool stopped(const ksm_t *m)
{
    return m->refused || m->err == KERR_CANCELLED;
}

#define AWAIT_REPLY(m, until) KSM_AWAIT_UNTIL(m, &rx.work, (until))

static void client(ksm_t *m)
{
    KSM_BEGIN(m);
    for (;;) {
        /* SELECTING: DISCOVER 1, 2, 4, 4... s apart (30 s once on the
         * fallback), each with a new xid, until an OFFER. */
        d.tries = 0;
        discover(ktime_now());
        for (;;) {
            AWAIT_REPLY(m, unbound_until());
            if (stopped(m))
                KSM_EXIT(m, m->err);
            if (got_reply(m))
                break;
            if (ktime_now() >= d.next)
                discover(ktime_now());
        }
        /* REQUESTING that offer, up to REQUEST_TRIES times; a NAK or
         * silence sends us back to DISCOVER. */
        d.offered = d.msg.yiaddr;
        d.server = d.msg.server_id;
        d.state = NET_DHCP_REQUESTING;
        d.tries = 0;
        request(ktime_now());
        for (;;) {
            AWAIT_REPLY(m, unbound_until());
            if (stopped(m))
                KSM_EXIT(m, m->err);
            if ((d.replied = got_reply(m)))
                break;
            if (ktime_now() >= d.next && d.tries >= REQUEST_TRIES)
                break;
            if (ktime_now() >= d.next)
                request(ktime_now());
        }
        if (!d.replied || d.msg.type != NET_DHCP_ACK)
            continue;
        /* BOUND (renewing at T1, rebinding at T2) until a NAK or the
         * lease's end; each ACK binds again. */
        bind(&d.msg, ktime_now());
        for (;;) {
            d.next_wake = bound_timers(ktime_now());
            if (d.next_wake == 0)
                break;
            AWAIT_REPLY(m, d.next_wake == UINT64_MAX ? 0 : d.next_wake);
            if (stopped(m))
                KSM_EXIT(m, m->err);
            if (!got_reply(m))
                continue;
            if (d.msg.type != NET_DHCP_ACK)
                break; /* NAK */
            bind(&d.msg, ktime_now());
        }
        lease_lost(ktime_now());
    }
    KSM_END(m);
}

void net_dhcp_reset(void)
{
    memset(&d, 0, sizeof d);
    memset(&sock, 0, sizeof sock);
    memset(&rx, 0, sizeof rx);
}

void net_dhcp_start(void)
{
    if (net_udp_sock_open(&sock, NET_DHCP_CLIENT_PORT) != KERR_OK) {
        printk(KLOG_ERR, "net: DHCP port busy");
        return;
    }
    net_udp_req_init(&rx, KOP_UDP_RECV, &sock, rx_buf, sizeof rx_buf, NULL, 0);
    memset(&d, 0, sizeof d);
    d.dns_fixed = net_if.ndns != 0;
    d.gw_fixed = net_if.gw != 0;
    d.wait = kargs_get_ulong("dhcp_wait", 4) * KTIME_S;
    d.fallback_at = ktime_now() + d.wait;
    boot_phase_open = 1;
    kboot_expect();
    ksm_start(&d.sm, client, NULL);
}
