/* net: ARP cache, resolution queue and replies (see arp.h). */
#include "net/arp.h"
#include "lib/kstring.h"
#include "mote/ktime.h"
#include "net/stats.h"
#include "net/timer.h"
#include "net/udp.h"
#include "net/wire.h"

enum { ARP_FREE, ARP_PENDING, ARP_RESOLVED };

typedef struct arp_entry {
    uint32_t ip;
    uint8_t mac[6];
    uint8_t state;
    uint8_t tries;    /* requests sent while pending */
    uint64_t time;    /* pending: next retry; resolved: expiry */
    uint64_t used;    /* last use, for LRU eviction */
} arp_entry_t;

uint64_t net_arp_ttl = 60 * KTIME_S;

static arp_entry_t cache[NET_ARP_CACHE];
static net_txbuf_t *queue_head;
static unsigned queue_len;

int net_arp_parse(const uint8_t *p, uint32_t len, net_arp_pkt_t *a)
{
    if (len < NET_ARP_LEN || net_get16(p) != 1 ||
        net_get16(p + 2) != NET_ETHERTYPE_IP || p[4] != 6 || p[5] != 4)
        return -1;
    a->op = net_get16(p + 6);
    if (a->op != NET_ARP_REQUEST && a->op != NET_ARP_REPLY)
        return -1;
    memcpy(a->sha, p + 8, 6);
    a->spa = net_get32(p + 14);
    memcpy(a->tha, p + 18, 6);
    a->tpa = net_get32(p + 24);
    return 0;
}

void net_arp_build(uint8_t *p, const net_arp_pkt_t *a)
{
    net_put16(p, 1);
    net_put16(p + 2, NET_ETHERTYPE_IP);
    p[4] = 6;
    p[5] = 4;
    net_put16(p + 6, a->op);
    memcpy(p + 8, a->sha, 6);
    net_put32(p + 14, a->spa);
    memcpy(p + 18, a->tha, 6);
    net_put32(p + 24, a->tpa);
}

/* Send an ARP packet; dropped (and not counted as sent) if no buffer. */
static void arp_send(uint16_t op, const uint8_t *dst, const uint8_t *tha,
                     uint32_t tpa)
{
    net_txbuf_t *b = net_tx_alloc();
    if (!b) {
        NET_COUNT(ip_drop_nobuf);
        return;
    }
    net_arp_pkt_t a = {.op = op, .spa = net_if.ip, .tpa = tpa};
    memcpy(a.sha, net_if.mac, 6);
    memcpy(a.tha, tha, 6);
    net_arp_build(b->frame + NET_ETH_HLEN, &a);
    b->len = NET_ETH_HLEN + NET_ARP_LEN;
    if (op == NET_ARP_REQUEST)
        NET_COUNT(arp_req_tx);
    else
        NET_COUNT(arp_reply_tx);
    net_eth_output(b, dst, NET_ETHERTYPE_ARP);
}

static void arp_request(uint32_t ip)
{
    static const uint8_t zero[6];
    arp_send(NET_ARP_REQUEST, net_mac_broadcast, zero, ip);
}

void net_arp_announce(void)
{
    if (net_if.ip)
        arp_request(net_if.ip);
}

/* The entry for (ip), or NULL; a resolved entry past its lifetime is
 * dropped here, so every path sees expiry the same way. */
static arp_entry_t *arp_find(uint32_t ip)
{
    for (unsigned i = 0; i < NET_ARP_CACHE; i++) {
        arp_entry_t *e = &cache[i];
        if (e->state == ARP_FREE || e->ip != ip)
            continue;
        if (e->state == ARP_RESOLVED && ktime_now() >= e->time) {
            NET_COUNT(arp_expired);
            e->state = ARP_FREE;
            return 0;
        }
        return e;
    }
    return 0;
}

/* A free slot, else the least recently used resolved one; NULL if every
 * slot is being resolved. */
static arp_entry_t *arp_slot(void)
{
    arp_entry_t *victim = 0;
    for (unsigned i = 0; i < NET_ARP_CACHE; i++) {
        arp_entry_t *e = &cache[i];
        if (e->state == ARP_FREE)
            return e;
        if (e->state == ARP_RESOLVED && (!victim || e->used < victim->used))
            victim = e;
    }
    return victim;
}

/* Send or fail every queued packet for (ip). */
static void queue_flush(uint32_t ip, const uint8_t *mac, kerr_t err)
{
    net_txbuf_t **pp = &queue_head;
    while (*pp) {
        net_txbuf_t *b = *pp;
        if (b->nexthop != ip) {
            pp = &b->next;
            continue;
        }
        *pp = b->next;
        queue_len--;
        b->next = 0;
        if (mac) {
            net_eth_output(b, mac, NET_ETHERTYPE_IP);
        } else {
            net_tx_free(b, err);
        }
    }
}

