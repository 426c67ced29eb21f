/* net: the DNS resolver service (see dns.h).
 *
 * A lookup occupies one query slot from its first send to its answer. Each
 * slot has its own socket (a fresh random port per lookup) with one
 * receive kept armed, and one send request. When the lookup ends the
 * socket is closed, and the slot is reused only once both requests have
 * come back (their callbacks clear rx_live/tx_live). The resolver sits on the UDP
 * work-item API like any application would, so it runs over whichever
 * service serves UDP: this stack, or a hosted platform's host sockets. */
#include "net/dns.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "mote/net.h"
#include "net/config.h"
#include "net/netif.h"
#include "net/stats.h"
#include "net/timer.h"

#define DNS_BUF 512
#define CACHE_NAME 64
#define CACHE_TTL_MAX 3600

typedef struct dns_slot {
    net_dns_req_t *req;      /* the lookup; NULL when none */
    uint8_t rx_live, tx_live; /* our UDP requests in flight */
    uint16_t id;
    uint8_t attempt, nattempts;
    uint64_t until;          /* this attempt's end */
    net_udp_sock_t sock;
    net_udp_req_t rx, tx;
    uint8_t rxbuf[DNS_BUF], txbuf[DNS_BUF];
    uint32_t txlen;
} dns_slot_t;

typedef struct dns_cache_ent {
    char name[CACHE_NAME];
    uint32_t addrs[NET_DNS_MAX_ADDRS], count;
    uint64_t expires, stored;
} dns_cache_ent_t;

static dns_slot_t slots[NET_DNS_QUERIES];
static dns_cache_ent_t cache[NET_DNS_CACHE];
static kwork_t *wait_head, *wait_tail;

/* Waiting lookups are chained through svc_priv while we own them. */
static kwork_t *wnext(const kwork_t *w)
{
    return w->svc_priv;
}

static void wlink(kwork_t *w, kwork_t *next)
{
    w->svc_priv = next;
}

void net_dns_req_init(net_dns_req_t *r, const char *name, kwork_fn callback,
                      void *ctx)
{
    memset(r, 0, sizeof *r);
    kwork_init(&r->work, KOP_DNS_RESOLVE, callback, ctx);
    r->name = name;
}

/* ---- cache ---- */

static int cache_key_ok(const char *name)
{
    return strlen(name) < CACHE_NAME;
}

static int name_same(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
}

static dns_cache_ent_t *cache_find(const char *name, uint64_t now)
{
    for (unsigned i = 0; i < NET_DNS_CACHE; i++)
        if (cache[i].count && now < cache[i].expires &&
            name_same(cache[i].name, name))
            return &cache[i];
    return 0;
}

static void cache_put(const char *name, const net_dns_answer_t *a,
                      uint64_t now)
{
    if (!a->ttl || !cache_key_ok(name))
        return;
    /* The same name, else a free or stale slot, else the oldest. */
    dns_cache_ent_t *e = cache_find(name, now);
    for (unsigned i = 0; !e && i < NET_DNS_CACHE; i++)
        if (!cache[i].count || now >= cache[i].expires)
            e = &cache[i];
    if (!e) {
        e = &cache[0];
        for (unsigned i = 1; i < NET_DNS_CACHE; i++)
            if (cache[i].stored < e->stored)
                e = &cache[i];
    }
    uint32_t ttl = a->ttl > CACHE_TTL_MAX ? CACHE_TTL_MAX : a->ttl;
    memcpy(e->name, name, strlen(name) + 1);
    memcpy(e->addrs, a->addrs, sizeof e->addrs);
    e->count = a->count;
    e->stored = now;
    e->expires = now + (uint64_t)ttl * KTIME_S;
}

/* ---- lookups ---- */

static uint16_t dns_random16(void)
{
    uint16_t v;
    if (kcsprng_ready()) {
        kcsprng_fill(&v, sizeof v);
        return v;
    }
    static uint16_t weak = 0x5eed;
    return weak = (uint16_t)(weak * 31421u + 6927u + (uint16_t)ktime_now());
}

static bool slot_free(const dns_slot_t *s)
{
    return !s->req && !s->rx_live && !s->tx_live;
}

/* End the lookup in (s): its socket closes, which returns our UDP
 * requests with KERR_CANCELLED. (err) < 0: the caller completes nothing
 * (the kernel does, for a cancel). */
