/* kvd's text protocol: split a datagram into its fields and check them. */
#include "apps/kvd/kvd.h"
#include "lib/kstring.h"

#define MAX_FIELDS 5

static int field_ok(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if ((unsigned char)p[i] <= ' ' || p[i] == 127)
            return 0;
    return n > 0;
}

static int word_is(const char *p, uint32_t n, const char *w)
{
    return n == strlen(w) && memcmp(p, w, n) == 0;
}

/* Split on single spaces; returns the number of fields, or -1 for an
 * empty field (two spaces in a row, or one at either end). */
static int split(const char *m, uint32_t len, const char **f, uint32_t *fl)
{
    int n = 0;
    uint32_t start = 0;
    for (uint32_t i = 0; i <= len; i++) {
        if (i < len && m[i] != ' ')
            continue;
        if (i == start)
            return -1;
        if (n == MAX_FIELDS)
            return MAX_FIELDS + 1;
        f[n] = m + start;
        fl[n++] = i - start;
        start = i + 1;
    }
    return n;
}

static int parse_count(const char *p, uint32_t n, uint32_t *out)
{
    uint32_t v = 0;
    if (n == 0 || n > 6)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (uint32_t)(p[i] - '0');
    }
    *out = v;
    return v > 0;
}

static int bad(kvd_cmd_t *c, const char *why)
{
    c->op = KVD_BAD;
    c->err = why;
    return 0;
}

static int has_eq(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] == '=')
            return 1;
    return 0;
}

static int parse_args(kvd_cmd_t *c, int n, const char **f, uint32_t *fl)
{
    int want = c->op == KVD_GET || c->op == KVD_DEL ? 3 : 4;
    if (n != want)
        return bad(c, n < want ? "missing field" : "too many fields");
    for (int i = 2; i < n; i++)
        if (!field_ok(f[i], fl[i]))
            return bad(c, "bad field");
    c->key = f[2];
    c->klen = fl[2];
    if (c->klen > 255 || has_eq(c->key, c->klen))
        return bad(c, "bad key");
    if (c->op == KVD_PUT) {
        c->val = f[3];
        c->vlen = fl[3];
    } else if (c->op == KVD_SCAN && !parse_count(f[3], fl[3], &c->count)) {
        return bad(c, "bad count");
    }
    return 1;
}

static int parse(const char *msg, uint32_t len, kvd_cmd_t *c)
{
    const char *f[MAX_FIELDS];
    uint32_t fl[MAX_FIELDS];
    memset(c, 0, sizeof *c);
    if (len && msg[len - 1] == '\n')
        len--;
    if (len && msg[len - 1] == '\r')
        len--;
    int n = split(msg, len, f, fl);
    if (n >= 1 && fl[0] <= KVD_MAX_ID && field_ok(f[0], fl[0])) {
        c->id = f[0];
        c->idlen = fl[0];
    }
    if (n < 0)
        return bad(c, "empty field");
    if (!c->id)
        return bad(c, "bad id");
    if (n < 2)
        return bad(c, "missing command");
    if (word_is(f[1], fl[1], "GET"))
        c->op = KVD_GET;
    else if (word_is(f[1], fl[1], "PUT"))
        c->op = KVD_PUT;
    else if (word_is(f[1], fl[1], "DEL"))
        c->op = KVD_DEL;
    else if (word_is(f[1], fl[1], "SCAN"))
        c->op = KVD_SCAN;
    else
        return bad(c, "unknown command");
    return parse_args(c, n, f, fl);
}

void kvd_parse(const char *msg, uint32_t len, kvd_cmd_t *c)
{
    (void)parse(msg, len, c);
}
