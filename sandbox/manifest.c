/* The manifest parser; the format is in manifest.h. One line at a time:
 * split into words, then one small function per keyword. */
#include "lib/kstring.h"
#include "mote/kcap.h"
#include "mote/printk.h"
#include "sandbox/manifest.h"

#define MAX_WORDS 24

typedef struct parse {
    sbx_manifest_t *m;
    sbx_instance_cfg_t *cur;
    char *words[MAX_WORDS];
    int nwords, line;
    char *err;
    uint32_t errlen;
} parse_t;

static kerr_t fail(parse_t *p, const char *what)
{
    ksnprintf(p->err, p->errlen, "line %d: %s", p->line, what);
    return KERR_INVALID;
}

static int split(parse_t *p, char *line)
{
    char *hash = line;
    while (*hash && *hash != '#')
        hash++;
    *hash = 0;
    p->nwords = 0;
    for (char *s = line; *s;) {
        while (*s == ' ' || *s == '\t' || *s == '\r')
            *s++ = 0;
        if (!*s)
            break;
        if (p->nwords == MAX_WORDS)
            return -1;
        p->words[p->nwords++] = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\r')
            s++;
    }
    return 0;
}

static int number(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static int rights(const char *s, uint32_t *out)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } names[] = {{"read", KCAP_READ},         {"write", KCAP_WRITE},
                 {"send", KCAP_SEND},         {"receive", KCAP_RECEIVE},
                 {"dup", KCAP_DUPLICATE},     {"transfer", KCAP_TRANSFER},
                 {"accept", KCAP_ACCEPT},     {"all", KCAP_ALL}};
    uint32_t r = 0;
    while (*s) {
        const char *e = s;
        while (*e && *e != ',')
            e++;
        size_t n = (size_t)(e - s);
        unsigned i;
        for (i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].name) == n && !strncmp(s, names[i].name, n))
                break;
        if (i == sizeof names / sizeof names[0])
            return -1;
        r |= names[i].bit;
        s = *e ? e + 1 : e;
    }
    *out = r;
    return 0;
}

/* "grant KIND ARGS... RIGHTS [as NAME]" */
static kerr_t do_grant(parse_t *p)
{
    static const struct {
        const char *kind;
        sbx_grant_kind_t k;
        int nargs;
    } kinds[] = {{"udp", SBX_GRANT_UDP, 1},  {"chan", SBX_GRANT_CHAN, 1},
                 {"blk", SBX_GRANT_BLK, 2},  {"kv", SBX_GRANT_KV, 1},
                 {"timer", SBX_GRANT_TIMER, 0}, {"tcp", SBX_GRANT_TCP, 1}};
    if (p->nwords < 2)
        return fail(p, "grant needs a kind");
    if (p->cur->ngrants == SBX_MAX_GRANTS)
        return fail(p, "too many grants");
    unsigned i = 0;
    while (i < sizeof kinds / sizeof kinds[0] && strcmp(kinds[i].kind, p->words[1]))
        i++;
    if (i == sizeof kinds / sizeof kinds[0])
        return fail(p, "unknown grant kind");
    int n = kinds[i].nargs, want = 3 + n;
    if (p->nwords != want && !(p->nwords == want + 2 && !strcmp(p->words[want], "as")))
        return fail(p, "grant: wrong number of words");
    sbx_grant_t *g = &p->cur->grants[p->cur->ngrants];
    memset(g, 0, sizeof *g);
    g->kind = kinds[i].k;
    g->name = p->nwords == want + 2 ? p->words[want + 1] : kinds[i].kind;
    if (rights(p->words[2 + n], &g->rights))
        return fail(p, "unknown right");
    if (g->kind == SBX_GRANT_UDP && !strncmp(p->words[2], "wg:", 3)) {
        g->b = 1; /* tunnel-only: sandbox/objects.c */
        if (number(p->words[2] + 3, &g->a))
            return fail(p, "grant: not a number");
    } else if (g->kind == SBX_GRANT_CHAN || g->kind == SBX_GRANT_KV) {
        g->target = p->words[2];
    } else if (n >= 1 && number(p->words[2], &g->a)) {
        return fail(p, "grant: not a number");
    } else if (n == 2 && number(p->words[3], &g->b)) {
        return fail(p, "grant: not a number");
    }
    if (g->kind == SBX_GRANT_UDP && (g->a == 0 || g->a > 65535))
        return fail(p, "udp port out of range");
    if (g->kind == SBX_GRANT_TCP && (g->a == 0 || g->a > 65535))
        return fail(p, "tcp port out of range");
    p->cur->ngrants++;
    return KERR_OK;
}

