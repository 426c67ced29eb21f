/* httpd: the HTTP/1.1 request parser (see http_parse.h).
 *
 * Lines end with LF; a CR right before it is dropped (RFC 9112 2.2 lets a
 * recipient accept a bare LF). Anything else ambiguous is refused rather
 * than guessed at, since a server and a proxy that guess differently are
 * how request smuggling happens: obs-fold, whitespace before a field's
 * colon, Content-Length together with Transfer-Encoding, repeated
 * Content-Length values that disagree.
 */
#include "apps/httpd/http_parse.h"
#include "lib/kstring.h"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive (a, n) == NUL-terminated (b). */
static int ieq(const char *a, uint32_t n, const char *b)
{
    uint32_t i = 0;
    for (; i < n && b[i]; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return i == n && !b[i];
}

/* RFC 9110 5.6.2 token characters. */
static int tchar(int c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return 1;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return 1;
    default: return 0;
    }
}

uint32_t http_head_end(const char *buf, uint32_t len, uint32_t *scan)
{
    uint32_t i = *scan;
    if (i == 0) {
        /* Skip the empty lines some clients send before a request; (*scan)
         * stays 0 until the request's first byte is here. */
        while (i < len && (buf[i] == '\r' || buf[i] == '\n'))
            i++;
        if (i == len)
            return 0;
        i++;
    }
    for (; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        /* A line ends at i; the head ends if that line is empty. Looking
         * back never reaches the skipped prefix: buf[i - 1] or buf[i - 2]
         * is at or after the request's first (non-blank) byte. */
        uint32_t j = i;
        if (buf[j - 1] == '\r')
            j--;
        if (buf[j - 1] == '\n') {
            *scan = i + 1;
            return i + 1;
        }
    }
    *scan = len; /* every byte before len is checked (the test looks back) */
    return 0;
}

/* The next line of (buf, end) from (*pos): its start and length without the
 * line end; *pos moves past it. 0 if none is left. */
static int next_line(const char *buf, uint32_t end, uint32_t *pos,
                     const char **line, uint32_t *n)
{
    uint32_t i = *pos;
    if (i >= end)
        return 0;
    uint32_t s = i;
    while (i < end && buf[i] != '\n')
        i++;
    if (i >= end)
        return 0;
    *line = buf + s;
    *n = i - s;
    if (*n && buf[i - 1] == '\r')
        (*n)--;
    *pos = i + 1;
    return 1;
}

static int method_of(const char *m, uint32_t n)
{
    static const struct {
        const char *name;
        int m;
    } ms[] = {
        {"GET", HTTP_M_GET},   {"HEAD", HTTP_M_HEAD},     {"PUT", HTTP_M_PUT},
        {"POST", HTTP_M_POST}, {"DELETE", HTTP_M_DELETE},
    };
    for (unsigned i = 0; i < sizeof ms / sizeof ms[0]; i++)
        if (n == strlen(ms[i].name) && !memcmp(m, ms[i].name, n))
            return ms[i].m;
    return HTTP_M_OTHER;
}

/* "METHOD SP target SP HTTP/1.x" */
static int parse_request_line(const char *l, uint32_t n, http_req_t *r)
{
    uint32_t i = 0;
    while (i < n && tchar((unsigned char)l[i]))
        i++;
    if (i == 0 || i >= n || l[i] != ' ')
        return 400;
    r->method = method_of(l, i);
    uint32_t t = ++i;
    while (i < n && (unsigned char)l[i] > 0x20 && (unsigned char)l[i] < 0x7f)
        i++;
    if (i == t || i >= n || l[i] != ' ')
        return 400;
    r->target = l + t;
    r->target_len = i - t;
    if (r->target[0] != '/')
        return 400; /* origin-form only: this server is no proxy */
    r->path = r->target;
    r->path_len = r->target_len;
    for (uint32_t k = 0; k < r->target_len; k++)
        if (r->target[k] == '?') {
            r->path_len = k;
            r->query = r->target + k + 1;
            r->query_len = r->target_len - k - 1;
            break;
        }
    const char *v = l + i + 1;
    uint32_t vn = n - i - 1;
    if (vn != 8 || memcmp(v, "HTTP/", 5) || v[6] != '.' || v[5] < '0' ||
        v[5] > '9' || v[7] < '0' || v[7] > '9')
        return 400;
    if (v[5] != '1')
        return 505;
    r->minor = v[7] - '0';
    r->keep_alive = r->minor >= 1;
    return 0;
}

