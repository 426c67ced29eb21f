/* The DHCP client on the fake frame device: the DISCOVER/OFFER/REQUEST/ACK
 * exchange, renewal at T1 (unicast), rebinding at T2 (broadcast), lease
 * expiry, NAK, foreign replies, and the static fallback. */
#include "tests/unit/net_test_util.h"

#include "mote/ktime.h"
#include "net/dhcp.h"

#define SRV_IP NET_IP4(10, 0, 0, 1)
#define LEASED NET_IP4(10, 0, 0, 50)

/* The (k)th-from-last DHCP message we sent (k = 0: the last), its DHCP
 * payload in (*msg). Returns the frame or NULL. */
static const uint8_t *dhcp_sent(int k, const uint8_t **msg)
{
    for (int i = fake_net_sent_count() - 1; i >= 0; i--) {
        uint32_t len;
        const uint8_t *f = fake_net_sent(i, &len);
        if (net_get16(f + 12) == NET_ETHERTYPE_IP && f[23] == 17 &&
            net_get16(f + 36) == 67 && k-- == 0) {
            *msg = f + 42;
            return f;
        }
    }
    return NULL;
}

static int dhcp_sent_count(void)
{
    int c = 0;
    for (int i = 0; i < fake_net_sent_count(); i++) {
        uint32_t len;
        const uint8_t *f = fake_net_sent(i, &len);
        if (net_get16(f + 12) == NET_ETHERTYPE_IP && f[23] == 17 &&
            net_get16(f + 36) == 67)
            c++;
    }
    return c;
}

/* Option (code) of DHCP message (m), or NULL. */
static const uint8_t *dhcp_opt(const uint8_t *m, uint8_t code)
{
    for (int i = 240; i < 300 && m[i] != 255;) {
        if (m[i] == 0) {
            i++;
            continue;
        }
        if (m[i] == code)
            return m + i + 2;
        i += 2 + m[i + 1];
    }
    return NULL;
}

/* Inject a server reply of (type) for (xid), broadcast from the server. */
static void server_reply(uint8_t type, uint32_t xid, uint32_t lease)
{
    uint8_t d[300] = {2, 1, 6};
    net_put32(d + 4, xid);
    net_put32(d + 16, LEASED);
    memcpy(d + 28, us_mac, 6);
    net_put32(d + 236, 0x63825363);
    uint8_t *o = d + 240;
    *o++ = 53, *o++ = 1, *o++ = type;
    *o++ = 54, *o++ = 4, net_put32(o, SRV_IP), o += 4;
    *o++ = 51, *o++ = 4, net_put32(o, lease), o += 4;
    *o++ = 1, *o++ = 4, net_put32(o, NET_IP4(255, 255, 255, 0)), o += 4;
    *o++ = 3, *o++ = 4, net_put32(o, GW_IP), o += 4;
    *o++ = 6, *o++ = 4, net_put32(o, NET_IP4(10, 0, 0, 53)), o += 4;
    *o++ = 255;
    uint8_t f[400];
    uint32_t n = mk_udp_from(f, gw_mac, SRV_IP, 67, NET_IP_BROADCAST, 68, d,
                             sizeof d);
    fake_net_inject(f, n);
    fake_settle();
}

/* Boot with DHCP and run the exchange to BOUND with a (lease) s lease. */
static uint32_t bind_lease(uint32_t lease)
{
    net_boot("dhcp_wait=4");
    const uint8_t *m, *f = dhcp_sent(0, &m);
    CHECK(f != NULL);
    if (!f)
        return 0;
    uint32_t xid = net_get32(m + 4);
    server_reply(NET_DHCP_OFFER, xid, lease);
    server_reply(NET_DHCP_ACK, xid, lease);
    return xid;
}