static void arp_learn(arp_entry_t *e, uint32_t ip, const uint8_t *mac)
{
    uint64_t now = ktime_now();
    if (e->state != ARP_RESOLVED)
        NET_COUNT(arp_resolved);
    e->ip = ip;
    memcpy(e->mac, mac, 6);
    e->state = ARP_RESOLVED;
    e->time = now + net_arp_ttl;
    e->used = now;
    queue_flush(ip, mac, KERR_OK);
}

void net_arp_input(const uint8_t *p, uint32_t len)
{
    net_arp_pkt_t a;
    if (net_arp_parse(p, len, &a) != 0 || (a.sha[0] & 1)) {
        NET_COUNT(arp_drop_bad);
        return;
    }
    NET_COUNT(arp_rx);
    bool for_us = net_if.ip && a.tpa == net_if.ip;
    /* RFC 826: update an entry we already have; add one only when the
     * sender is talking to us (it will probably want a reply). */
    if (a.spa && a.spa != net_if.ip) {
        arp_entry_t *e = arp_find(a.spa);
        if (!e && for_us)
            e = arp_slot();
        if (e)
            arp_learn(e, a.spa, a.sha);
    }
    if (for_us && a.op == NET_ARP_REQUEST)
        arp_send(NET_ARP_REPLY, a.sha, a.sha, a.spa);
}

static void queue_push(net_txbuf_t *b, uint32_t nexthop)
{
    b->nexthop = nexthop;
    b->next = 0;
    net_txbuf_t **pp = &queue_head;
    while (*pp)
        pp = &(*pp)->next;
    *pp = b;
    queue_len++;
}

static void arp_start(arp_entry_t *e, uint32_t ip, uint64_t now)
{
    e->ip = ip;
    e->state = ARP_PENDING;
    e->tries = 1;
    e->time = now + NET_ARP_RETRY_MS * KTIME_MS;
    e->used = now;
    arp_request(ip);
    net_timer_kick(e->time);
}

void net_arp_output(net_txbuf_t *b, uint32_t nexthop)
{
    uint64_t now = ktime_now();
    arp_entry_t *e = arp_find(nexthop);
    if (e && e->state == ARP_RESOLVED) {
        e->used = now;
        net_eth_output(b, e->mac, NET_ETHERTYPE_IP);
        return;
    }
    if (queue_len >= NET_ARP_QUEUE || (!e && !(e = arp_slot()))) {
        NET_COUNT(arp_queue_full);
        net_tx_free(b, KERR_NOMEM);
        return;
    }
    queue_push(b, nexthop);
    if (e->state != ARP_PENDING)
        arp_start(e, nexthop, now);
}

uint64_t net_arp_poll(uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < NET_ARP_CACHE; i++) {
        arp_entry_t *e = &cache[i];
        if (e->state != ARP_PENDING)
            continue;
        if (now >= e->time) {
            if (e->tries >= NET_ARP_TRIES) {
                NET_COUNT(arp_timeout);
                e->state = ARP_FREE;
                queue_flush(e->ip, 0, KERR_UNREACHABLE);
                continue;
            }
            e->tries++;
            e->time = now + NET_ARP_RETRY_MS * KTIME_MS;
            arp_request(e->ip);
        }
        if (e->time < next)
            next = e->time;
    }
    return next;
}

bool net_arp_forget(net_udp_req_t *r)
{
    for (net_txbuf_t **pp = &queue_head; *pp; pp = &(*pp)->next) {
        net_txbuf_t *b = *pp;
        if (b->owner != r)
            continue;
        *pp = b->next;
        queue_len--;
        b->owner = 0;
        net_tx_free(b, KERR_OK);
        return true;
    }
    return false;
}

void net_arp_close_sock(net_udp_sock_t *s)
{
    net_txbuf_t **pp = &queue_head;
    while (*pp) {
        net_txbuf_t *b = *pp;
        if (!b->owner || b->owner->sock != s) {
            pp = &b->next;
            continue;
        }
        *pp = b->next;
        queue_len--;
        net_tx_free(b, KERR_CANCELLED);
    }
}

int net_arp_lookup(uint32_t ip, uint8_t mac[6])
{
    arp_entry_t *e = arp_find(ip);
    if (!e || e->state != ARP_RESOLVED)
        return 0;
    memcpy(mac, e->mac, 6);
    return 1;
}

void net_arp_reset(void)
{
    memset(cache, 0, sizeof cache);
    queue_head = 0;
    queue_len = 0;
    net_arp_ttl = 60 * KTIME_S;
}
