/* net: TCP header parsing and building (see tcp_seg.h). */
#include "net/tcp/tcp_seg.h"
#include "lib/kstring.h"
#include "net/cksum.h"
#include "net/wire.h"

#define OPT_END 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACK_OK 4
#define OPT_SACK 5
#define OPT_TS 8

/* One option of kind (k) and total length (n) at (o). Wrong lengths for
 * the options we know are errors (RFC 9293 3.1: a segment with a bad
 * option length must not be processed as if the option were right). */
static int opt_one(tcp_seg_t *s, uint8_t k, const uint8_t *o, uint8_t n)
{
    switch (k) {
    case OPT_MSS:
        if (n != 4)
            return -1;
        s->has_mss = true;
        s->mss = net_get16(o + 2);
        return 0;
    case OPT_WS:
        if (n != 3)
            return -1;
        s->has_ws = true;
        s->ws = o[2] > 14 ? 14 : o[2]; /* RFC 7323 2.3: clamp, log */
        return 0;
    case OPT_SACK_OK:
        if (n != 2)
            return -1;
        s->sack_ok = true;
        return 0;
    case OPT_SACK:
        if (n < 10 || (n - 2) % 8)
            return -1;
        for (uint8_t i = 0; i < (n - 2) / 8 && s->nsack < TCP_SACK_MAX; i++) {
            s->sack[s->nsack].left = net_get32(o + 2 + 8 * i);
            s->sack[s->nsack].right = net_get32(o + 6 + 8 * i);
            s->nsack++;
        }
        return 0;
    case OPT_TS:
        if (n != 10)
            return -1;
        s->has_ts = true;
        s->tsval = net_get32(o + 2);
        s->tsecr = net_get32(o + 6);
        return 0;
    default:
        return 0; /* unknown: skipped by its length */
    }
}

static int opts_parse(tcp_seg_t *s, const uint8_t *o, uint32_t n)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t k = o[i];
        if (k == OPT_END)
            return 0;
        if (k == OPT_NOP) {
            i++;
            continue;
        }
        if (n - i < 2)
            return -1;
        uint8_t l = o[i + 1];
        if (l < 2 || l > n - i)
            return -1;
        if (opt_one(s, k, o + i, l))
            return -1;
        i += l;
    }
    return 0;
}

tcp_parse_err_t net_tcp_parse(const uint8_t *p, uint32_t len, tcp_seg_t *s)
{
    memset(s, 0, sizeof *s);
    if (len < TCP_HLEN)
        return TCP_PARSE_SHORT;
    uint32_t off = (uint32_t)(p[12] >> 4) * 4;
    if (off < TCP_HLEN)
        return TCP_PARSE_OFFSET;
    if (off > len)
        return TCP_PARSE_SHORT;
    s->sport = net_get16(p);
    s->dport = net_get16(p + 2);
    s->seq = net_get32(p + 4);
    s->ack = net_get32(p + 8);
    s->flags = p[13] & 0x3f;
    s->wnd = net_get16(p + 14);
    s->urp = net_get16(p + 18);
    if (opts_parse(s, p + TCP_HLEN, off - TCP_HLEN))
        return TCP_PARSE_OPTION;
    if (!s->flags || ((s->flags & TCP_SYN) && (s->flags & (TCP_FIN | TCP_RST))))
        return TCP_PARSE_FLAGS;
    s->data = p + off;
    s->len = len - off;
    return TCP_PARSE_OK;
}

uint32_t net_tcp_build(uint8_t *p, const tcp_hdr_out_t *h)
{
    uint8_t *o = p + TCP_HLEN;
    if (h->mss) {
        o[0] = OPT_MSS, o[1] = 4;
        net_put16(o + 2, h->mss);
        o += 4;
    }
    if (h->ws >= 0) {
        o[0] = OPT_NOP, o[1] = OPT_WS, o[2] = 3, o[3] = (uint8_t)h->ws;
        o += 4;
    }
    if (h->sack_ok) {
        o[0] = OPT_NOP, o[1] = OPT_NOP, o[2] = OPT_SACK_OK, o[3] = 2;
        o += 4;
    }
    if (h->ts) {
        o[0] = OPT_NOP, o[1] = OPT_NOP, o[2] = OPT_TS, o[3] = 10;
        net_put32(o + 4, h->tsval);
        net_put32(o + 8, h->tsecr);
        o += 12;
    }
    uint8_t room = (uint8_t)((TCP_OPT_MAX - (o - (p + TCP_HLEN)) - 4) / 8);
    uint8_t ns = h->nsack < room ? h->nsack : room;
    if (ns) {
        o[0] = OPT_NOP, o[1] = OPT_NOP, o[2] = OPT_SACK;
        o[3] = (uint8_t)(2 + 8 * ns);
        for (uint8_t i = 0; i < ns; i++) {
            net_put32(o + 4 + 8 * i, h->sack[i].left);
            net_put32(o + 8 + 8 * i, h->sack[i].right);
        }
        o += 4 + 8 * ns;
    }
    uint32_t hl = (uint32_t)(o - p);
    net_put16(p, h->sport);
    net_put16(p + 2, h->dport);
    net_put32(p + 4, h->seq);
    net_put32(p + 8, h->ack);
    p[12] = (uint8_t)((hl / 4) << 4);
    p[13] = h->flags;
    net_put16(p + 14, h->wnd);
    net_put16(p + 16, 0);
    net_put16(p + 18, 0);
    return hl;
}

void net_tcp_cksum_set(uint8_t *p, uint32_t len, uint32_t src, uint32_t dst)
{
    net_put16(p + 16, 0);
    uint32_t sum = net_cksum_pseudo(src, dst, 6, (uint16_t)len);
    net_put16(p + 16, net_cksum_fold(net_cksum_add(sum, p, len)));
}

bool net_tcp_cksum_ok(const uint8_t *p, uint32_t len, uint32_t src,
                      uint32_t dst)
{
    uint32_t sum = net_cksum_pseudo(src, dst, 6, (uint16_t)len);
    return net_cksum_fold(net_cksum_add(sum, p, len)) == 0;
}