static void dns_end(dns_slot_t *s, int err, const net_dns_answer_t *a)
{
    net_dns_req_t *r = s->req;
    s->req = 0;
    net_udp_close(&s->sock);
    if (err >= 0) {
        if (a) {
            memcpy(r->addrs, a->addrs, sizeof r->addrs);
            r->count = a->count;
            r->ttl = a->ttl;
        }
        kcomplete(&r->work, (kerr_t)err);
    }
}

static int net_configured(void)
{
    /* Over our own stack we need an address first (DHCP may still be
     * running); over host sockets the host has one. */
    return net_if.ip || !net_if.running;
}

static int servers_ready(void)
{
    return net_if.ndns && net_configured();
}

static void dns_send(dns_slot_t *s, uint64_t now)
{
    if (!net_if.ndns) {
        /* DHCP renewed without DNS servers: nobody left to ask. */
        dns_end(s, KERR_UNREACHABLE, 0);
        return;
    }
    uint32_t server = net_if.dns[s->attempt % net_if.ndns];
    uint64_t per = s->attempt < net_if.ndns ? 1 : 2;
    s->until = now + per * KTIME_S;
    s->attempt++;
    net_timer_kick(s->until);
    if (s->tx_live)
        return; /* the last send is still waiting (ARP): just wait */
    s->tx.peer.ip = server;
    s->tx.peer.port = NET_DNS_PORT;
    s->tx.len = s->txlen;
    if (ksubmit(&s->tx.work) == KERR_OK) {
        s->tx_live = 1;
        NET_COUNT(dns_tx);
    }
}

static void tx_done(kwork_t *w)
{
    dns_slot_t *s = w->ctx;
    s->tx_live = 0; /* a lost send shows up as a timeout and a retry */
    if (!s->req)
        net_timer_kick(0); /* the slot may be free now */
}

static int server_known(uint32_t ip)
{
    for (unsigned i = 0; i < net_if.ndns; i++)
        if (net_if.dns[i] == ip)
            return 1;
    return 0;
}

/* A datagram arrived on (s)'s socket. */
static void dns_response(dns_slot_t *s, uint64_t now)
{
    net_dns_answer_t a;
    if (!server_known(s->rx.peer.ip) || s->rx.peer.port != NET_DNS_PORT ||
        net_dns_parse(s->rxbuf, s->rx.done, s->id, s->req->name, &a) != 0) {
        NET_COUNT(dns_drop_bad);
        return;
    }
    NET_COUNT(dns_rx);
    if (a.rcode == 3 || (a.rcode == 0 && !a.truncated && !a.count)) {
        dns_end(s, KERR_NOT_FOUND, 0);
    } else if (a.rcode == 0 && !a.truncated) {
        cache_put(s->req->name, &a, now);
        dns_end(s, KERR_OK, &a);
    } else if (s->attempt >= s->nattempts) {
        dns_end(s, KERR_TIMEOUT, 0); /* every server failed */
    } else {
        dns_send(s, now); /* SERVFAIL, REFUSED, TC: next server */
    }
}

static void rx_done(kwork_t *w)
{
    dns_slot_t *s = w->ctx;
    s->rx_live = 0;
    if (s->req && (w->result == KERR_OK || w->result == KERR_TOO_BIG))
        dns_response(s, ktime_now());
    if (s->req && ksubmit(&s->rx.work) == KERR_OK)
        s->rx_live = 1;
    if (!s->req)
        net_timer_kick(0);
}

/* Give (r) slot (s). 0, or the error to complete (r) with. */
static kerr_t dns_start(dns_slot_t *s, net_dns_req_t *r, uint64_t now)
{
    if (net_udp_open(&s->sock, 0) != KERR_OK)
        return KERR_NOMEM;
    net_udp_req_init(&s->rx, KOP_UDP_RECV, &s->sock, s->rxbuf, DNS_BUF,
                     rx_done, s);
    net_udp_req_init(&s->tx, KOP_UDP_SEND, &s->sock, s->txbuf, 0, tx_done,
                     s);
    if (ksubmit(&s->rx.work) != KERR_OK) {
        net_udp_close(&s->sock);
        return KERR_NOMEM;
    }
    s->rx_live = 1;
    s->id = dns_random16();
    s->txlen = net_dns_build_query(s->txbuf, DNS_BUF, s->id, r->name);
    s->req = r;
    s->attempt = 0;
    s->nattempts = (uint8_t)(net_if.ndns * NET_DNS_ROUNDS);
    if (s->nattempts < 3)
        s->nattempts = 3;
    dns_send(s, now);
    return KERR_OK;
}