TEST(discover_is_broadcast_from_zero)
{
    net_boot(NULL);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_SELECTING);
    const uint8_t *m, *f = dhcp_sent(0, &m);
    CHECK(f != NULL);
    if (!f)
        return;
    uint32_t len = 42 + 300;
    CHECK(ip_frame_ok(f, len));
    CHECK(memcmp(f, net_mac_broadcast, 6) == 0);
    CHECK_EQ(net_get32(f + 26), 0);
    CHECK_EQ(net_get32(f + 30), NET_IP_BROADCAST);
    CHECK_EQ(net_get16(f + 34), 68);
    CHECK_EQ(dhcp_opt(m, 53)[0], NET_DHCP_DISCOVER);
    CHECK(memcmp(m + 28, us_mac, 6) == 0);
    /* Retransmitted with back-off: 1 s, then 2 s later. */
    fake_run(KTIME_S + 1);
    CHECK_EQ(dhcp_sent_count(), 2);
    fake_run(KTIME_S);
    CHECK_EQ(dhcp_sent_count(), 2);
    fake_run(KTIME_S);
    CHECK_EQ(dhcp_sent_count(), 3);
}

TEST(full_exchange_binds_lease)
{
    net_boot(NULL);
    const uint8_t *m;
    dhcp_sent(0, &m);
    uint32_t xid = net_get32(m + 4);
    server_reply(NET_DHCP_OFFER, xid, 3600);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_REQUESTING);
    const uint8_t *f = dhcp_sent(0, &m);
    CHECK_EQ(dhcp_opt(m, 53)[0], NET_DHCP_REQUEST);
    CHECK_EQ(net_get32(dhcp_opt(m, 50)), LEASED);
    CHECK_EQ(net_get32(dhcp_opt(m, 54)), SRV_IP);
    CHECK_EQ(net_get32(m + 4), xid);
    CHECK_EQ(net_get32(f + 30), NET_IP_BROADCAST);
    fake_net_clear_sent();
    server_reply(NET_DHCP_ACK, xid, 3600);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_BOUND);
    CHECK_EQ(net_if.ip, LEASED);
    CHECK_EQ(net_if.mask, NET_IP4(255, 255, 255, 0));
    CHECK_EQ(net_if.gw, GW_IP);
    CHECK_EQ(net_if.ndns, 1);
    CHECK_EQ(net_if.dns[0], NET_IP4(10, 0, 0, 53));
    /* Announced with a gratuitous ARP; now answers pings. */
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), 1);
    CHECK_EQ(net_stats.dhcp_rx, 2);
}

TEST(replies_for_others_are_ignored)
{
    net_boot(NULL);
    const uint8_t *m;
    dhcp_sent(0, &m);
    uint32_t xid = net_get32(m + 4);
    server_reply(NET_DHCP_OFFER, xid + 1, 3600);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_SELECTING);
    CHECK_EQ(net_stats.dhcp_drop_bad, 1);
    server_reply(NET_DHCP_ACK, xid, 3600); /* ACK without our REQUEST */
    CHECK_EQ(net_dhcp_state(), NET_DHCP_SELECTING);
    CHECK_EQ(net_if.ip, 0);
}

TEST(nak_restarts_discovery)
{
    net_boot(NULL);
    const uint8_t *m;
    dhcp_sent(0, &m);
    uint32_t xid = net_get32(m + 4);
    server_reply(NET_DHCP_OFFER, xid, 3600);
    server_reply(NET_DHCP_NAK, xid, 0);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_SELECTING);
    dhcp_sent(0, &m);
    CHECK_EQ(dhcp_opt(m, 53)[0], NET_DHCP_DISCOVER);
}

TEST(renew_at_t1_is_unicast_to_server)
{
    uint32_t xid = bind_lease(100);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_BOUND);
    fake_net_clear_sent();
    fake_run(49 * KTIME_S);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_BOUND);
    fake_run(2 * KTIME_S);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_RENEWING);
    /* Unicast: first the server's MAC. */
    CHECK_EQ(count_sent(NET_ETHERTYPE_ARP, 0), 1);
    uint8_t a[64];
    fake_net_inject(a, mk_arp(a, NET_ARP_REPLY, gw_mac, SRV_IP, us_mac,
                              LEASED));
    fake_settle();
    const uint8_t *m, *f = dhcp_sent(0, &m);
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(memcmp(f, gw_mac, 6) == 0);
    CHECK_EQ(net_get32(f + 26), LEASED);
    CHECK_EQ(net_get32(f + 30), SRV_IP);
    CHECK_EQ(net_get32(m + 12), LEASED); /* ciaddr */
    CHECK(dhcp_opt(m, 50) == NULL);
    server_reply(NET_DHCP_ACK, xid, 100);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_BOUND);
    /* The new lease counts from now: no renewal for another 49 s. */
    fake_run(45 * KTIME_S);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_BOUND);
}

