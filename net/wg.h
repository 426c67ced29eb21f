/* net: WireGuard, a network interface of the stack (whitepaper:
 * "WireGuard: Next Generation Kernel Network Tunnel", J. Donenfeld).
 *
 * Files, one job each:
 *   wg.c         the interface: configuration, peers, cryptokey routing
 *                (allowed-IPs, longest prefix), message dispatch, the
 *                transport data path, endpoint roaming
 *   wg_noise.c   the Noise_IKpsk2 handshake messages and key derivation
 *   wg_cookie.c  mac1/mac2, cookie replies and the under-load mode
 *   wg_timers.c  rekey, retransmit, keepalive and expiry timers
 *   wg_replay.c  the sliding replay window
 *   wg_conf.c    the wg(8) configuration parser
 *
 * The stack sees the interface only through net/tun.h. The outer UDP port
 * is an ordinary socket of the stack; decrypted packets enter IP input as
 * if received on the tunnel. Everything is static: WG_MAX_PEERS peers,
 * three keypairs each (previous, current, next) and a handful of packets
 * staged per peer while a handshake is in flight.
 */
#ifndef NET_WG_H
#define NET_WG_H

#include <stdbool.h>
#include <stdint.h>
#include "mote/ktime.h"
#include "mote/net.h"
#include "net/netif.h"
#include "net/wg_conf.h"
#include "net/wg_replay.h"

/* Message types and sizes (whitepaper 5.4). */
#define WG_MSG_INIT 1
#define WG_MSG_RESP 2
#define WG_MSG_COOKIE 3
#define WG_MSG_DATA 4
#define WG_INIT_LEN 148
#define WG_RESP_LEN 92
#define WG_COOKIE_LEN 64
#define WG_DATA_HLEN 16
#define WG_TAG_LEN 16
#define WG_DATA_MIN (WG_DATA_HLEN + WG_TAG_LEN) /* a keepalive */
/* The largest inner packet: one Ethernet frame's UDP payload less our
 * header and tag, a multiple of 16 so padding never pushes past it. */
#define WG_MAX_INNER (NET_UDP_MAX_PAYLOAD - WG_DATA_MIN) /* 1440 */

/* Timers (whitepaper 6.1), nanoseconds. */
#define WG_REKEY_AFTER_MESSAGES (1ull << 60)
#define WG_REKEY_AFTER_TIME (120 * KTIME_S)
#define WG_REJECT_AFTER_TIME (180 * KTIME_S)
#define WG_REKEY_ATTEMPT_TIME (90 * KTIME_S)
#define WG_REKEY_TIMEOUT (5 * KTIME_S)
#define WG_KEEPALIVE_TIMEOUT (10 * KTIME_S)
#define WG_COOKIE_LIFETIME (120 * KTIME_S)

#define WG_STAGED_MAX 8      /* packets held per peer during a handshake */

typedef struct wg_keypair {
    uint8_t send[32], recv[32];
    uint32_t local_index, remote_index;
    uint64_t send_counter;
    uint64_t born;           /* ktime of the handshake that made it */
    bool valid, initiator;
    wg_replay_t replay;
} wg_keypair_t;

enum wg_hs_state { WG_HS_NONE, WG_HS_INIT_SENT, WG_HS_INIT_CONSUMED,
                   WG_HS_RESP_SENT };

typedef struct wg_handshake {
    uint8_t state;
    uint8_t hash[32], ck[32];
    uint8_t e_priv[32];      /* our ephemeral */
    uint8_t e_remote[32];    /* theirs */
    uint32_t local_index, remote_index;
} wg_handshake_t;

typedef struct wg_peer_stats {
    uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets, keepalives_rx,
             keepalives_tx, handshakes, inits_tx, inits_rx, resps_rx,
             cookies_rx, drop_replay, drop_auth, drop_allowed, drop_stale;
} wg_peer_stats_t;

typedef struct wg_peer {
    uint8_t pub[32], psk[32];
    uint8_t ss[32];          /* static-static DH, computed once */
    uint8_t mac1_key[32];    /* Hash("mac1----" || their public key) */
    uint8_t cookie_key[32];  /* Hash("cookie--" || their public key) */
    net_addr_t endpoint;     /* ip 0: not known yet */
    uint16_t keepalive_s;    /* PersistentKeepalive */
    uint8_t index;           /* in the device's peer table */
    wg_handshake_t hs;
    wg_keypair_t prev, cur, next;
    uint8_t last_ts[12];     /* greatest TAI64N seen from this peer */
    uint64_t last_init_rx;   /* ktime: flood limit on initiations */
    /* Cookie from this peer's cookie reply, for our mac2. */
    uint8_t cookie[16], last_mac1[16];
    uint64_t cookie_at;      /* 0: none */
    /* Timer inputs (ktime, 0 = never). */
    uint64_t init_sent_at, attempt_start, last_tx, last_data_tx,
             last_rx, last_data_rx, last_handshake, keys_zero_at;
    bool want_rekey_rx;      /* receive-side rekey already asked for */
    net_txbuf_t *staged;     /* chained through next */
    unsigned nstaged;
    wg_peer_stats_t stats;
} wg_peer_t;

typedef struct wg_dev_stats {
    uint64_t rx_bad_type, rx_bad_len, rx_bad_mac1, rx_bad_mac2,
             rx_unknown_index, rx_unknown_peer, rx_hs_failed, rx_flood,
             cookies_tx, under_load_events, tx_no_peer, tx_no_endpoint,
             tx_too_big, tx_staged_dropped, tx_nobuf, rx_bad_inner;
} wg_dev_stats_t;

