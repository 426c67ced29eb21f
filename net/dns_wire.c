/* net: DNS message encoding and parsing (see dns.h). Pure functions; every
 * read is checked against the message length, compression pointers are
 * followed at most DNS_MAX_JUMPS times, and names never exceed 255 bytes. */
#include "lib/kstring.h"
#include "net/dns.h"
#include "net/wire.h"

#define DNS_HLEN 12
#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_CLASS_IN 1
#define DNS_MAX_JUMPS 16
#define DNS_MAX_RRS 32
#define DNS_MAX_CHAIN 8

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int label_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

uint32_t net_dns_build_query(uint8_t *p, uint32_t cap, uint16_t id,
                             const char *name)
{
    size_t n = strlen(name);
    if (n && name[n - 1] == '.')
        n--;
    /* header + (labels: n + 1 length bytes + root) + type + class */
    if (n == 0 || n > NET_DNS_NAME_MAX || DNS_HLEN + n + 2 + 4 > cap)
        return 0;
    memset(p, 0, DNS_HLEN);
    net_put16(p, id);
    net_put16(p + 2, 0x0100); /* RD */
    net_put16(p + 4, 1);
    uint8_t *o = p + DNS_HLEN;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && name[j] != '.') {
            if (!label_char_ok(name[j]))
                return 0;
            j++;
        }
        if (j == i || j - i > 63)
            return 0;
        *o++ = (uint8_t)(j - i);
        memcpy(o, name + i, j - i);
        o += j - i;
        i = j + 1;
    }
    *o++ = 0;
    net_put16(o, DNS_TYPE_A);
    net_put16(o + 2, DNS_CLASS_IN);
    return (uint32_t)(o + 4 - p);
}

/* Read the (possibly compressed) name at *off into (out) as lower-case
 * dotted text; *off moves past it. 0, or -1 if malformed. */
static int read_name(const uint8_t *p, uint32_t len, uint32_t *off,
                     char out[256])
{
    uint32_t at = *off, outn = 0;
    int jumps = 0, jumped = 0;
    for (;;) {
        if (at >= len)
            return -1;
        uint8_t c = p[at];
        if ((c & 0xc0) == 0xc0) {
            if (at + 1 >= len || ++jumps > DNS_MAX_JUMPS)
                return -1;
            if (!jumped)
                *off = at + 2;
            jumped = 1;
            at = ((uint32_t)(c & 0x3f) << 8) | p[at + 1];
            continue;
        }
        if (c & 0xc0)
            return -1;
        if (c == 0)
            break;
        if (at + 1 + c > len || outn + c + 1 > 255)
            return -1;
        if (outn)
            out[outn++] = '.';
        for (uint32_t i = 0; i < c; i++)
            out[outn++] = lower((char)p[at + 1 + i]);
        at += 1 + c;
    }
    out[outn] = 0;
    if (!jumped)
        *off = at + 1;
    return 0;
}

/* (a) (from a message, lower case) equals query name (q), ignoring case
 * and a trailing dot on (q). */
static int name_eq(const char *a, const char *q)
{
    size_t n = strlen(q);
    if (n && q[n - 1] == '.')
        n--;
    for (size_t i = 0; i < n; i++)
        if (a[i] != lower(q[i]))
            return 0;
    return a[n] == 0;
}

typedef struct rr {
    uint32_t name_off, rdata_off, ttl;
    uint16_t type, rdlen;
} rr_t;

/* Skip the question, checking it is ours. Returns the offset after it or
 * 0 if it does not match. */
static uint32_t check_question(const uint8_t *p, uint32_t len,
                               const char *name)
{
    char buf[256];
    uint32_t off = DNS_HLEN;
    if (net_get16(p + 4) != 1 || read_name(p, len, &off, buf) != 0 ||
        off + 4 > len || !name_eq(buf, name) ||
        net_get16(p + off) != DNS_TYPE_A ||
        net_get16(p + off + 2) != DNS_CLASS_IN)
        return 0;
    return off + 4;
}

