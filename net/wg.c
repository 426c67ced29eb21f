/* net: the WireGuard interface (see wg.h). */
#include "net/wg.h"
#include "crypto/chacha20poly1305.h"
#include "crypto/ct.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "net/tun.h"
#include "net/udp.h"
#include "net/wire.h"

#define WG_RX_ARMED 8

wg_dev_t wg_dev;
static net_udp_sock_t sock;
static net_udp_req_t rx_reqs[WG_RX_ARMED];
static uint8_t rx_bufs[WG_RX_ARMED][NET_UDP_MAX_PAYLOAD];
static uint8_t txmsg[NET_UDP_MAX_PAYLOAD]; /* the message being sealed */
static uint8_t plain[NET_UDP_MAX_PAYLOAD]; /* the packet being opened */

/* ---- cryptokey routing ---- */

wg_peer_t *wg_route(uint32_t ip)
{
    int best = -1;
    wg_peer_t *p = 0;
    for (unsigned i = 0; i < wg_dev.nallowed; i++) {
        const wg_allowed_t *a = &wg_dev.allowed[i];
        if ((ip & a->mask) == a->ip && a->prefix > best) {
            best = a->prefix;
            p = &wg_dev.peers[a->peer];
        }
    }
    return p;
}

static bool tun_routes(uint32_t dst)
{
    return wg_route(dst) || (dst & wg_dev.mask) == (wg_dev.ip & wg_dev.mask);
}

uint32_t wg_new_index(void)
{
    for (;;) {
        uint32_t idx;
        kcsprng_fill(&idx, sizeof idx);
        bool used = false;
        for (unsigned i = 0; i < wg_dev.npeers; i++) {
            const wg_peer_t *p = &wg_dev.peers[i];
            used |= p->hs.state != WG_HS_NONE && p->hs.local_index == idx;
            used |= p->prev.valid && p->prev.local_index == idx;
            used |= p->cur.valid && p->cur.local_index == idx;
            used |= p->next.valid && p->next.local_index == idx;
        }
        if (!used)
            return idx;
    }
}

/* ---- sending ---- */

kerr_t wg_send_udp_to(const net_addr_t *dst, const uint8_t *msg, uint32_t len)
{
    kerr_t err = net_udp_output(net_if.ip, wg_dev.port, dst, msg, len);
    if (err == KERR_NOMEM)
        wg_dev.stats.tx_nobuf++;
    return err;
}

kerr_t wg_send_udp(wg_peer_t *p, const uint8_t *msg, uint32_t len)
{
    if (!p->endpoint.ip) {
        wg_dev.stats.tx_no_endpoint++;
        return KERR_UNREACHABLE;
    }
    p->last_tx = ktime_now();
    return wg_send_udp_to(&p->endpoint, msg, len);
}

static bool keypair_usable(const wg_keypair_t *kp, uint64_t now)
{
    return kp->valid && now - kp->born < WG_REJECT_AFTER_TIME &&
           kp->send_counter < WG_REJECT_AFTER_MESSAGES;
}

/* Seal (len) bytes of inner packet (ip) (none: a keepalive) on (p)'s
 * current keys, padded to 16 (whitepaper 5.4.6), and send it. */
static kerr_t send_data(wg_peer_t *p, const uint8_t *ip, uint32_t len)
{
    wg_keypair_t *kp = &p->cur;
    uint64_t now = ktime_now();
    uint32_t padded = (len + 15) & ~15u;
    uint8_t nonce[12];
    uint64_t ctr = kp->send_counter++;
    memset(txmsg, 0, WG_DATA_HLEN);
    txmsg[0] = WG_MSG_DATA;
    crypto_store32_le(txmsg + 4, kp->remote_index);
    crypto_store64_le(txmsg + 8, ctr);
    if (len)
        memcpy(txmsg + WG_DATA_HLEN, ip, len);
    memset(txmsg + WG_DATA_HLEN + len, 0, padded - len);
    chacha20poly1305_nonce64(ctr, nonce);
    chacha20poly1305_encrypt(kp->send, nonce, 0, 0, txmsg + WG_DATA_HLEN,
                             padded, txmsg + WG_DATA_HLEN,
                             txmsg + WG_DATA_HLEN + padded);
    kerr_t err = wg_send_udp(p, txmsg, WG_DATA_MIN + padded);
    if (len) {
        p->last_data_tx = now;
        p->stats.tx_packets++;
        p->stats.tx_bytes += len;
    } else {
        p->stats.keepalives_tx++;
    }
    /* The initiator rekeys on age; either side on the message count. */
    if ((kp->initiator && now - kp->born >= wg_dev.rekey_after) ||
        kp->send_counter >= WG_REKEY_AFTER_MESSAGES)
        wg_initiate(p, false);
    return err;
}

