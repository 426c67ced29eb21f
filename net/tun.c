/* net: the tunnel seam (see tun.h). */
#include "net/tun.h"
#include "lib/kstring.h"

net_tun_t net_tun;
net_tun_stats_t net_tun_stats;
static uint16_t tun_ports[NET_TUN_PORTS];
static unsigned tun_nports;

uint32_t net_ip_src_for(uint32_t dst)
{
    if (net_tun.ip && net_tun.routes && net_tun.routes(dst))
        return net_tun.ip;
    return net_if.ip;
}

bool net_tun_available(void)
{
    return net_if.running;
}

kerr_t net_tun_bind_port(uint16_t port)
{
    if (net_tun_port_only(port))
        return KERR_OK;
    if (tun_nports == NET_TUN_PORTS)
        return KERR_NOMEM;
    tun_ports[tun_nports++] = port;
    return KERR_OK;
}

bool net_tun_port_only(uint16_t port)
{
    for (unsigned i = 0; i < tun_nports; i++)
        if (tun_ports[i] == port)
            return true;
    return false;
}

void net_tun_reset(void)
{
    memset(&net_tun, 0, sizeof net_tun);
    memset(&net_tun_stats, 0, sizeof net_tun_stats);
    tun_nports = 0;
}
