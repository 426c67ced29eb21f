/* net: DHCP message encoding and parsing (see dhcp.h). Pure functions:
 * bounds-checked against the caller's length, no state. */
#include "lib/kstring.h"
#include "net/dhcp.h"
#include "net/wire.h"

#define DHCP_COOKIE 0x63825363u
#define DHCP_OPT_START 240

enum {
    OPT_PAD = 0, OPT_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6,
    OPT_REQ_IP = 50, OPT_LEASE = 51, OPT_TYPE = 53, OPT_SERVER = 54,
    OPT_PARAMS = 55, OPT_T1 = 58, OPT_T2 = 59, OPT_END = 255,
};

static void parse_opt(net_dhcp_msg_t *m, uint8_t code, const uint8_t *v,
                      uint8_t n)
{
    switch (code) {
    case OPT_TYPE: if (n >= 1) m->type = v[0]; break;
    case OPT_MASK: if (n >= 4) m->mask = net_get32(v); break;
    case OPT_ROUTER: if (n >= 4) m->router = net_get32(v); break;
    case OPT_SERVER: if (n >= 4) m->server_id = net_get32(v); break;
    case OPT_LEASE: if (n >= 4) m->lease = net_get32(v); break;
    case OPT_T1: if (n >= 4) m->t1 = net_get32(v); break;
    case OPT_T2: if (n >= 4) m->t2 = net_get32(v); break;
    case OPT_DNS:
        for (unsigned i = 0; i + 4 <= n && m->ndns < 3; i += 4)
            m->dns[m->ndns++] = net_get32(v + i);
        break;
    }
}

int net_dhcp_parse(const uint8_t *p, uint32_t len, net_dhcp_msg_t *m)
{
    memset(m, 0, sizeof *m);
    if (len < DHCP_OPT_START || p[1] != 1 || p[2] != 6 ||
        net_get32(p + 236) != DHCP_COOKIE)
        return -1;
    m->op = p[0];
    m->xid = net_get32(p + 4);
    m->yiaddr = net_get32(p + 16);
    memcpy(m->chaddr, p + 28, 6);
    uint32_t i = DHCP_OPT_START;
    while (i < len) {
        uint8_t code = p[i++];
        if (code == OPT_PAD)
            continue;
        if (code == OPT_END)
            break;
        if (i >= len || p[i] > len - i - 1)
            return -1; /* option runs past the packet */
        uint8_t n = p[i++];
        parse_opt(m, code, p + i, n);
        i += n;
    }
    return m->type ? 0 : -1;
}

static uint8_t *put_opt32(uint8_t *o, uint8_t code, uint32_t v)
{
    o[0] = code;
    o[1] = 4;
    net_put32(o + 2, v);
    return o + 6;
}

uint32_t net_dhcp_build(uint8_t *p, uint8_t type, uint32_t xid,
                        const uint8_t mac[6], uint32_t ciaddr,
                        uint32_t req_ip, uint32_t server)
{
    static const uint8_t params[] = {OPT_MASK, OPT_ROUTER, OPT_DNS,
                                     OPT_LEASE, OPT_T1, OPT_T2};
    memset(p, 0, NET_DHCP_MIN_LEN);
    p[0] = 1; /* BOOTREQUEST */
    p[1] = 1;
    p[2] = 6;
    net_put32(p + 4, xid);
    /* Broadcast flag unless renewing from a working address. */
    net_put16(p + 10, ciaddr ? 0 : 0x8000);
    net_put32(p + 12, ciaddr);
    memcpy(p + 28, mac, 6);
    net_put32(p + 236, DHCP_COOKIE);
    uint8_t *o = p + DHCP_OPT_START;
    *o++ = OPT_TYPE;
    *o++ = 1;
    *o++ = type;
    if (req_ip)
        o = put_opt32(o, OPT_REQ_IP, req_ip);
    if (server)
        o = put_opt32(o, OPT_SERVER, server);
    *o++ = OPT_PARAMS;
    *o++ = sizeof params;
    memcpy(o, params, sizeof params);
    o += sizeof params;
    *o++ = OPT_END;
    uint32_t n = (uint32_t)(o - p);
    return n < NET_DHCP_MIN_LEN ? NET_DHCP_MIN_LEN : n;
}
