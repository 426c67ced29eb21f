/* net: what the stack calls when the TCP layer (net/tcp/) is not linked.
 * Weak definitions, replaced by net/tcp/'s when it is: see net/tcp.h. */
#include "net/tcp.h"

__attribute__((weak)) bool net_tcp_input(const net_ip_hdr_t *h,
                                         const uint8_t *p)
{
    (void)h;
    (void)p;
    return false;
}

__attribute__((weak)) uint64_t net_tcp_poll(uint64_t now)
{
    (void)now;
    return UINT64_MAX;
}

__attribute__((weak)) void net_tcp_tx_ready(void)
{
}

__attribute__((weak)) void net_tcp_reset(void)
{
}

__attribute__((weak)) void net_tcp_register(void)
{
}
