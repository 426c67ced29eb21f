/* net: the Noise_IKpsk2 handshake (whitepaper 5.4.2 - 5.4.5).
 *
 * Each function follows the whitepaper's lines in order; names match it:
 * C is the chaining key (ck), H the hash, Kdf_n hkdf_blake2s. A message
 * that fails anywhere leaves the peer's state as it was: every step works
 * on copies and only a fully verified message is committed. Every
 * intermediate secret is wiped before return.
 */
#include "crypto/blake2s.h"
#include "crypto/chacha20poly1305.h"
#include "crypto/ct.h"
#include "crypto/hmac_blake2s.h"
#include "crypto/x25519.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "net/wg.h"
#include "net/wire.h"

static const char construction[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const char identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";
static const uint8_t zero_nonce[12];

static uint8_t c0[32], h0[32]; /* Hash(Construction), Hash(C0 || Identifier) */

static void mix_hash(uint8_t h[32], const uint8_t *data, size_t len)
{
    blake2s_ctx_t c;
    blake2s_init(&c, 32, 0, 0);
    blake2s_update(&c, h, 32);
    blake2s_update(&c, data, len);
    blake2s_final(&c, h);
}

static void hash2(uint8_t out[32], const char *label, const uint8_t key[32])
{
    blake2s_ctx_t c;
    blake2s_init(&c, 32, 0, 0);
    blake2s_update(&c, (const uint8_t *)label, 8);
    blake2s_update(&c, key, 32);
    blake2s_final(&c, out);
}

void wg_noise_dev_init(wg_dev_t *d)
{
    blake2s(c0, 32, 0, 0, (const uint8_t *)construction, sizeof construction - 1);
    memcpy(h0, c0, 32);
    mix_hash(h0, (const uint8_t *)identifier, sizeof identifier - 1);
    x25519_base(d->pub, d->priv);
    hash2(d->mac1_key, "mac1----", d->pub);
    hash2(d->cookie_key, "cookie--", d->pub);
}

void wg_noise_peer_init(wg_dev_t *d, wg_peer_t *p)
{
    /* A small-order public key gives all zeros; the handshakes with such a
     * peer then fail (consume_init checks ss). */
    x25519(p->ss, d->priv, p->pub);
    hash2(p->mac1_key, "mac1----", p->pub);
    hash2(p->cookie_key, "cookie--", p->pub);
}

static void tai64n(uint8_t out[12], uint64_t now)
{
    uint64_t secs = 0x400000000000000aull + wg_dev.time_base_s + now / KTIME_S;
    net_put32(out, (uint32_t)(secs >> 32));
    net_put32(out + 4, (uint32_t)secs);
    net_put32(out + 8, (uint32_t)(now % KTIME_S));
}

/* DH with the all-zero (small-order) result refused. */
static bool dh(uint8_t out[32], const uint8_t priv[32], const uint8_t pub[32])
{
    return x25519(out, priv, pub) == 0;
}

void wg_noise_create_init(wg_dev_t *d, wg_peer_t *p, uint8_t *msg,
                          uint64_t now)
{
    wg_handshake_t *hs = &p->hs;
    uint8_t k[32], shared[32], ts[12];
    memcpy(hs->ck, c0, 32);
    memcpy(hs->hash, h0, 32);
    mix_hash(hs->hash, p->pub, 32);
    kcsprng_fill(hs->e_priv, 32);
    x25519_clamp(hs->e_priv);
    memset(msg, 0, WG_INIT_LEN);
    msg[0] = WG_MSG_INIT;
    hs->local_index = wg_new_index();
    crypto_store32_le(msg + 4, hs->local_index);
    x25519_base(msg + 8, hs->e_priv);
    hkdf_blake2s(hs->ck, 0, 0, hs->ck, msg + 8, 32);
    mix_hash(hs->hash, msg + 8, 32);
    dh(shared, hs->e_priv, p->pub);
    hkdf_blake2s(hs->ck, k, 0, hs->ck, shared, 32);
    chacha20poly1305_encrypt(k, zero_nonce, hs->hash, 32, d->pub, 32, msg + 40,
                             msg + 72);
    mix_hash(hs->hash, msg + 40, 48);
    hkdf_blake2s(hs->ck, k, 0, hs->ck, p->ss, 32);
    tai64n(ts, now);
    chacha20poly1305_encrypt(k, zero_nonce, hs->hash, 32, ts, 12, msg + 88,
                             msg + 100);
    mix_hash(hs->hash, msg + 88, 28);
    hs->state = WG_HS_INIT_SENT;
    crypto_wipe(k, sizeof k);
    crypto_wipe(shared, sizeof shared);
}

static wg_peer_t *peer_by_pub(wg_dev_t *d, const uint8_t pub[32])
{
    for (unsigned i = 0; i < d->npeers; i++)
        if (crypto_ct_eq(d->peers[i].pub, pub, 32))
            return &d->peers[i];
    return 0;
}

wg_peer_t *wg_noise_consume_init(wg_dev_t *d, const uint8_t *msg,
                                 uint64_t now)
{
    uint8_t ck[32], h[32], k[32], shared[32], spub[32], ts[12];
    wg_peer_t *p = 0, *found = 0;
    memcpy(ck, c0, 32);
    memcpy(h, h0, 32);
    mix_hash(h, d->pub, 32);
    hkdf_blake2s(ck, 0, 0, ck, msg + 8, 32);
    mix_hash(h, msg + 8, 32);
    if (!dh(shared, d->priv, msg + 8))
        goto out;
    hkdf_blake2s(ck, k, 0, ck, shared, 32);
    if (chacha20poly1305_decrypt(k, zero_nonce, h, 32, msg + 40, 32, spub,
                                 msg + 72) != 0)
        goto out;
    mix_hash(h, msg + 40, 48);
    found = peer_by_pub(d, spub);
    if (!found || crypto_ct_is_zero(found->ss, 32))
        goto out;
    hkdf_blake2s(ck, k, 0, ck, found->ss, 32);
    if (chacha20poly1305_decrypt(k, zero_nonce, h, 32, msg + 88, 12, ts,
                                 msg + 100) != 0)
        goto out;
    mix_hash(h, msg + 88, 28);
    /* Replayed or not newer than the last: an attacker's copy. Too soon
     * after the last: a flood (at most 50 per second, as wireguard-go). */
    if (memcmp(ts, found->last_ts, 12) <= 0)
        goto out;
    if (found->last_init_rx && now - found->last_init_rx < KTIME_S / 50)
        goto out;
    p = found;
    memcpy(p->last_ts, ts, 12);
    p->last_init_rx = now;
    memcpy(p->hs.ck, ck, 32);
    memcpy(p->hs.hash, h, 32);
    memcpy(p->hs.e_remote, msg + 8, 32);
    p->hs.remote_index = crypto_load32_le(msg + 4);
    p->hs.state = WG_HS_INIT_CONSUMED;
out:
    crypto_wipe(ck, sizeof ck);
    crypto_wipe(h, sizeof h);
    crypto_wipe(k, sizeof k);
    crypto_wipe(shared, sizeof shared);
    return p;
}

void wg_noise_create_resp(wg_dev_t *d, wg_peer_t *p, uint8_t *msg)
{
    (void)d;
    wg_handshake_t *hs = &p->hs;
    uint8_t shared[32], tau[32], k[32];
    memset(msg, 0, WG_RESP_LEN);
    msg[0] = WG_MSG_RESP;
    hs->local_index = wg_new_index();
    crypto_store32_le(msg + 4, hs->local_index);
    crypto_store32_le(msg + 8, hs->remote_index);
    kcsprng_fill(hs->e_priv, 32);
    x25519_clamp(hs->e_priv);
    x25519_base(msg + 12, hs->e_priv);
    hkdf_blake2s(hs->ck, 0, 0, hs->ck, msg + 12, 32);
    mix_hash(hs->hash, msg + 12, 32);
    dh(shared, hs->e_priv, hs->e_remote);
    hkdf_blake2s(hs->ck, 0, 0, hs->ck, shared, 32);
    dh(shared, hs->e_priv, p->pub);
    hkdf_blake2s(hs->ck, 0, 0, hs->ck, shared, 32);
    hkdf_blake2s(hs->ck, tau, k, hs->ck, p->psk, 32);
    mix_hash(hs->hash, tau, 32);
    chacha20poly1305_encrypt(k, zero_nonce, hs->hash, 32, 0, 0, msg + 44,
                             msg + 44);
    mix_hash(hs->hash, msg + 44, 16);
    hs->state = WG_HS_RESP_SENT;
    crypto_wipe(hs->e_priv, 32);
    crypto_wipe(shared, sizeof shared);
    crypto_wipe(tau, sizeof tau);
    crypto_wipe(k, sizeof k);
}

wg_peer_t *wg_noise_consume_resp(wg_dev_t *d, const uint8_t *msg)
{
    uint32_t idx = crypto_load32_le(msg + 8);
    wg_peer_t *p = 0;
    for (unsigned i = 0; i < d->npeers; i++)
        if (d->peers[i].hs.state == WG_HS_INIT_SENT &&
            d->peers[i].hs.local_index == idx)
            p = &d->peers[i];
    if (!p)
        return 0;
    uint8_t ck[32], h[32], shared[32], tau[32], k[32];
    bool ok = false;
    memcpy(ck, p->hs.ck, 32);
    memcpy(h, p->hs.hash, 32);
    hkdf_blake2s(ck, 0, 0, ck, msg + 12, 32);
    mix_hash(h, msg + 12, 32);
    if (!dh(shared, p->hs.e_priv, msg + 12))
        goto out;
    hkdf_blake2s(ck, 0, 0, ck, shared, 32);
    if (!dh(shared, d->priv, msg + 12))
        goto out;
    hkdf_blake2s(ck, 0, 0, ck, shared, 32);
    hkdf_blake2s(ck, tau, k, ck, p->psk, 32);
    mix_hash(h, tau, 32);
    if (chacha20poly1305_decrypt(k, zero_nonce, h, 32, msg + 44, 0, 0,
                                 msg + 44) != 0)
        goto out;
    mix_hash(h, msg + 44, 16);
    ok = true;
    memcpy(p->hs.ck, ck, 32);
    memcpy(p->hs.hash, h, 32);
    p->hs.remote_index = crypto_load32_le(msg + 4);
    crypto_wipe(p->hs.e_priv, 32);
out:
    crypto_wipe(ck, sizeof ck);
    crypto_wipe(h, sizeof h);
    crypto_wipe(shared, sizeof shared);
    crypto_wipe(tau, sizeof tau);
    crypto_wipe(k, sizeof k);
    return ok ? p : 0;
}

void wg_noise_derive(wg_peer_t *p, wg_keypair_t *kp, bool initiator,
                     uint64_t now)
{
    crypto_wipe(kp, sizeof *kp);
    if (initiator)
        hkdf_blake2s(kp->send, kp->recv, 0, p->hs.ck, 0, 0);
    else
        hkdf_blake2s(kp->recv, kp->send, 0, p->hs.ck, 0, 0);
    kp->local_index = p->hs.local_index;
    kp->remote_index = p->hs.remote_index;
    kp->send_counter = 0;
    kp->born = now;
    kp->initiator = initiator;
    kp->valid = true;
    wg_replay_reset(&kp->replay);
    crypto_wipe(&p->hs, sizeof p->hs);
}
