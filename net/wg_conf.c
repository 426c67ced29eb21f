/* net: the wg(8) configuration parser (see wg_conf.h). */
#include "net/wg_conf.h"
#include "crypto/x25519.h"
#include "lib/kstring.h"
#include "mote/printk.h"
#include "net/config.h"

/* ---- the line parser ---- */

typedef struct cursor {
    const char *s, *end; /* the value being parsed */
} cursor_t;

enum section { SEC_NONE, SEC_IFACE, SEC_PEER };

typedef struct pstate {
    wg_conf_t *c;
    enum section sec;
    int have_priv, have_addr, have_pub;
    unsigned line;
    char *why;
    size_t whylen;
} pstate_t;

static kerr_t fail(pstate_t *p, const char *msg)
{
    ksnprintf(p->why, p->whylen, "line %u: %s", p->line, msg);
    return KERR_INVALID;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

static bool key_is(const char *s, const char *e, const char *name)
{
    size_t n = strlen(name);
    if ((size_t)(e - s) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

/* Decimal 0..max in [s, e); -1 if not. */
static long parse_num(const char *s, const char *e, long max)
{
    long v = 0;
    if (s == e || e - s > 6)
        return -1;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v <= max ? v : -1;
}

/* "a.b.c.d/n" (n required unless (host)) in [s, e). */
static int parse_cidr(const char *s, const char *e, uint32_t *ip,
                      unsigned *prefix)
{
    const char *slash = s;
    while (slash < e && *slash != '/')
        slash++;
    if (net_parse_ip(s, slash, ip) != 0)
        return -1;
    if (slash == e) {
        *prefix = 32;
        return 0;
    }
    long n = parse_num(slash + 1, e, 32);
    if (n < 0)
        return -1;
    *prefix = (unsigned)n;
    return 0;
}

static kerr_t iface_key(pstate_t *p, const char *k, const char *ke,
                        const char *v, const char *ve)
{
    wg_conf_t *c = p->c;
    if (key_is(k, ke, "PrivateKey")) {
        if (wg_base64_key_decode(v, (size_t)(ve - v), c->priv) != 0)
            return fail(p, "PrivateKey is not a base64 32-byte key");
        p->have_priv = 1;
    } else if (key_is(k, ke, "ListenPort")) {
        long n = parse_num(v, ve, 65535);
        if (n <= 0)
            return fail(p, "ListenPort must be 1..65535");
        c->listen_port = (uint16_t)n;
    } else if (key_is(k, ke, "Address")) {
        unsigned prefix;
        if (p->have_addr)
            return fail(p, "only one IPv4 Address is supported");
        if (parse_cidr(v, ve, &c->ip, &prefix) != 0 || !c->ip)
            return fail(p, "Address must be an IPv4 a.b.c.d/prefix");
        c->mask = net_prefix_mask(prefix);
        p->have_addr = 1;
    } else if (key_is(k, ke, "DNS") || key_is(k, ke, "MTU") ||
               key_is(k, ke, "Table") || key_is(k, ke, "FwMark") ||
               key_is(k, ke, "SaveConfig") || key_is(k, ke, "PreUp") ||
               key_is(k, ke, "PostUp") || key_is(k, ke, "PreDown") ||
               key_is(k, ke, "PostDown")) {
        /* wg-quick's host-side settings: nothing to do here. */
    } else {
        return fail(p, "unknown key in [Interface]");
    }
    return KERR_OK;
}

static kerr_t add_allowed(pstate_t *p, const char *v, const char *ve)
{
    wg_conf_t *c = p->c;
    while (v < ve) {
        const char *comma = v;
        while (comma < ve && *comma != ',')
            comma++;
        const char *s = v, *e = comma;
        trim(&s, &e);
        v = comma < ve ? comma + 1 : comma;
        if (s == e)
            continue;
        uint32_t ip;
        unsigned prefix;
        if (parse_cidr(s, e, &ip, &prefix) != 0)
            return fail(p, "AllowedIPs entry is not IPv4 a.b.c.d/prefix");
        if (c->nallowed == WG_MAX_ALLOWED)
            return fail(p, "too many AllowedIPs entries");
        wg_allowed_t *a = &c->allowed[c->nallowed++];
        a->mask = net_prefix_mask(prefix);
        a->ip = ip & a->mask;
        a->prefix = (uint8_t)prefix;
        a->peer = (uint8_t)(c->npeers - 1);
    }
    return KERR_OK;
}

static kerr_t peer_key(pstate_t *p, const char *k, const char *ke,
                       const char *v, const char *ve)
{
    wg_conf_peer_t *pe = &p->c->peers[p->c->npeers - 1];
    if (key_is(k, ke, "PublicKey")) {
        if (wg_base64_key_decode(v, (size_t)(ve - v), pe->pub) != 0)
            return fail(p, "PublicKey is not a base64 32-byte key");
        p->have_pub = 1;
    } else if (key_is(k, ke, "PresharedKey")) {
        if (wg_base64_key_decode(v, (size_t)(ve - v), pe->psk) != 0)
            return fail(p, "PresharedKey is not a base64 32-byte key");
    } else if (key_is(k, ke, "Endpoint")) {
        const char *colon = ve;
        while (colon > v && colon[-1] != ':')
            colon--;
        if (colon == v)
            return fail(p, "Endpoint must be a.b.c.d:port");
        long port = parse_num(colon, ve, 65535);
        if (net_parse_ip(v, colon - 1, &pe->endpoint_ip) != 0 || port <= 0)
            return fail(p, "Endpoint must be an IPv4 a.b.c.d:port (no DNS names)");
        pe->endpoint_port = (uint16_t)port;
    } else if (key_is(k, ke, "AllowedIPs")) {
        return add_allowed(p, v, ve);
    } else if (key_is(k, ke, "PersistentKeepalive")) {
        if (key_is(v, ve, "off")) {
            pe->keepalive = 0;
            return KERR_OK;
        }
        long n = parse_num(v, ve, 65535);
        if (n < 0)
            return fail(p, "PersistentKeepalive must be 0..65535 or off");
        pe->keepalive = (uint16_t)n;
    } else {
        return fail(p, "unknown key in [Peer]");
    }
    return KERR_OK;
}

/* The previous [Peer] section is complete: check it. */
static kerr_t peer_done(pstate_t *p)
{
    if (p->sec != SEC_PEER)
        return KERR_OK;
    if (!p->have_pub)
        return fail(p, "[Peer] without PublicKey");
    wg_conf_t *c = p->c;
    const uint8_t *pub = c->peers[c->npeers - 1].pub;
    for (unsigned i = 0; i + 1 < c->npeers; i++)
        if (memcmp(c->peers[i].pub, pub, WG_KEY_LEN) == 0)
            return fail(p, "the same PublicKey in two [Peer] sections");
    return KERR_OK;
}

static kerr_t section(pstate_t *p, const char *s, const char *e)
{
    kerr_t err = peer_done(p);
    if (err)
        return err;
    if (key_is(s, e, "[Interface]")) {
        if (p->sec != SEC_NONE)
            return fail(p, "[Interface] must come first, once");
        p->sec = SEC_IFACE;
    } else if (key_is(s, e, "[Peer]")) {
        if (p->sec == SEC_NONE)
            return fail(p, "[Peer] before [Interface]");
        if (p->c->npeers == WG_MAX_PEERS)
            return fail(p, "too many peers");
        p->c->npeers++;
        p->sec = SEC_PEER;
        p->have_pub = 0;
    } else {
        return fail(p, "unknown section");
    }
    return KERR_OK;
}

static kerr_t one_line(pstate_t *p, const char *s, const char *e)
{
    const char *hash = s;
    while (hash < e && *hash != '#')
        hash++;
    e = hash;
    trim(&s, &e);
    if (s == e)
        return KERR_OK;
    if (*s == '[')
        return section(p, s, e);
    const char *eq = s;
    while (eq < e && *eq != '=')
        eq++;
    if (eq == e)
        return fail(p, "expected Key = Value");
    const char *k = s, *ke = eq, *v = eq + 1, *ve = e;
    trim(&k, &ke);
    trim(&v, &ve);
    if (p->sec == SEC_IFACE)
        return iface_key(p, k, ke, v, ve);
    if (p->sec == SEC_PEER)
        return peer_key(p, k, ke, v, ve);
    return fail(p, "key outside a section");
}

kerr_t wg_conf_parse(const char *text, size_t len, wg_conf_t *c, char *why,
                     size_t whylen)
{
    pstate_t p = {c, SEC_NONE, 0, 0, 0, 1, why, whylen};
    memset(c, 0, sizeof *c);
    c->listen_port = WG_DEFAULT_PORT;
    const char *s = text, *end = text + len;
    while (s < end) {
        const char *e = s;
        while (e < end && *e != '\n' && *e != ';' && *e)
            e++;
        if (e < end && *e == 0)
            return fail(&p, "NUL byte in configuration");
        kerr_t err = one_line(&p, s, e);
        if (err)
            return err;
        s = e < end ? e + 1 : e;
        p.line++;
    }
    p.line--;
    kerr_t err = peer_done(&p);
    if (err)
        return err;
    if (p.sec == SEC_NONE)
        return fail(&p, "no [Interface] section");
    if (!p.have_priv)
        return fail(&p, "[Interface] has no PrivateKey");
    if (!p.have_addr)
        return fail(&p, "[Interface] has no Address");
    if (!c->npeers)
        return fail(&p, "no [Peer] section");
    uint8_t pub[WG_KEY_LEN];
    x25519_base(pub, c->priv);
    for (unsigned i = 0; i < c->npeers; i++)
        if (memcmp(c->peers[i].pub, pub, WG_KEY_LEN) == 0)
            return fail(&p, "a [Peer] has our own PublicKey");
    return KERR_OK;
}
