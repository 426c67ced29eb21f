/* net: start-up (see stack.h). */
#include "net/stack.h"
#include "kernel/kinit.h"
#include "kernel/kservice.h"
#include "lib/kstring.h"
#include "mote/printk.h"
#include "net/arp.h"
#include "net/config.h"
#include "net/dhcp.h"
#include "net/dns.h"
#include "net/icmp.h"
#include "net/stats.h"
#include "net/timer.h"
#include "net/tun.h"
#include "net/tcp.h"
#include "net/udp.h"

static void stack_reset(void)
{
    memset(&net_stats, 0, sizeof net_stats);
    net_timer_reset();
    net_if_reset();
    net_arp_reset();
    net_udp_reset();
    net_tcp_reset();
    net_icmp_reset();
    net_dhcp_reset();
    net_dns_reset();
    net_tun_reset();
}

static void log_config(void)
{
    char a[16], g[16], n[16];
    printk(KLOG_INFO, "net: %s mask %s gw %s (%u DNS)",
           net_ip_str(net_if.ip, a), net_ip_str(net_if.mask, n),
           net_ip_str(net_if.gw, g), net_if.ndns);
}

void net_stack_init(void)
{
    knet_info_t info;
    stack_reset();
    int fixed = net_config_from_args();
    if (knet_info(0, &info) != KERR_OK) {
        if (net_if.ndns && kservice_get(KOP_CLASS_UDP))
            kservice_register(KOP_CLASS_DNS, &net_dns_service);
        return;
    }
    memcpy(net_if.mac, info.mac, 6);
    kservice_register(KOP_CLASS_UDP, &net_udp_service);
    net_tcp_register();
    kservice_register(KOP_CLASS_DNS, &net_dns_service);
    kerr_t err = net_if_start();
    if (err) {
        printk(KLOG_ERR, "net: frame device: %s", kerr_str(err));
        return;
    }
    printk(KLOG_INFO, "net: IP stack on %02x:%02x:%02x:%02x:%02x:%02x",
           info.mac[0], info.mac[1], info.mac[2], info.mac[3], info.mac[4],
           info.mac[5]);
    if (fixed == 1) {
        log_config();
        net_arp_announce();
    } else {
        net_dhcp_start();
    }
}

KINIT(net_stack_init);