static int collect(const uint8_t *p, uint32_t len, uint32_t off, rr_t *rrs,
                   unsigned *nrr)
{
    char buf[256];
    unsigned an = net_get16(p + 6), n = 0;
    for (unsigned i = 0; i < an && n < DNS_MAX_RRS; i++) {
        rr_t r = {.name_off = off};
        if (read_name(p, len, &off, buf) != 0 || off + 10 > len)
            return -1;
        r.type = net_get16(p + off);
        uint16_t cls = net_get16(p + off + 2);
        r.ttl = net_get32(p + off + 4);
        r.rdlen = net_get16(p + off + 8);
        r.rdata_off = off + 10;
        if (r.rdata_off + r.rdlen > len)
            return -1;
        off = r.rdata_off + r.rdlen;
        if (cls == DNS_CLASS_IN)
            rrs[n++] = r;
    }
    *nrr = n;
    return 0;
}

/* Follow CNAMEs from the question name; then take the A records of the
 * final name. Order of records in the message does not matter. */
static void resolve_chain(const uint8_t *p, uint32_t len, const rr_t *rrs,
                          unsigned n, const char *qname,
                          net_dns_answer_t *out)
{
    char target[256], buf[256];
    uint32_t ttl = UINT32_MAX;
    size_t qn = strlen(qname);
    if (qn && qname[qn - 1] == '.')
        qn--;
    if (qn > 255)
        return;
    for (size_t i = 0; i < qn; i++)
        target[i] = lower(qname[i]);
    target[qn] = 0;
    for (int hop = 0; hop < DNS_MAX_CHAIN; hop++) {
        int moved = 0;
        for (unsigned i = 0; i < n && !moved; i++) {
            uint32_t off = rrs[i].name_off, roff = rrs[i].rdata_off;
            if (rrs[i].type != DNS_TYPE_CNAME ||
                read_name(p, len, &off, buf) != 0 || !name_eq(buf, target) ||
                read_name(p, len, &roff, buf) != 0)
                continue;
            memcpy(target, buf, strlen(buf) + 1);
            ttl = rrs[i].ttl < ttl ? rrs[i].ttl : ttl;
            moved = 1;
        }
        if (!moved)
            break;
    }
    for (unsigned i = 0; i < n && out->count < NET_DNS_MAX_ADDRS; i++) {
        uint32_t off = rrs[i].name_off;
        if (rrs[i].type != DNS_TYPE_A || rrs[i].rdlen != 4 ||
            read_name(p, len, &off, buf) != 0 || !name_eq(buf, target))
            continue;
        out->addrs[out->count++] = net_get32(p + rrs[i].rdata_off);
        ttl = rrs[i].ttl < ttl ? rrs[i].ttl : ttl;
    }
    /* RFC 2181 8: a TTL with the top bit set means zero. */
    out->ttl = out->count ? (ttl & 0x80000000u ? 0 : ttl) : 0;
}

int net_dns_parse(const uint8_t *p, uint32_t len, uint16_t id,
                  const char *name, net_dns_answer_t *out)
{
    memset(out, 0, sizeof *out);
    if (len < DNS_HLEN || net_get16(p) != id)
        return -1;
    uint16_t flags = net_get16(p + 2);
    if (!(flags & 0x8000) || ((flags >> 11) & 15) != 0)
        return -1;
    uint32_t off = check_question(p, len, name);
    if (!off)
        return -1;
    out->rcode = flags & 15;
    out->truncated = (flags & 0x0200) != 0;
    if (out->rcode || out->truncated)
        return 0;
    rr_t rrs[DNS_MAX_RRS];
    unsigned n;
    if (collect(p, len, off, rrs, &n) != 0)
        return -1;
    resolve_chain(p, len, rrs, n, name, out);
    return 0;
}