void wg_send_keepalive(wg_peer_t *p)
{
    if (keypair_usable(&p->cur, ktime_now()))
        send_data(p, 0, 0);
    else
        wg_initiate(p, false);
}

void wg_drop_staged(wg_peer_t *p)
{
    while (p->staged) {
        net_txbuf_t *b = p->staged;
        p->staged = b->next;
        wg_dev.stats.tx_staged_dropped++;
        net_tx_free(b, KERR_OK);
    }
    p->nstaged = 0;
}

static void send_staged(wg_peer_t *p)
{
    while (p->staged && keypair_usable(&p->cur, ktime_now())) {
        net_txbuf_t *b = p->staged;
        p->staged = b->next;
        p->nstaged--;
        send_data(p, b->frame + NET_ETH_HLEN, b->len - NET_ETH_HLEN);
        net_tx_free(b, KERR_OK);
    }
}

/* Hold (b) until the handshake finishes; the oldest goes when full. */
static void stage(wg_peer_t *p, net_txbuf_t *b)
{
    net_tx_owner_done(b, KERR_OK);
    if (p->nstaged == WG_STAGED_MAX) {
        net_txbuf_t *old = p->staged;
        p->staged = old->next;
        p->nstaged--;
        wg_dev.stats.tx_staged_dropped++;
        net_tx_free(old, KERR_OK);
    }
    b->next = 0;
    net_txbuf_t **tail = &p->staged;
    while (*tail)
        tail = &(*tail)->next;
    *tail = b;
    p->nstaged++;
}

/* The tunnel's output (net/tun.h): one IPv4 packet routed to us. */
static void tun_output(net_txbuf_t *b)
{
    const uint8_t *ip = b->frame + NET_ETH_HLEN;
    uint32_t len = b->len - NET_ETH_HLEN;
    wg_peer_t *p = wg_route(net_get32(ip + 16));
    if (!p) {
        wg_dev.stats.tx_no_peer++;
        net_tx_free(b, KERR_UNREACHABLE);
        return;
    }
    if (len > WG_MAX_INNER) {
        wg_dev.stats.tx_too_big++;
        net_tx_free(b, KERR_TOO_BIG);
        return;
    }
    if (keypair_usable(&p->cur, ktime_now()) && !p->staged) {
        kerr_t err = send_data(p, ip, len);
        net_tx_free(b, err);
        return;
    }
    stage(p, b);
    /* Keys from a handshake the peer started are coming: its first data
     * packet confirms them (whitepaper 5.4.5), and send_staged follows. */
    if (!p->next.valid)
        wg_initiate(p, false);
}

void wg_initiate(wg_peer_t *p, bool retry)
{
    uint64_t now = ktime_now();
    if (!p->endpoint.ip) {
        wg_dev.stats.tx_no_endpoint++;
        return;
    }
    if (!retry && p->hs.state == WG_HS_INIT_SENT &&
        now - p->init_sent_at < WG_REKEY_TIMEOUT)
        return;
    if (!p->attempt_start)
        p->attempt_start = now;
    uint8_t m[WG_INIT_LEN];
    wg_noise_create_init(&wg_dev, p, m, now);
    wg_cookie_add_macs(p, m, sizeof m, now);
    p->init_sent_at = now;
    p->stats.inits_tx++;
    wg_send_udp(p, m, sizeof m);
}

/* ---- receiving ---- */

/* Make (kp) the current keypair; the current one becomes the previous. */
static void rotate_in(wg_peer_t *p, wg_keypair_t *kp, uint64_t now)
{
    crypto_wipe(&p->prev, sizeof p->prev);
    p->prev = p->cur;
    if (kp != &p->cur)
        p->cur = *kp;
    crypto_wipe(kp, sizeof *kp);
    p->last_handshake = now;
    p->attempt_start = 0;
    p->want_rekey_rx = false;
    p->stats.handshakes++;
}

