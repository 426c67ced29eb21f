/* net: frame device glue and transmit pool (see netif.h). */
#include "net/netif.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "net/arp.h"
#include "net/ip.h"
#include "net/stats.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/wire.h"

net_if_t net_if;
const uint8_t net_mac_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static net_txbuf_t txbufs[NET_TX_BUFS];
static net_txbuf_t *tx_free_list;
static bool tx_pool_ready;

static knet_req_t rx_reqs[NET_RX_ARMED];
static uint8_t rx_bufs[NET_RX_ARMED][KNET_MAX_FRAME];

static void tx_done(kwork_t *w);

static void tx_pool_init(void)
{
    tx_free_list = 0;
    for (unsigned i = 0; i < NET_TX_BUFS; i++) {
        net_txbuf_t *b = &txbufs[i];
        knet_req_init(&b->req, KOP_NET_SEND, 0, b->frame, 0, tx_done, b);
        b->next = tx_free_list;
        tx_free_list = b;
    }
    tx_pool_ready = true;
}

net_txbuf_t *net_tx_alloc(void)
{
    if (!tx_pool_ready)
        tx_pool_init();
    net_txbuf_t *b = tx_free_list;
    if (!b)
        return 0;
    tx_free_list = b->next;
    b->next = 0;
    b->owner = 0;
    b->nexthop = 0;
    b->len = 0;
    return b;
}

void net_tx_owner_done(net_txbuf_t *b, kerr_t err)
{
    net_udp_req_t *r = b->owner;
    if (!r)
        return;
    b->owner = 0;
    net_udp_send_done(r, err);
}

void net_tx_free(net_txbuf_t *b, kerr_t err)
{
    net_tx_owner_done(b, err);
    b->next = tx_free_list;
    tx_free_list = b;
    net_udp_tx_ready();
    net_tcp_tx_ready();
}

static void tx_done(kwork_t *w)
{
    net_txbuf_t *b = w->ctx;
    if (w->result != KERR_OK)
        NET_COUNT(eth_tx_error);
    net_tx_free(b, KERR_OK);
}

void net_eth_output(net_txbuf_t *b, const uint8_t *dst_mac, uint16_t type)
{
    memcpy(b->frame, dst_mac, 6);
    memcpy(b->frame + 6, net_if.mac, 6);
    net_put16(b->frame + 12, type);
    b->req.buf = b->frame;
    b->req.len = b->len;
    net_tx_owner_done(b, KERR_OK);
    if (ksubmit(&b->req.work) != KERR_OK) {
        NET_COUNT(eth_tx_error);
        net_tx_free(b, KERR_OK);
        return;
    }
    NET_COUNT(eth_tx);
}

bool net_ip_is_broadcast(uint32_t ip)
{
    if (ip == NET_IP_BROADCAST)
        return true;
    return net_if.ip && net_if.mask != NET_IP_BROADCAST &&
           (ip & ~net_if.mask) == ~net_if.mask &&
           (ip & net_if.mask) == (net_if.ip & net_if.mask);
}

void net_input(const uint8_t *frame, uint32_t len)
{
    NET_COUNT(eth_rx);
    if (len < NET_ETH_HLEN) {
        NET_COUNT(eth_drop_short);
        return;
    }
    bool bcast = memcmp(frame, net_mac_broadcast, 6) == 0;
    if (!bcast && memcmp(frame, net_if.mac, 6) != 0) {
        NET_COUNT(eth_drop_dst);
        return;
    }
    const uint8_t *p = frame + NET_ETH_HLEN;
    uint32_t n = len - NET_ETH_HLEN;
    switch (net_get16(frame + 12)) {
    case NET_ETHERTYPE_ARP:
        net_arp_input(p, n);
        break;
    case NET_ETHERTYPE_IP:
        net_ip_input(p, n, bcast);
        break;
    default:
        NET_COUNT(eth_drop_type);
    }
}

static void rx_done(kwork_t *w)
{
    knet_req_t *r = KCONTAINER_OF(w, knet_req_t, work);
    if (w->result == KERR_OK)
        net_input(r->buf, r->done);
    /* Re-arm, unless the device is gone or we were cancelled: re-arming
     * then would only spin. */
    if (w->result == KERR_CANCELLED || w->result == KERR_NO_DEVICE)
        return;
    r->len = KNET_MAX_FRAME;
    ksubmit(&r->work);
}

void net_if_reset(void)
{
    /* A reboot under test leaves old requests looking in flight; they
     * are not (the kernel's queues were reset with it). */
    memset(txbufs, 0, sizeof txbufs);
    memset(rx_reqs, 0, sizeof rx_reqs);
    memset(&net_if, 0, sizeof net_if);
    tx_pool_init();
}

kerr_t net_if_start(void)
{
    if (!tx_pool_ready)
        tx_pool_init();
    for (unsigned i = 0; i < NET_RX_ARMED; i++) {
        knet_req_init(&rx_reqs[i], KOP_NET_RECV, 0, rx_bufs[i],
                      KNET_MAX_FRAME, rx_done, 0);
        kerr_t err = ksubmit(&rx_reqs[i].work);
        if (err)
            return err;
    }
    net_if.running = 1;
    return KERR_OK;
}