typedef struct wg_dev {
    bool up;
    uint8_t priv[32], pub[32];
    uint8_t mac1_key[32], cookie_key[32]; /* over our own public key */
    uint16_t port;
    uint32_t ip, mask;
    unsigned npeers, nallowed;
    wg_peer_t peers[WG_MAX_PEERS];
    wg_allowed_t allowed[WG_MAX_ALLOWED];
    /* Cookie secret (rotated every 2 min) and load accounting. */
    uint8_t cookie_secret[32];
    uint64_t cookie_secret_at;
    uint64_t load_window_at, under_load_until;
    unsigned load_count, load_limit;
    uint64_t time_base_s;    /* wall clock at boot, for TAI64N */
    uint64_t rekey_after;    /* WG_REKEY_AFTER_TIME unless wg_rekey= says */
    wg_dev_stats_t stats;
} wg_dev_t;

extern wg_dev_t wg_dev;

/* ---- wg.c ---- */

/* Configure and bring up the interface from (c) on UDP port c->listen_port.
 * KERR_INVALID if the stack is not running; KERR_BUSY if the port is taken. */
kerr_t wg_up(const wg_conf_t *c);

/* Bring it down: keys wiped, staged packets dropped, port closed. */
void wg_down(void);

/* Forget all state without touching the stack (start-up; a test's reboot,
 * after which the old requests are not in flight any more). */
void wg_reset(void);

/* Handle one UDP datagram that arrived on the WireGuard port from (src)
 * (the socket's receive path; also the fuzz and unit-test entry). */
void wg_input(const uint8_t *msg, uint32_t len, const net_addr_t *src);

/* The peer whose allowed-IPs hold (ip) with the longest prefix, or NULL. */
wg_peer_t *wg_route(uint32_t ip);

/* Send (len) bytes (a UDP payload) to (p)'s endpoint, or to (dst), from
 * our port and the Ethernet interface's address. */
kerr_t wg_send_udp(wg_peer_t *p, const uint8_t *msg, uint32_t len);
kerr_t wg_send_udp_to(const net_addr_t *dst, const uint8_t *msg, uint32_t len);

/* Start a handshake with (p) unless one is in flight (rate-limited to one
 * per WG_REKEY_TIMEOUT); (retry) when the timers retransmit. */
void wg_initiate(wg_peer_t *p, bool retry);

/* Encrypt and send a keepalive (empty data packet) on (p)'s current keys. */
void wg_send_keepalive(wg_peer_t *p);

/* Drop (p)'s staged packets (the handshake gave up). */
void wg_drop_staged(wg_peer_t *p);

/* Wipe (p)'s keys and handshake state. */
void wg_peer_zero_keys(wg_peer_t *p);

/* A random 32-bit index no keypair or handshake of ours uses. */
uint32_t wg_new_index(void);

/* ---- wg_noise.c ---- */

/* Precompute the device's and (p)'s derived keys (once, at wg_up). */
void wg_noise_dev_init(wg_dev_t *d);
void wg_noise_peer_init(wg_dev_t *d, wg_peer_t *p);

/* Build an initiation to (p) in (msg) (WG_INIT_LEN; macs left zero) with
 * TAI64N time (now). */
void wg_noise_create_init(wg_dev_t *d, wg_peer_t *p, uint8_t *msg,
                          uint64_t now);

/* Consume an initiation: its peer (handshake state now INIT_CONSUMED), or
 * NULL if it fails to decrypt, names no peer of ours or replays an old
 * timestamp. */
wg_peer_t *wg_noise_consume_init(wg_dev_t *d, const uint8_t *msg,
                                 uint64_t now);

/* Build the response to (p)'s consumed initiation in (msg) (WG_RESP_LEN). */
void wg_noise_create_resp(wg_dev_t *d, wg_peer_t *p, uint8_t *msg);

/* Consume a response: its peer, or NULL. */
wg_peer_t *wg_noise_consume_resp(wg_dev_t *d, const uint8_t *msg);

/* Derive (p)'s transport keys from its finished handshake into (kp) and
 * wipe the handshake. */
void wg_noise_derive(wg_peer_t *p, wg_keypair_t *kp, bool initiator,
                     uint64_t now);

/* ---- wg_cookie.c ---- */

/* Fill mac1 (and mac2, if we hold a fresh cookie from (p)) of the (len)-byte
 * handshake message (msg) to (p). */
void wg_cookie_add_macs(wg_peer_t *p, uint8_t *msg, uint32_t len, uint64_t now);

/* mac1 of an incoming handshake message is ours. */
bool wg_cookie_mac1_ok(wg_dev_t *d, const uint8_t *msg, uint32_t len);

/* mac2 of it is the cookie for (src). */
bool wg_cookie_mac2_ok(wg_dev_t *d, const uint8_t *msg, uint32_t len,
                       const net_addr_t *src, uint64_t now);

/* Count one handshake message; true while we are under load. */
bool wg_cookie_under_load(wg_dev_t *d, uint64_t now);

/* Send a cookie reply for handshake message (msg) to (src). */
void wg_cookie_send_reply(wg_dev_t *d, const uint8_t *msg, uint32_t len,
                          const net_addr_t *src, uint64_t now);

/* Consume a cookie reply (WG_COOKIE_LEN bytes). */
void wg_cookie_consume_reply(wg_dev_t *d, const uint8_t *msg, uint64_t now);

/* ---- wg_timers.c ---- */

/* Start the periodic timer (every WG_TIMER_TICK while the interface is
 * up): simpler than one deadline per condition, and a tunnel that is up
 * has keepalives to watch anyway. */
#define WG_TIMER_TICK (100 * KTIME_MS)
void wg_timers_start(void);
void wg_timers_stop(void);
/* Forget the timer without cancelling it (start-up; a test's reboot). */
void wg_timers_reset(void);

/* Run every peer's timers now (the timer's callback; tests). */
void wg_timers_run(uint64_t now);

#endif