static void handshake_rx(const uint8_t *msg, uint32_t len,
                         const net_addr_t *src, uint64_t now)
{
    wg_dev_t *d = &wg_dev;
    if (!wg_cookie_mac1_ok(d, msg, len)) {
        d->stats.rx_bad_mac1++;
        return;
    }
    if (wg_cookie_under_load(d, now) &&
        !wg_cookie_mac2_ok(d, msg, len, src, now)) {
        wg_cookie_send_reply(d, msg, len, src, now);
        return;
    }
    if (msg[0] == WG_MSG_INIT) {
        wg_peer_t *p = wg_noise_consume_init(d, msg, now);
        if (!p) {
            d->stats.rx_hs_failed++;
            return;
        }
        p->stats.inits_rx++;
        p->endpoint = *src;
        uint8_t resp[WG_RESP_LEN];
        wg_noise_create_resp(d, p, resp);
        wg_noise_derive(p, &p->next, false, now);
        wg_cookie_add_macs(p, resp, sizeof resp, now);
        wg_send_udp(p, resp, sizeof resp);
        return;
    }
    wg_peer_t *p = wg_noise_consume_resp(d, msg);
    if (!p) {
        d->stats.rx_hs_failed++;
        return;
    }
    p->stats.resps_rx++;
    p->endpoint = *src;
    wg_keypair_t kp;
    wg_noise_derive(p, &kp, true, now);
    crypto_wipe(&p->next, sizeof p->next);
    rotate_in(p, &kp, now);
    /* The responder may not use the keys until it hears from us. */
    if (p->staged)
        send_staged(p);
    else
        send_data(p, 0, 0);
}

static wg_keypair_t *keypair_by_index(uint32_t idx, wg_peer_t **pp)
{
    for (unsigned i = 0; i < wg_dev.npeers; i++) {
        wg_peer_t *p = &wg_dev.peers[i];
        wg_keypair_t *kps[3] = {&p->cur, &p->prev, &p->next};
        for (int k = 0; k < 3; k++) {
            if (kps[k]->valid && kps[k]->local_index == idx) {
                *pp = p;
                return kps[k];
            }
        }
    }
    return 0;
}

/* A decrypted inner packet: IPv4, honest length, and a source address the
 * sending peer is allowed to use (cryptokey routing, whitepaper 2). */
static void deliver_inner(wg_peer_t *p, uint32_t len)
{
    if (len < 20 || (plain[0] >> 4) != 4) {
        wg_dev.stats.rx_bad_inner++;
        return;
    }
    uint32_t total = net_get16(plain + 2);
    if (total < 20 || total > len) {
        wg_dev.stats.rx_bad_inner++;
        return;
    }
    if (wg_route(net_get32(plain + 12)) != p) {
        p->stats.drop_allowed++;
        return;
    }
    p->stats.rx_packets++;
    p->stats.rx_bytes += total;
    net_tun_input(plain, total);
}

static void data_rx(const uint8_t *msg, uint32_t len, const net_addr_t *src,
                    uint64_t now)
{
    wg_peer_t *p;
    wg_keypair_t *kp = keypair_by_index(crypto_load32_le(msg + 4), &p);
    if (!kp) {
        wg_dev.stats.rx_unknown_index++;
        return;
    }
    if (now - kp->born >= WG_REJECT_AFTER_TIME) {
        p->stats.drop_stale++;
        return;
    }
    uint64_t ctr = crypto_load64_le(msg + 8);
    uint32_t clen = len - WG_DATA_MIN;
    uint8_t nonce[12];
    chacha20poly1305_nonce64(ctr, nonce);
    if (chacha20poly1305_decrypt(kp->recv, nonce, 0, 0, msg + WG_DATA_HLEN,
                                 clen, plain, msg + WG_DATA_HLEN + clen) != 0) {
        p->stats.drop_auth++;
        return;
    }
    if (!wg_replay_check(&kp->replay, ctr)) {
        p->stats.drop_replay++;
        return;
    }
    if (kp == &p->next) {
        rotate_in(p, kp, now);
        send_staged(p);
    }
    p->endpoint = *src; /* roaming: the last authenticated source wins */
    p->last_rx = now;
    if (clen == 0) {
        p->stats.keepalives_rx++;
    } else {
        p->last_data_rx = now;
        deliver_inner(p, clen);
    }
    /* An initiator's keys near the end of their life: rekey before the
     * responder has to drop them (whitepaper 6.2). */
    if (p->cur.valid && p->cur.initiator && !p->want_rekey_rx &&
        now - p->cur.born >= WG_REJECT_AFTER_TIME - WG_KEEPALIVE_TIMEOUT -
                                 WG_REKEY_TIMEOUT) {
        p->want_rekey_rx = true;
        wg_initiate(p, false);
    }
}

