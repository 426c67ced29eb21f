/* net: boot-argument configuration (see config.h). */
#include "net/config.h"
#include "mote/kapp.h"
#include "mote/ktime.h"
#include "mote/printk.h"
#include "net/arp.h"

uint32_t net_prefix_mask(unsigned prefix)
{
    if (prefix == 0)
        return 0;
    if (prefix >= 32)
        return 0xffffffffu;
    return ~((1u << (32 - prefix)) - 1);
}

int net_parse_ip(const char *s, const char *end, uint32_t *ip)
{
    uint32_t v = 0;
    for (int part = 0; part < 4; part++) {
        unsigned n = 0, digits = 0;
        while (s != end && *s >= '0' && *s <= '9' && digits < 4) {
            n = n * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || digits > 3 || n > 255)
            return -1;
        v = (v << 8) | n;
        if (part < 3) {
            if (s == end || *s != '.')
                return -1;
            s++;
        }
    }
    if (s != end && *s)
        return -1;
    *ip = v;
    return 0;
}

int net_parse_cidr(const char *s, uint32_t *ip, uint32_t *mask)
{
    const char *slash = s;
    while (*slash && *slash != '/')
        slash++;
    if (net_parse_ip(s, slash, ip) != 0)
        return -1;
    unsigned prefix = 24;
    if (*slash == '/') {
        const char *p = slash + 1;
        if (!*p)
            return -1;
        prefix = 0;
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || prefix > 32)
                return -1;
            prefix = prefix * 10 + (unsigned)(*p - '0');
        }
        if (prefix > 32)
            return -1;
    }
    *mask = net_prefix_mask(prefix);
    return 0;
}

int net_parse_ip_list(const char *s, uint32_t *ips, unsigned max)
{
    unsigned n = 0;
    while (*s) {
        const char *end = s;
        while (*end && *end != ',')
            end++;
        if (n == max || net_parse_ip(s, end, &ips[n]) != 0)
            return -1;
        n++;
        s = *end ? end + 1 : end;
    }
    return (int)n;
}

int net_config_from_args(void)
{
    int bad = 0, fixed = 0;
    const char *v;
    if ((v = kargs_get("ip")) != 0) {
        if (net_parse_cidr(v, &net_if.ip, &net_if.mask) == 0)
            fixed = 1;
        else
            bad = 1, net_if.ip = 0;
    }
    if ((v = kargs_get("gw")) != 0 && net_parse_ip(v, 0, &net_if.gw) != 0)
        bad = 1, net_if.gw = 0;
    if ((v = kargs_get("dns")) != 0) {
        int n = net_parse_ip_list(v, net_if.dns, NET_DNS_SERVERS);
        if (n < 0)
            bad = 1;
        net_if.ndns = n < 0 ? 0 : (unsigned)n;
    }
    net_arp_ttl = kargs_get_ulong("arp_ttl", 60) * KTIME_S;
    if (bad) {
        printk(KLOG_WARN, "net: malformed ip=/gw=/dns= boot argument");
        return -1;
    }
    return fixed;
}
