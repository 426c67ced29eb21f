/* net: UDP input/output and the socket service (see udp.h). */
#include "net/udp.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "net/arp.h"
#include "net/cksum.h"
#include "net/icmp.h"
#include "net/stats.h"
#include "net/timer.h"
#include "net/tun.h"
#include "net/wire.h"

typedef struct udp_bl {
    struct udp_bl *next;
    net_addr_t peer;
    uint16_t len;
    uint8_t data[NET_UDP_MAX_PAYLOAD];
} udp_bl_t;

typedef struct udp_slot {
    net_udp_sock_t *sock;     /* NULL: free */
    udp_bl_t *bl_head, *bl_tail;
    unsigned bl_len;
} udp_slot_t;

static udp_slot_t slots[NET_UDP_SOCKETS];
static udp_bl_t bl_pool[NET_UDP_BACKLOG_POOL];
static udp_bl_t *bl_free;
static bool bl_ready;
static kwork_t *wait_head, *wait_tail; /* sends waiting for a tx buffer */
static uint16_t next_ephemeral;

/* Requests are chained through svc_priv while the stack owns them. */
static kwork_t *wnext(const kwork_t *w)
{
    return w->svc_priv;
}

static void wlink(kwork_t *w, kwork_t *next)
{
    w->svc_priv = next;
}

/* The slot of open socket (s), or NULL if (s) is not open here. */
static udp_slot_t *slot_of(const net_udp_sock_t *s)
{
    if (!s || s->handle < 0 || s->handle >= NET_UDP_SOCKETS)
        return 0;
    udp_slot_t *sl = &slots[s->handle];
    return sl->sock == s ? sl : 0;
}

static udp_slot_t *slot_by_port(uint16_t port)
{
    for (unsigned i = 0; i < NET_UDP_SOCKETS; i++)
        if (slots[i].sock && slots[i].sock->port == port)
            return &slots[i];
    return 0;
}

static void bl_init(void)
{
    for (unsigned i = 0; i < NET_UDP_BACKLOG_POOL; i++) {
        bl_pool[i].next = bl_free;
        bl_free = &bl_pool[i];
    }
    bl_ready = true;
}

/* ---- receive side ---- */

/* Copy a datagram into receive (r) and complete it. */
static void recv_fill(net_udp_req_t *r, const net_addr_t *peer,
                      const uint8_t *data, uint32_t len)
{
    uint32_t n = len < r->len ? len : r->len;
    if (n)
        memcpy(r->buf, data, n);
    r->done = n;
    r->peer = *peer;
    kerr_t err = KERR_OK;
    if (n < len) {
        r->sock->stats.rx_truncated++;
        NET_COUNT(udp_truncated);
        err = KERR_TOO_BIG;
    }
    kcomplete(&r->work, err);
}

static void deliver(udp_slot_t *sl, const net_addr_t *peer,
                    const uint8_t *data, uint32_t len)
{
    net_udp_sock_t *s = sl->sock;
    kwork_t *w = s->armed_head;
    if (w) {
        s->armed_head = wnext(w);
        if (!s->armed_head)
            s->armed_tail = 0;
        s->stats.rx++;
        NET_COUNT(udp_rx);
        recv_fill(KCONTAINER_OF(w, net_udp_req_t, work), peer, data, len);
        return;
    }
    if (!bl_ready)
        bl_init();
    udp_bl_t *b = bl_free;
    if (sl->bl_len >= NET_UDP_BACKLOG || !b) {
        s->stats.rx_dropped_backlog++;
        NET_COUNT(udp_drop_backlog);
        return;
    }
    bl_free = b->next;
    b->next = 0;
    b->peer = *peer;
    b->len = (uint16_t)len;
    memcpy(b->data, data, len);
    if (sl->bl_tail)
        sl->bl_tail->next = b;
    else
        sl->bl_head = b;
    sl->bl_tail = b;
    sl->bl_len++;
    s->stats.rx++;
    NET_COUNT(udp_rx);
}

static bool udp_cksum_ok(const net_ip_hdr_t *h, const uint8_t *u,
                         uint16_t len)
{
    if (net_get16(u + 6) == 0)
        return true; /* sender did not compute one (allowed over IPv4) */
    uint32_t sum = net_cksum_pseudo(h->src, h->dst, NET_IP_PROTO_UDP, len);
    return net_cksum_fold(net_cksum_add(sum, u, len)) == 0;
}