/* Answer (r) from its name alone (dotted quad) or the cache. */
static int dns_answer_local(net_dns_req_t *r, uint64_t now)
{
    uint32_t ip;
    if (net_parse_ip(r->name, 0, &ip) == 0) {
        r->addrs[0] = ip;
        r->count = 1;
        r->ttl = 0;
        return 1;
    }
    dns_cache_ent_t *e = cache_find(r->name, now);
    if (!e)
        return 0;
    NET_COUNT(dns_cache_hit);
    memcpy(r->addrs, e->addrs, sizeof r->addrs);
    r->count = e->count;
    r->ttl = (uint32_t)((e->expires - now) / KTIME_S);
    return 1;
}

/* Start waiting lookups on free slots (and answer those the cache now
 * can). */
static void dns_dispatch(uint64_t now)
{
    while (wait_head && net_configured() && !net_if.ndns) {
        kwork_t *w = wait_head;
        wait_head = wnext(w);
        kcomplete(w, KERR_UNREACHABLE);
    }
    while (wait_head && servers_ready()) {
        net_dns_req_t *r = KCONTAINER_OF(wait_head, net_dns_req_t, work);
        if (dns_answer_local(r, now)) {
            wait_head = wnext(wait_head);
            kcomplete(&r->work, KERR_OK);
            continue;
        }
        dns_slot_t *s = 0;
        for (unsigned i = 0; i < NET_DNS_QUERIES && !s; i++)
            if (slot_free(&slots[i]))
                s = &slots[i];
        if (!s)
            break;
        wait_head = wnext(wait_head);
        kerr_t err = dns_start(s, r, now);
        if (err)
            kcomplete(&r->work, err);
    }
    if (!wait_head)
        wait_tail = 0;
}

uint64_t net_dns_poll(uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < NET_DNS_QUERIES; i++) {
        dns_slot_t *s = &slots[i];
        if (!s->req)
            continue;
        if (now >= s->until) {
            if (s->attempt >= s->nattempts) {
                dns_end(s, KERR_TIMEOUT, 0);
                continue;
            }
            dns_send(s, now);
        }
        if (s->until < next)
            next = s->until;
    }
    dns_dispatch(now);
    return next;
}

void net_dns_port_unreachable(uint16_t lport, uint32_t ip, uint16_t port)
{
    if (port != NET_DNS_PORT || !net_if.ndns)
        return;
    for (unsigned i = 0; i < NET_DNS_QUERIES; i++) {
        dns_slot_t *s = &slots[i];
        if (!s->req || s->sock.port != lport || !s->attempt ||
            net_if.dns[(s->attempt - 1u) % net_if.ndns] != ip)
            continue;
        /* Like a timeout of this attempt, only sooner. */
        s->until = ktime_now();
        net_timer_kick(s->until);
    }
}

/* ---- the service ---- */

static kerr_t dns_submit(kwork_t *w)
{
    net_dns_req_t *r = KCONTAINER_OF(w, net_dns_req_t, work);
    uint8_t probe[DNS_BUF];
    uint32_t ip;
    if (!r->name || (net_parse_ip(r->name, 0, &ip) != 0 &&
                     !net_dns_build_query(probe, DNS_BUF, 0, r->name)))
        return KERR_INVALID;
    r->count = 0;
    r->ttl = 0;
    if (dns_answer_local(r, ktime_now())) {
        kcomplete(w, KERR_OK);
        return KERR_OK;
    }
    wlink(w, 0);
    if (wait_tail)
        wlink(wait_tail, w);
    else
        wait_head = w;
    wait_tail = w;
    dns_dispatch(ktime_now());
    return KERR_OK;
}

static bool dns_cancel(kwork_t *w)
{
    kwork_t *prev = 0;
    for (kwork_t *it = wait_head; it; prev = it, it = wnext(it)) {
        if (it != w)
            continue;
        if (prev)
            wlink(prev, wnext(it));
        else
            wait_head = wnext(it);
        if (wait_tail == it)
            wait_tail = prev;
        return true;
    }
    for (unsigned i = 0; i < NET_DNS_QUERIES; i++) {
        if (slots[i].req && &slots[i].req->work == w) {
            dns_end(&slots[i], -1, 0);
            return true;
        }
    }
    return false;
}

void net_dns_reset(void)
{
    memset(slots, 0, sizeof slots);
    memset(cache, 0, sizeof cache);
    wait_head = wait_tail = 0;
}

const kservice_t net_dns_service = {
    .name = "net-dns",
    .submit = dns_submit,
    .cancel = dns_cancel,
};
