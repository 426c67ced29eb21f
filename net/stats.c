/* net: counter table (see stats.h). */
#include "net/stats.h"
#include <stddef.h>
#include "mote/printk.h"

net_stats_t net_stats;

static const struct {
    const char *name;
    size_t off;
} fields[] = {
#define NET_STATS_ENTRY(name) {#name, offsetof(net_stats_t, name)},
    NET_STATS(NET_STATS_ENTRY)
#undef NET_STATS_ENTRY
};

void net_stats_get(net_stats_t *out)
{
    *out = net_stats;
}

const char *net_stats_field(unsigned i, uint64_t *value)
{
    if (i >= sizeof fields / sizeof fields[0])
        return 0;
    *value = *(const uint64_t *)(const void *)((const char *)&net_stats +
                                               fields[i].off);
    return fields[i].name;
}

void net_stats_print(void)
{
    uint64_t v;
    const char *name;
    for (unsigned i = 0; (name = net_stats_field(i, &v)) != 0; i++)
        if (v)
            printk(KLOG_INFO, "net: %s %llu", name, (unsigned long long)v);
}