void net_udp_input(const net_ip_hdr_t *h, const uint8_t *p, bool bcast)
{
    const uint8_t *u = p + h->hlen;
    uint32_t avail = (uint32_t)h->total - h->hlen;
    if (avail < NET_UDP_HLEN) {
        NET_COUNT(udp_drop_short);
        return;
    }
    uint16_t len = net_get16(u + 4);
    if (len < NET_UDP_HLEN || len > avail) {
        NET_COUNT(udp_drop_len);
        return;
    }
    if (!udp_cksum_ok(h, u, len)) {
        NET_COUNT(udp_drop_cksum);
        return;
    }
    udp_slot_t *sl = slot_by_port(net_get16(u + 2));
    if (sl && !net_tun.rx_now && net_tun_port_only(sl->sock->port)) {
        net_tun_stats.port_drops++; /* tunnel-only port: net/tun.h */
        return;
    }
    if (!sl) {
        NET_COUNT(udp_drop_noport);
        if (!bcast)
            net_icmp_port_unreachable(h, p);
        return;
    }
    net_addr_t peer = {h->src, net_get16(u)};
    deliver(sl, &peer, u + NET_UDP_HLEN, len - NET_UDP_HLEN);
}

static kerr_t recv_submit(udp_slot_t *sl, net_udp_req_t *r)
{
    net_udp_sock_t *s = sl->sock;
    udp_bl_t *b = sl->bl_head;
    if (b) {
        sl->bl_head = b->next;
        if (!sl->bl_head)
            sl->bl_tail = 0;
        sl->bl_len--;
        recv_fill(r, &b->peer, b->data, b->len);
        b->next = bl_free;
        bl_free = b;
        return KERR_OK;
    }
    wlink(&r->work, 0);
    if (s->armed_tail)
        wlink(s->armed_tail, &r->work);
    else
        s->armed_head = &r->work;
    s->armed_tail = &r->work;
    return KERR_OK;
}

/* ---- send side ---- */

/* Build and route one datagram in (b). */
static kerr_t udp_build(net_txbuf_t *b, uint32_t src, uint16_t sport,
                        const net_addr_t *dst, const void *data,
                        uint32_t len)
{
    uint8_t *u = net_ip_payload(b);
    uint16_t ulen = (uint16_t)(NET_UDP_HLEN + len);
    net_put16(u, sport);
    net_put16(u + 2, dst->port);
    net_put16(u + 4, ulen);
    net_put16(u + 6, 0);
    if (len)
        memcpy(u + NET_UDP_HLEN, data, len);
    uint32_t sum = net_cksum_pseudo(src, dst->ip, NET_IP_PROTO_UDP, ulen);
    uint16_t c = net_cksum_fold(net_cksum_add(sum, u, ulen));
    net_put16(u + 6, c ? c : 0xffff); /* 0 would mean "no checksum" */
    NET_COUNT(udp_tx);
    return net_ip_output(b, src, dst->ip, NET_IP_PROTO_UDP, ulen);
}

kerr_t net_udp_output(uint32_t src, uint16_t sport, const net_addr_t *dst,
                      const void *data, uint32_t len)
{
    net_txbuf_t *b = net_tx_alloc();
    if (!b) {
        NET_COUNT(ip_drop_nobuf);
        return KERR_NOMEM;
    }
    return udp_build(b, src, sport, dst, data, len);
}

void net_udp_send_done(net_udp_req_t *r, kerr_t err)
{
    if (err == KERR_OK)
        r->sock->stats.tx++;
    else if (err == KERR_UNREACHABLE)
        NET_COUNT(udp_unreachable);
    kcomplete(&r->work, err);
}

/* Send (r) now in (b): the buffer's owner completes it. */
static void send_start(net_udp_req_t *r, net_txbuf_t *b)
{
    b->owner = r;
    udp_build(b, net_ip_src_for(r->peer.ip), r->sock->port, &r->peer, r->buf,
              r->len);
}

static kerr_t send_submit(net_udp_req_t *r)
{
    if (r->len > NET_UDP_MAX_PAYLOAD)
        return KERR_TOO_BIG;
    if (!r->peer.ip || !r->peer.port)
        return KERR_INVALID;
    if (net_tun_port_only(r->sock->port) &&
        (!net_tun.ip || net_ip_src_for(r->peer.ip) != net_tun.ip)) {
        net_tun_stats.port_refused++; /* tunnel-only port: net/tun.h */
        net_udp_send_done(r, KERR_UNREACHABLE);
        return KERR_OK;
    }
    if (!net_if.ip && !net_ip_is_broadcast(r->peer.ip)) {
        /* No address yet (DHCP pending): nowhere to send from. */
        net_udp_send_done(r, KERR_UNREACHABLE);
        return KERR_OK;
    }
    net_txbuf_t *b = wait_head ? 0 : net_tx_alloc();
    if (b) {
        send_start(r, b);
        return KERR_OK;
    }
    wlink(&r->work, 0);
    if (wait_tail)
        wlink(wait_tail, &r->work);
    else
        wait_head = &r->work;
    wait_tail = &r->work;
    return KERR_OK;
}

void net_udp_tx_ready(void)
{
    /* Deferred to the timer's poll so that freeing a buffer deep inside
     * ARP never re-enters the send path. */
    if (wait_head)
        net_timer_kick(0);
}

