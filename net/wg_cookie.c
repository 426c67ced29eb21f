/* net: mac1, mac2, cookie replies and the under-load mode (whitepaper 5.3
 * and 5.4.7).
 *
 * Every handshake message carries mac1 = MAC(Hash("mac1----" || Spub_recv),
 * msg) so that only someone who knows our public key gets any work out of
 * us, and mac2 = MAC(cookie, msg) once the receiver has handed out a
 * cookie. The cookie is MAC(R, source IP and port) for a secret R rotated
 * every two minutes, so it proves the sender receives at its address.
 * While we are under load (more than load_limit handshake messages within
 * a second; boot argument wg_load=N, 0 = always), a handshake message
 * without a valid mac2 gets a cookie reply instead of any DH work.
 */
#include "crypto/blake2s.h"
#include "crypto/ct.h"
#include "crypto/xchacha20poly1305.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "net/wg.h"
#include "net/wire.h"

#define COOKIE_SECRET_AGE (120 * KTIME_S)
#define COOKIE_LATENCY (5 * KTIME_S)

static void mac16(uint8_t out[16], const uint8_t *key, size_t keylen,
                  const uint8_t *msg, size_t len)
{
    blake2s(out, 16, key, keylen, msg, len);
}

void wg_cookie_add_macs(wg_peer_t *p, uint8_t *msg, uint32_t len, uint64_t now)
{
    mac16(msg + len - 32, p->mac1_key, 32, msg, len - 32);
    memcpy(p->last_mac1, msg + len - 32, 16);
    if (p->cookie_at && now - p->cookie_at < WG_COOKIE_LIFETIME - COOKIE_LATENCY)
        mac16(msg + len - 16, p->cookie, 16, msg, len - 16);
    else
        memset(msg + len - 16, 0, 16);
}

bool wg_cookie_mac1_ok(wg_dev_t *d, const uint8_t *msg, uint32_t len)
{
    uint8_t m[16];
    mac16(m, d->mac1_key, 32, msg, len - 32);
    return crypto_ct_eq(m, msg + len - 32, 16);
}

/* The cookie for (src) under the current secret. */
static void cookie_for(wg_dev_t *d, const net_addr_t *src, uint64_t now,
                       uint8_t out[16])
{
    if (!d->cookie_secret_at || now - d->cookie_secret_at >= COOKIE_SECRET_AGE) {
        kcsprng_fill(d->cookie_secret, 32);
        d->cookie_secret_at = now ? now : 1;
    }
    uint8_t a[6];
    net_put32(a, src->ip);
    net_put16(a + 4, src->port);
    mac16(out, d->cookie_secret, 32, a, sizeof a);
}

bool wg_cookie_mac2_ok(wg_dev_t *d, const uint8_t *msg, uint32_t len,
                       const net_addr_t *src, uint64_t now)
{
    uint8_t cookie[16], m[16];
    cookie_for(d, src, now, cookie);
    mac16(m, cookie, 16, msg, len - 16);
    crypto_wipe(cookie, sizeof cookie);
    return crypto_ct_eq(m, msg + len - 16, 16);
}

bool wg_cookie_under_load(wg_dev_t *d, uint64_t now)
{
    if (!d->load_window_at || now - d->load_window_at >= KTIME_S) {
        d->load_window_at = now ? now : 1;
        d->load_count = 0;
    }
    if (++d->load_count > d->load_limit) {
        if (now >= d->under_load_until)
            d->stats.under_load_events++;
        d->under_load_until = now + KTIME_S;
    }
    return now < d->under_load_until;
}

void wg_cookie_send_reply(wg_dev_t *d, const uint8_t *msg, uint32_t len,
                          const net_addr_t *src, uint64_t now)
{
    uint8_t reply[WG_COOKIE_LEN], cookie[16];
    memset(reply, 0, sizeof reply);
    reply[0] = WG_MSG_COOKIE;
    memcpy(reply + 4, msg + 4, 4); /* their sender index */
    kcsprng_fill(reply + 8, 24);
    cookie_for(d, src, now, cookie);
    xchacha20poly1305_encrypt(d->cookie_key, reply + 8, msg + len - 32, 16,
                              cookie, 16, reply + 32, reply + 48);
    crypto_wipe(cookie, sizeof cookie);
    d->stats.cookies_tx++;
    wg_send_udp_to(src, reply, sizeof reply);
}

void wg_cookie_consume_reply(wg_dev_t *d, const uint8_t *msg, uint64_t now)
{
    uint32_t idx = crypto_load32_le(msg + 4);
    for (unsigned i = 0; i < d->npeers; i++) {
        wg_peer_t *p = &d->peers[i];
        if (p->hs.state == WG_HS_NONE || p->hs.local_index != idx)
            continue;
        uint8_t cookie[16];
        if (xchacha20poly1305_decrypt(p->cookie_key, msg + 8, p->last_mac1, 16,
                                      msg + 32, 16, cookie, msg + 48) != 0)
            return;
        memcpy(p->cookie, cookie, 16);
        p->cookie_at = now ? now : 1;
        p->stats.cookies_rx++;
        crypto_wipe(cookie, sizeof cookie);
        return;
    }
}