TEST(rebind_at_t2_then_lease_expires)
{
    bind_lease(100);
    fake_run(80 * KTIME_S);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_RENEWING);
    fake_net_clear_sent();
    fake_run(8 * KTIME_S); /* T2 = 87.5 s */
    CHECK_EQ(net_dhcp_state(), NET_DHCP_REBINDING);
    const uint8_t *m, *f = dhcp_sent(0, &m);
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_EQ(net_get32(f + 30), NET_IP_BROADCAST);
    CHECK_EQ(net_get32(m + 12), LEASED);
    CHECK_EQ(net_if.ip, LEASED);
    fake_run(13 * KTIME_S); /* past 100 s */
    CHECK_EQ(net_if.ip, 0);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_SELECTING);
    dhcp_sent(0, &m);
    CHECK_EQ(dhcp_opt(m, 53)[0], NET_DHCP_DISCOVER);
}

TEST(static_fallback_when_no_server)
{
    net_boot("dhcp_wait=4");
    fake_run(3 * KTIME_S);
    CHECK_EQ(net_if.ip, 0);
    fake_run(2 * KTIME_S);
    CHECK_EQ(net_if.ip, NET_IP4(10, 0, 2, 15));
    CHECK_EQ(net_if.mask, NET_IP4(255, 255, 255, 0));
    CHECK_EQ(net_if.gw, NET_IP4(10, 0, 2, 2));
    CHECK_EQ(net_if.ndns, 1);
    CHECK_EQ(net_if.dns[0], NET_IP4(10, 0, 2, 3));
    /* Discovery goes on, slowly; a late server still wins. */
    int before = dhcp_sent_count();
    fake_run(31 * KTIME_S);
    CHECK(dhcp_sent_count() > before);
    const uint8_t *m;
    dhcp_sent(0, &m);
    uint32_t xid = net_get32(m + 4);
    server_reply(NET_DHCP_OFFER, xid, 600);
    server_reply(NET_DHCP_ACK, xid, 600);
    CHECK_EQ(net_if.ip, LEASED);
    CHECK_EQ(net_if.gw, GW_IP);
}

TEST(gw_and_dns_boot_arguments_win_over_dhcp)
{
    net_boot("dns=9.9.9.9 gw=10.0.0.254");
    const uint8_t *m;
    dhcp_sent(0, &m);
    uint32_t xid = net_get32(m + 4);
    server_reply(NET_DHCP_OFFER, xid, 600);
    server_reply(NET_DHCP_ACK, xid, 600);
    CHECK_EQ(net_if.ip, LEASED);
    CHECK_EQ(net_if.ndns, 1);
    CHECK_EQ(net_if.dns[0], NET_IP4(9, 9, 9, 9));
    CHECK_EQ(net_if.gw, NET_IP4(10, 0, 0, 254));
}

TEST(unanswered_request_goes_back_to_discover)
{
    net_boot("dhcp_wait=60");
    const uint8_t *m;
    dhcp_sent(0, &m);
    uint32_t xid = net_get32(m + 4);
    server_reply(NET_DHCP_OFFER, xid, 600);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_REQUESTING);
    int before = dhcp_sent_count();
    fake_run(4 * KTIME_S); /* REQUEST retried at +1 s and +3 s */
    CHECK_EQ(dhcp_sent_count(), before + 2);
    CHECK_EQ(net_dhcp_state(), NET_DHCP_REQUESTING);
    fake_run(4 * KTIME_S); /* the third gap ends: discover again */
    CHECK_EQ(net_dhcp_state(), NET_DHCP_SELECTING);
    dhcp_sent(0, &m);
    CHECK_EQ(dhcp_opt(m, 53)[0], NET_DHCP_DISCOVER);
    CHECK(net_get32(m + 4) != xid); /* a new transaction */
    CHECK_EQ(net_if.ip, 0);
}