uint64_t net_udp_poll(uint64_t now)
{
    (void)now;
    net_txbuf_t *b;
    while (wait_head && (b = net_tx_alloc()) != 0) {
        kwork_t *w = wait_head;
        wait_head = wnext(w);
        if (!wait_head)
            wait_tail = 0;
        send_start(KCONTAINER_OF(w, net_udp_req_t, work), b);
    }
    return UINT64_MAX;
}

/* ---- the service ---- */

/* Unlink (w) from the list (head, tail); true if it was there. */
static bool list_remove(kwork_t **head, kwork_t **tail, kwork_t *w)
{
    kwork_t *prev = 0;
    for (kwork_t *it = *head; it; prev = it, it = wnext(it)) {
        if (it != w)
            continue;
        if (prev)
            wlink(prev, wnext(it));
        else
            *head = wnext(it);
        if (*tail == it)
            *tail = prev;
        return true;
    }
    return false;
}

static kerr_t udp_submit(kwork_t *w)
{
    net_udp_req_t *r = KCONTAINER_OF(w, net_udp_req_t, work);
    udp_slot_t *sl = slot_of(r->sock);
    if (!sl)
        return KERR_INVALID;
    if (r->len && !r->buf)
        return KERR_INVALID;
    if (w->op == KOP_UDP_RECV)
        return recv_submit(sl, r);
    if (w->op == KOP_UDP_SEND)
        return send_submit(r);
    return KERR_INVALID;
}

static bool udp_cancel(kwork_t *w)
{
    net_udp_req_t *r = KCONTAINER_OF(w, net_udp_req_t, work);
    if (w->op == KOP_UDP_RECV)
        return list_remove(&r->sock->armed_head, &r->sock->armed_tail, w);
    if (list_remove(&wait_head, &wait_tail, w))
        return true;
    return net_arp_forget(r);
}

kerr_t net_udp_sock_open(net_udp_sock_t *s, uint16_t port)
{
    if (port && slot_by_port(port))
        return KERR_BUSY;
    if (!port) {
        unsigned span = 65536 - NET_UDP_EPHEMERAL_LO;
        if (!next_ephemeral && kcsprng_ready())
            kcsprng_fill(&next_ephemeral, sizeof next_ephemeral);
        for (unsigned i = 0; i < span && !port; i++) {
            uint16_t p = (uint16_t)(NET_UDP_EPHEMERAL_LO +
                                    (next_ephemeral++ % span));
            if (!slot_by_port(p))
                port = p;
        }
        if (!port)
            return KERR_BUSY;
    }
    for (unsigned i = 0; i < NET_UDP_SOCKETS; i++) {
        if (slots[i].sock)
            continue;
        slots[i] = (udp_slot_t){.sock = s};
        s->port = port;
        s->handle = (intptr_t)i;
        s->armed_head = s->armed_tail = 0;
        return KERR_OK;
    }
    return KERR_NOMEM;
}

static void close_waiting_sends(net_udp_sock_t *s)
{
    kwork_t *it = wait_head;
    while (it) {
        kwork_t *next = wnext(it);
        net_udp_req_t *r = KCONTAINER_OF(it, net_udp_req_t, work);
        if (r->sock == s) {
            list_remove(&wait_head, &wait_tail, it);
            kcomplete(it, KERR_CANCELLED);
        }
        it = next;
    }
}

void net_udp_sock_close(net_udp_sock_t *s)
{
    udp_slot_t *sl = slot_of(s);
    if (!sl)
        return;
    while (s->armed_head) {
        kwork_t *w = s->armed_head;
        s->armed_head = wnext(w);
        kcomplete(w, KERR_CANCELLED);
    }
    s->armed_tail = 0;
    close_waiting_sends(s);
    net_arp_close_sock(s);
    while (sl->bl_head) {
        udp_bl_t *b = sl->bl_head;
        sl->bl_head = b->next;
        b->next = bl_free;
        bl_free = b;
    }
    *sl = (udp_slot_t){0};
    s->handle = -1;
}

void net_udp_reset(void)
{
    memset(slots, 0, sizeof slots);
    bl_free = 0;
    bl_init();
    wait_head = wait_tail = 0;
    next_ephemeral = 0;
}

unsigned net_udp_backlog_len(const net_udp_sock_t *s)
{
    udp_slot_t *sl = slot_of(s);
    return sl ? sl->bl_len : 0;
}

static kerr_t svc_open(void *endpoint, uint32_t port)
{
    if (port > 65535)
        return KERR_INVALID;
    return net_udp_sock_open(endpoint, (uint16_t)port);
}

static void svc_close(void *endpoint)
{
    net_udp_sock_close(endpoint);
}

const kservice_t net_udp_service = {
    .name = "net-udp",
    .submit = udp_submit,
    .cancel = udp_cancel,
    .open = svc_open,
    .close = svc_close,
};