/* Digits only, no overflow past 2^53. */
static int parse_length(const char *v, uint32_t n, uint64_t *out)
{
    uint64_t x = 0;
    if (n == 0 || n > 15)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return 0;
}

/* Each comma-separated element of (v, n), trimmed, to (fn). */
static void each_token(const char *v, uint32_t n,
                       void (*fn)(const char *, uint32_t, void *), void *arg)
{
    uint32_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        uint32_t s = i;
        while (i < n && v[i] != ',')
            i++;
        uint32_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e > s)
            fn(v + s, e - s, arg);
    }
}

static void conn_token(const char *t, uint32_t n, void *arg)
{
    http_req_t *r = arg;
    if (ieq(t, n, "close"))
        r->keep_alive = 0;
    else if (ieq(t, n, "keep-alive") && r->minor == 0)
        r->keep_alive = 1;
}

typedef struct te_state {
    uint32_t count, chunked_last;
} te_state_t;

static void te_token(const char *t, uint32_t n, void *arg)
{
    te_state_t *s = arg;
    s->count++;
    s->chunked_last = ieq(t, n, "chunked");
}

typedef struct head_state {
    int hosts, te_seen;
    te_state_t te;
} head_state_t;

static int field(http_req_t *r, head_state_t *hs, const char *name, uint32_t nn,
                 const char *v, uint32_t vn)
{
    if (ieq(name, nn, "host")) {
        hs->hosts++;
    } else if (ieq(name, nn, "content-length")) {
        uint64_t x;
        if (parse_length(v, vn, &x) < 0)
            return 400;
        if (r->has_length && x != r->content_length)
            return 400;
        r->has_length = 1;
        r->content_length = x;
    } else if (ieq(name, nn, "transfer-encoding")) {
        hs->te_seen = 1;
        each_token(v, vn, te_token, &hs->te);
    } else if (ieq(name, nn, "connection")) {
        each_token(v, vn, conn_token, r);
    } else if (ieq(name, nn, "expect")) {
        if (ieq(v, vn, "100-continue"))
            r->expect_continue = 1;
    }
    return 0;
}

static int parse_field_line(http_req_t *r, head_state_t *hs, const char *l,
                            uint32_t n)
{
    uint32_t i = 0;
    while (i < n && tchar((unsigned char)l[i]))
        i++;
    if (i == 0 || i >= n || l[i] != ':')
        return 400; /* also: obs-fold, space before the colon */
    uint32_t nn = i++;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    uint32_t e = n;
    while (e > i && (l[e - 1] == ' ' || l[e - 1] == '\t'))
        e--;
    for (uint32_t k = i; k < e; k++) {
        unsigned char c = (unsigned char)l[k];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 400;
    }
    return field(r, hs, l, nn, l + i, e - i);
}

int http_parse_head(const char *buf, uint32_t len, http_req_t *r)
{
    memset(r, 0, sizeof *r);
    uint32_t pos = 0;
    while (pos < len && (buf[pos] == '\r' || buf[pos] == '\n'))
        pos++;
    const char *l;
    uint32_t n;
    if (!next_line(buf, len, &pos, &l, &n))
        return 400;
    int st = parse_request_line(l, n, r);
    if (st)
        return st;
    head_state_t hs = {0};
    while (next_line(buf, len, &pos, &l, &n) && n) {
        if (++r->nheaders > HTTP_MAX_HEADERS)
            return 431;
        st = parse_field_line(r, &hs, l, n);
        if (st)
            return st;
    }
    if (r->minor >= 1 && hs.hosts != 1)
        return 400;
    if (hs.hosts > 1)
        return 400;
    if (hs.te_seen) {
        if (r->has_length)
            return 400;
        /* Chunked must be the final coding, or the length is unknowable
         * (RFC 9112 6.3); any other coding we do not implement. */
        if (!hs.te.chunked_last)
            return 400;
        if (hs.te.count != 1)
            return 501;
        r->chunked = 1;
    }
    return 0;
}

/* ---- chunked bodies ---------------------------------------------------- */

