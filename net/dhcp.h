/* net: DHCP client (RFC 2131) for the one interface.
 *
 * States: SELECTING (DISCOVER, retried at 1, 2, 4, 4... s), REQUESTING
 * (REQUEST for the first OFFER, 3 tries then back to DISCOVER), BOUND,
 * RENEWING at T1 (unicast REQUEST to the server), REBINDING at T2
 * (broadcast REQUEST), and back to SELECTING when the lease ends. T1 and
 * T2 come from the server (options 58/59) or default to 1/2 and 7/8 of the
 * lease. If nothing is bound after dhcp_wait seconds (default 4) the
 * interface takes the static fallback (QEMU user networking's 10.0.2.15/24,
 * gateway 10.0.2.2, DNS 10.0.2.3) and keeps asking every 30 s; a lease that
 * arrives later replaces it. We set the broadcast flag so replies reach us
 * before we have an address. gw=/dns= boot arguments win over DHCP's.
 */
#ifndef NET_DHCP_H
#define NET_DHCP_H

#include <stdint.h>
#include "mote/ktime.h"

#define NET_DHCP_SERVER_PORT 67
#define NET_DHCP_CLIENT_PORT 68
#define NET_DHCP_MIN_LEN 300  /* BOOTP minimum, which relays expect */

enum {
    NET_DHCP_DISCOVER = 1, NET_DHCP_OFFER, NET_DHCP_REQUEST,
    NET_DHCP_DECLINE, NET_DHCP_ACK, NET_DHCP_NAK, NET_DHCP_RELEASE,
};

typedef enum net_dhcp_state {
    NET_DHCP_OFF, NET_DHCP_SELECTING, NET_DHCP_REQUESTING, NET_DHCP_BOUND,
    NET_DHCP_RENEWING, NET_DHCP_REBINDING,
} net_dhcp_state_t;

/* A parsed server reply; absent options are 0. */
typedef struct net_dhcp_msg {
    uint8_t op, type;
    uint32_t xid, yiaddr, server_id;
    uint32_t mask, router, lease, t1, t2; /* lease/t1/t2 in seconds */
    uint32_t dns[3];
    unsigned ndns;
    uint8_t chaddr[6];
} net_dhcp_msg_t;

/* Parse a DHCP message (UDP payload). 0, or -1 if malformed. */
int net_dhcp_parse(const uint8_t *p, uint32_t len, net_dhcp_msg_t *m);

/* Build a client message of (type) into (p) (at least NET_DHCP_MIN_LEN
 * bytes). (ciaddr) is our current address (renew/rebind), (req_ip) and
 * (server) are options 50/54 when non-zero. Returns the length. */
uint32_t net_dhcp_build(uint8_t *p, uint8_t type, uint32_t xid,
                        const uint8_t mac[6], uint32_t ciaddr,
                        uint32_t req_ip, uint32_t server);

/* Start the client (the stack's init, when no ip= was given). */
void net_dhcp_start(void);

/* Forget all state (start-up; a test's reboot). */
void net_dhcp_reset(void);

/* Current state, for tests and the log. */
net_dhcp_state_t net_dhcp_state(void);

#endif