void wg_input(const uint8_t *msg, uint32_t len, const net_addr_t *src)
{
    uint64_t now = ktime_now();
    if (!wg_dev.up)
        return;
    /* The type is a little-endian 32-bit word: three zero bytes follow. */
    if (len < 4 || msg[1] || msg[2] || msg[3]) {
        wg_dev.stats.rx_bad_type++;
        return;
    }
    switch (msg[0]) {
    case WG_MSG_INIT:
    case WG_MSG_RESP:
        if (len != (msg[0] == WG_MSG_INIT ? WG_INIT_LEN : WG_RESP_LEN))
            break;
        handshake_rx(msg, len, src, now);
        return;
    case WG_MSG_COOKIE:
        if (len != WG_COOKIE_LEN)
            break;
        wg_cookie_consume_reply(&wg_dev, msg, now);
        return;
    case WG_MSG_DATA:
        if (len < WG_DATA_MIN)
            break;
        data_rx(msg, len, src, now);
        return;
    default:
        wg_dev.stats.rx_bad_type++;
        return;
    }
    wg_dev.stats.rx_bad_len++;
}

static void rx_done(kwork_t *w)
{
    net_udp_req_t *r = KCONTAINER_OF(w, net_udp_req_t, work);
    if (w->result == KERR_OK)
        wg_input(r->buf, r->done, &r->peer);
    if (w->result == KERR_CANCELLED || !wg_dev.up)
        return;
    r->len = NET_UDP_MAX_PAYLOAD;
    ksubmit(&r->work);
}

/* ---- up and down ---- */

void wg_peer_zero_keys(wg_peer_t *p)
{
    crypto_wipe(&p->hs, sizeof p->hs);
    crypto_wipe(&p->prev, sizeof p->prev);
    crypto_wipe(&p->cur, sizeof p->cur);
    crypto_wipe(&p->next, sizeof p->next);
    p->attempt_start = 0;
}

kerr_t wg_up(const wg_conf_t *c)
{
    wg_dev_t *d = &wg_dev;
    if (!net_if.running)
        return KERR_NO_DEVICE;
    wg_down();
    memcpy(d->priv, c->priv, 32);
    d->port = c->listen_port;
    d->ip = c->ip;
    d->mask = c->mask;
    d->npeers = c->npeers;
    d->nallowed = c->nallowed;
    memcpy(d->allowed, c->allowed, sizeof d->allowed);
    wg_noise_dev_init(d);
    for (unsigned i = 0; i < c->npeers; i++) {
        wg_peer_t *p = &d->peers[i];
        memcpy(p->pub, c->peers[i].pub, 32);
        memcpy(p->psk, c->peers[i].psk, 32);
        p->endpoint.ip = c->peers[i].endpoint_ip;
        p->endpoint.port = c->peers[i].endpoint_port;
        p->keepalive_s = c->peers[i].keepalive;
        p->index = (uint8_t)i;
        wg_noise_peer_init(d, p);
    }
    kerr_t err = net_udp_sock_open(&sock, d->port);
    if (err) {
        wg_down();
        return err;
    }
    d->up = true;
    for (unsigned i = 0; i < WG_RX_ARMED; i++) {
        net_udp_req_init(&rx_reqs[i], KOP_UDP_RECV, &sock, rx_bufs[i],
                         NET_UDP_MAX_PAYLOAD, rx_done, 0);
        ksubmit(&rx_reqs[i].work);
    }
    net_tun.ip = d->ip;
    net_tun.mask = d->mask;
    net_tun.routes = tun_routes;
    net_tun.output = tun_output;
    wg_timers_start();
    return KERR_OK;
}

void wg_down(void)
{
    wg_dev_t *d = &wg_dev;
    bool was_up = d->up;
    d->up = false;
    if (was_up) {
        net_udp_sock_close(&sock);
        wg_timers_stop();
        net_tun.ip = 0;
    }
    for (unsigned i = 0; i < d->npeers; i++) {
        wg_drop_staged(&d->peers[i]);
        wg_peer_zero_keys(&d->peers[i]);
    }
    uint64_t base = d->time_base_s, rekey = d->rekey_after;
    unsigned limit = d->load_limit;
    crypto_wipe(d, sizeof *d);
    d->time_base_s = base;
    d->load_limit = limit;
    d->rekey_after = rekey ? rekey : WG_REKEY_AFTER_TIME;
}

void wg_reset(void)
{
    crypto_wipe(&wg_dev, sizeof wg_dev);
    memset(&sock, 0, sizeof sock);
    memset(rx_reqs, 0, sizeof rx_reqs);
    wg_timers_reset();
}