static kerr_t do_instance(parse_t *p)
{
    if (p->nwords != 2)
        return fail(p, "instance NAME");
    if (p->m->ninst == SBX_MAX_INSTANCES)
        return fail(p, "too many instances");
    p->cur = &p->m->inst[p->m->ninst++];
    memset(p->cur, 0, sizeof *p->cur);
    p->cur->name = p->words[1];
    p->cur->memory_pages = 16;
    p->cur->slots = 16;
    p->cur->fuel = 10000000;
    return KERR_OK;
}

static kerr_t do_setting(parse_t *p)
{
    const char *k = p->words[0];
    sbx_instance_cfg_t *c = p->cur;
    uint64_t v = 0;
    if (!strcmp(k, "module") && p->nwords == 2) {
        c->module = p->words[1];
    } else if (!strcmp(k, "args")) {
        for (int i = 1; i < p->nwords; i++) {
            if (c->nargs == SBX_MAX_ARGS)
                return fail(p, "too many args");
            c->args[c->nargs++] = p->words[i];
        }
    } else if (!strcmp(k, "env") && p->nwords == 2) {
        if (c->nenv == SBX_MAX_ENV)
            return fail(p, "too many env");
        c->env[c->nenv++] = p->words[1];
    } else if (!strcmp(k, "memory") && p->nwords == 2 && !strcmp(p->words[1], "auto")) {
        c->memory_pages = SBX_MEMORY_AUTO;
    } else if (p->nwords == 2 && !number(p->words[1], &v) &&
               (!strcmp(k, "memory") || !strcmp(k, "fuel") || !strcmp(k, "slots"))) {
        if (k[0] == 'm' && (v == 0 || v > 65536))
            return fail(p, "memory pages out of range");
        if (k[0] == 's' && (v == 0 || v > 256))
            return fail(p, "slots out of range");
        if (k[0] == 'm')
            c->memory_pages = (uint32_t)v;
        else if (k[0] == 's')
            c->slots = (uint32_t)v;
        else
            c->fuel = v;
    } else {
        return fail(p, "unknown or malformed setting");
    }
    return KERR_OK;
}

static kerr_t do_line(parse_t *p)
{
    const char *k = p->words[0];
    if (!strcmp(k, "instance"))
        return do_instance(p);
    if (!strcmp(k, "channel")) {
        if (p->nwords != 2 || p->m->nchan == SBX_MAX_CHANNELS)
            return fail(p, "channel NAME (at most 8)");
        p->m->chan[p->m->nchan++] = p->words[1];
        return KERR_OK;
    }
    if (!p->cur)
        return fail(p, "setting outside an instance");
    if (!strcmp(k, "grant"))
        return do_grant(p);
    return do_setting(p);
}

/* Every channel end a grant names must exist; every instance needs a
 * module. Checked after the whole text, so order does not matter. */
static kerr_t check(parse_t *p)
{
    for (uint32_t i = 0; i < p->m->ninst; i++) {
        sbx_instance_cfg_t *c = &p->m->inst[i];
        p->line = 0;
        if (!c->module)
            return fail(p, "an instance has no module");
        for (uint32_t g = 0; g < c->ngrants; g++) {
            if (c->grants[g].kind != SBX_GRANT_CHAN)
                continue;
            const char *t = c->grants[g].target;
            size_t n = strlen(t);
            uint32_t ch = 0;
            while (ch < p->m->nchan && !(n == strlen(p->m->chan[ch]) + 2 &&
                                         !strncmp(t, p->m->chan[ch], n - 2) &&
                                         t[n - 2] == '.' &&
                                         (t[n - 1] == 'a' || t[n - 1] == 'b')))
                ch++;
            if (ch == p->m->nchan)
                return fail(p, "grant names an undeclared channel end");
        }
    }
    if (!p->m->ninst)
        return fail(p, "no instance");
    return KERR_OK;
}

kerr_t sbx_manifest_parse(sbx_manifest_t *m, char *text, char *err,
                          uint32_t errlen)
{
    parse_t p = {.m = m, .err = err, .errlen = errlen};
    memset(m, 0, sizeof *m);
    char *line = text;
    while (line && *line) {
        char *nl = line;
        while (*nl && *nl != '\n')
            nl++;
        char *next = *nl ? nl + 1 : NULL;
        *nl = 0;
        p.line++;
        if (split(&p, line))
            return fail(&p, "too many words");
        if (p.nwords) {
            kerr_t e = do_line(&p);
            if (e)
                return e;
        }
        line = next;
    }
    return check(&p);
}
