/* The kernel objects a manifest's grants name, created once at boot from
 * static pools (no allocation): UDP ports, channel ends, block regions and
 * timers. Two grants of the same port or channel end share one object; the
 * handle tables that hold it count the references. */
#include "lib/kstring.h"
#include "mote/printk.h"
#include "net/tun.h"
#include "sandbox/inst.h"

#define MAX_UDP 16
#define MAX_BLK 16

typedef struct sbx_udp {
    kobj_t obj;
    net_udp_sock_t sock;
    uint16_t port;
} sbx_udp_t;

static sbx_udp_t udps[MAX_UDP];
static uint32_t nudp;
static kchan_end_t chans[SBX_MAX_CHANNELS][2];
static const char *chan_names[SBX_MAX_CHANNELS];
static uint32_t nchan;
static sbx_blk_region_t blks[MAX_BLK];
static uint32_t nblk;
static kobj_t timer_obj;

static void udp_release(kobj_t *o)
{
    sbx_udp_t *u = KCONTAINER_OF(o, sbx_udp_t, obj);
    net_udp_close(&u->sock);
}

net_udp_sock_t *sbx_udp_sock(kobj_t *o)
{
    return &KCONTAINER_OF(o, sbx_udp_t, obj)->sock;
}

/* A wg: grant (tunnel) makes the port tunnel-only for everyone (net/tun.h);
 * without the IP stack nothing could enforce that, so it is refused. */
static kobj_t *udp_obj(uint16_t port, bool tunnel)
{
    if (tunnel && (!net_tun_available() || net_tun_bind_port(port) != KERR_OK)) {
        printk(KLOG_ERR, "sbx: udp port wg:%u needs the IP stack's tunnel", port);
        return NULL;
    }
    for (uint32_t i = 0; i < nudp; i++)
        if (udps[i].port == port)
            return &udps[i].obj;
    if (nudp == MAX_UDP)
        return NULL;
    sbx_udp_t *u = &udps[nudp];
    kerr_t err = net_udp_open(&u->sock, port);
    if (err) {
        printk(KLOG_ERR, "sbx: cannot open udp port %u: %s", port, kerr_str(err));
        return NULL;
    }
    kobj_init(&u->obj, KOBJ_UDP, udp_release);
    u->port = port;
    nudp++;
    return &u->obj;
}

static kobj_t *chan_obj(const char *target)
{
    size_t n = strlen(target);
    for (uint32_t i = 0; i < nchan; i++)
        if (strlen(chan_names[i]) + 2 == n && !strncmp(target, chan_names[i], n - 2))
            return &chans[i][target[n - 1] == 'b'].obj;
    return NULL;
}

static kobj_t *blk_obj(uint64_t first, uint64_t count)
{
    kblk_info_t info;
    if (kblk_info(0, &info) != KERR_OK || first > info.sectors ||
        count > info.sectors - first || count == 0) {
        printk(KLOG_ERR, "sbx: block region %llu+%llu is not on device 0",
               (unsigned long long)first, (unsigned long long)count);
        return NULL;
    }
    if (nblk == MAX_BLK)
        return NULL;
    sbx_blk_region_t *b = &blks[nblk++];
    kobj_init(&b->obj, KOBJ_BLK, NULL);
    b->dev = 0;
    b->first = first;
    b->count = count;
    return &b->obj;
}

kerr_t sbx_objects_create(const sbx_manifest_t *m)
{
    nudp = nchan = nblk = 0;
    kobj_init(&timer_obj, KOBJ_TIMER, NULL);
    for (uint32_t i = 0; i < m->nchan; i++) {
        kchan_pair_init(&chans[i][0], &chans[i][1]);
        chan_names[i] = m->chan[i];
        nchan++;
    }
    return KERR_OK;
}

kerr_t sbx_grant_install(sbx_inst_t *in, const sbx_grant_t *g, kcap_handle_t *h)
{
    kobj_t *o = NULL;
    switch (g->kind) {
    case SBX_GRANT_UDP: o = udp_obj((uint16_t)g->a, g->b == 1); break;
    case SBX_GRANT_CHAN: o = chan_obj(g->target); break;
    case SBX_GRANT_BLK: o = blk_obj(g->a, g->b); break;
    case SBX_GRANT_TIMER: o = &timer_obj; break;
    case SBX_GRANT_KV: o = sbx_kv_obj(g->target); break;
    case SBX_GRANT_TCP: o = sbx_tcp_listen_obj((uint16_t)g->a); break;
    }
    if (!o)
        return KERR_NO_DEVICE;
    kerr_t err = kcap_install(&in->caps, kobj_ref(o), g->rights, h);
    if (err)
        kobj_unref(o);
    return err;
}

void sbx_objects_boot_done(void)
{
    for (uint32_t i = 0; i < nudp; i++)
        kobj_unref(&udps[i].obj);
    for (uint32_t i = 0; i < nchan; i++) {
        kobj_unref(&chans[i][0].obj);
        kobj_unref(&chans[i][1].obj);
    }
    for (uint32_t i = 0; i < nblk; i++)
        kobj_unref(&blks[i].obj);
    kobj_unref(&timer_obj);
    sbx_kv_boot_done();
    sbx_tcp_boot_done();
}