enum {
    CH_SIZE = 0, /* hex digits */
    CH_EXT,      /* after the size: extensions up to LF */
    CH_DATA,
    CH_DATA_CR, /* expecting CR or LF after the data */
    CH_DATA_LF, /* CR seen, expecting LF */
    CH_TRAILER, /* at the start of a trailer line */
    CH_TRAILER_LINE,
    CH_DONE,
};

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One byte of chunk framing (not data). 0 to go on, or 400. */
static int frame_byte(http_chunked_t *c, int b)
{
    switch (c->state) {
    case CH_SIZE: {
        int h = hexval(b);
        if (h >= 0) {
            if (++c->digits > 15)
                return 400;
            c->left = c->left * 16 + (uint64_t)h;
            return 0;
        }
        if (!c->digits ||
            (b != ';' && b != ' ' && b != '\t' && b != '\r' && b != '\n'))
            return 400;
        c->state = CH_EXT;
        c->ext = 0;
    } /* this byte starts the extension part */
    /* FALLTHRU */
    case CH_EXT:
        if (b == '\n') {
            c->state = c->left ? CH_DATA : CH_TRAILER;
            c->trailer = 0;
            return 0;
        }
        if (++c->ext > HTTP_MAX_CHUNK_EXT ||
            (b != '\r' && b != ';' && b != ' ' && b != '\t' && b != '=' &&
             b != '"' && !tchar(b)))
            return 400;
        return 0;
    case CH_DATA_CR:
        if (b == '\r') {
            c->state = CH_DATA_LF;
            return 0;
        }
    /* FALLTHRU */
    case CH_DATA_LF:
        if (b != '\n')
            return 400;
        c->state = CH_SIZE;
        c->digits = 0;
        c->left = 0;
        return 0;
    case CH_TRAILER:
        if (b == '\n') {
            c->state = CH_DONE;
            return 0;
        }
        if (b == '\r')
            return 0; /* the CR of the final empty line (or a stray one) */
        c->state = CH_TRAILER_LINE;
    /* FALLTHRU */
    case CH_TRAILER_LINE:
        if (++c->trailer > HTTP_MAX_TRAILER ||
            ((unsigned char)b < 0x20 && b != '\t' && b != '\r' && b != '\n'))
            return 400;
        if (b == '\n')
            c->state = CH_TRAILER;
        return 0;
    default: return 400;
    }
}

int http_chunked_decode(http_chunked_t *c, char *buf, uint32_t len,
                        uint32_t *in, uint32_t *out)
{
    uint32_t i = *in, o = *out;
    while (i < len && c->state != CH_DONE) {
        if (c->state == CH_DATA) {
            uint32_t n = len - i;
            if (n > c->left)
                n = (uint32_t)c->left;
            if (o != i)
                memmove(buf + o, buf + i, n);
            i += n;
            o += n;
            c->left -= n;
            if (!c->left)
                c->state = CH_DATA_CR;
            continue;
        }
        if (frame_byte(c, (unsigned char)buf[i++])) {
            *in = i;
            *out = o;
            return 400;
        }
    }
    *in = i;
    *out = o;
    return c->state == CH_DONE ? HTTP_CHUNK_DONE : HTTP_CHUNK_MORE;
}

/* ---- URLs -------------------------------------------------------------- */

int http_pct_decode(const char *s, uint32_t n, char *out, uint32_t cap,
                    int plus)
{
    uint32_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        int ch = (unsigned char)s[i];
        if (ch == '%') {
            if (n - i < 3)
                return -1;
            int hi = hexval((unsigned char)s[i + 1]);
            int lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            ch = hi * 16 + lo;
            i += 2;
        } else if (ch == '+' && plus) {
            ch = ' ';
        }
        if (o >= cap)
            return -1;
        out[o++] = (char)ch;
    }
    return (int)o;
}

const char *http_query_get(const char *q, uint32_t qn, const char *name,
                           uint32_t *vn)
{
    uint32_t nl = (uint32_t)strlen(name), i = 0;
    while (q && i < qn) {
        uint32_t s = i;
        while (i < qn && q[i] != '&')
            i++;
        /* The pair is q[s..i). */
        if (i - s >= nl && !memcmp(q + s, name, nl) &&
            (i - s == nl || q[s + nl] == '=')) {
            uint32_t v = s + nl + (i - s > nl);
            *vn = i - v;
            return q + v;
        }
        i++;
    }
    return NULL;
}
