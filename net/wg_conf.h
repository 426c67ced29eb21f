/* net: WireGuard configuration in the wg(8) / wg-quick(8) file format.
 *
 *   [Interface]
 *   PrivateKey = <base64>          required
 *   ListenPort = 51820             default 51820
 *   Address = 10.9.0.2/24          required: the tunnel interface's address
 *   [Peer]                         1..WG_MAX_PEERS
 *   PublicKey = <base64>           required, distinct, not our own
 *   PresharedKey = <base64>        optional
 *   Endpoint = 192.0.2.1:51820     optional (IPv4 literal; no DNS)
 *   AllowedIPs = 10.9.0.1/32, ...  IPv4 only, WG_MAX_ALLOWED in all
 *   PersistentKeepalive = 25       optional, seconds, 0 = off
 *
 * '#' starts a comment; keys are case-insensitive as in wg(8); lines end at
 * '\n' or ';' (so a whole configuration fits in one boot argument). The
 * wg-quick keys that only matter to a Linux host (DNS, MTU, Table, FwMark,
 * SaveConfig, Pre/PostUp/Down) are accepted and ignored; anything else is
 * refused. The parser is pure: it reads (len) bytes, never past them, and
 * on failure says why in one line.
 */
#ifndef NET_WG_CONF_H
#define NET_WG_CONF_H

#include <stddef.h>
#include <stdint.h>
#include "mote/kerr.h"
#include "net/wg_base64.h"

#define WG_MAX_PEERS 8
#define WG_MAX_ALLOWED 32
#define WG_DEFAULT_PORT 51820

typedef struct wg_allowed {
    uint32_t ip, mask;      /* host order, ip & mask == ip */
    uint8_t prefix;
    uint8_t peer;           /* index into wg_conf_t.peers */
} wg_allowed_t;

typedef struct wg_conf_peer {
    uint8_t pub[WG_KEY_LEN], psk[WG_KEY_LEN]; /* psk all zeros if none */
    uint32_t endpoint_ip;   /* 0: none; learned from the peer's packets */
    uint16_t endpoint_port;
    uint16_t keepalive;     /* seconds, 0 off */
} wg_conf_peer_t;

typedef struct wg_conf {
    uint8_t priv[WG_KEY_LEN];
    uint16_t listen_port;
    uint32_t ip, mask;      /* Address */
    unsigned npeers, nallowed;
    wg_conf_peer_t peers[WG_MAX_PEERS];
    wg_allowed_t allowed[WG_MAX_ALLOWED];
} wg_conf_t;

/* Parse (len) bytes of (text) into (c). KERR_OK, or KERR_INVALID with a
 * one-line reason ("line 3: bad base64 key") in (why, whylen). */
kerr_t wg_conf_parse(const char *text, size_t len, wg_conf_t *c, char *why,
                     size_t whylen);

#endif
