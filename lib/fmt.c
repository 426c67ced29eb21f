/* kvsnprintf: the printf subset of mote/printk.h, into a bounded buffer.
 *
 * No allocation, no floating point, no locale. Output past the buffer is
 * counted but not stored, so the return value is the full length, as in C.
 */
#include <stdint.h>
#include "mote/printk.h"

typedef struct out {
    char *buf;
    size_t size, len;
} out_t;

typedef struct spec {
    int left, zero, plus, space, alt;
    int width, prec; /* prec < 0: none */
    int size;        /* 0 int, 1 long, 2 long long, 3 size_t/ptrdiff/intmax, -1 short, -2 char */
} spec_t;

static void put(out_t *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(out_t *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(out_t *o, const spec_t *sp, const char *s)
{
    if (!s)
        s = "(null)";
    int n = 0;
    while (s[n] && (sp->prec < 0 || n < sp->prec))
        n++;
    if (!sp->left)
        pad(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - n);
}

/* One integer conversion: (v) is the magnitude, (neg) its sign. */
static void put_int(out_t *o, const spec_t *sp, uint64_t v, int neg,
                    unsigned base, int upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (sp->prec == 0 && n == 1 && tmp[0] == '0')
        n = 0;
    char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    int plen = 0;
    while (prefix[plen])
        plen++;
    int zeros = sp->prec > n ? sp->prec - n : 0;
    int body = n + zeros + plen + (sign != 0);
    int fill = sp->width > body ? sp->width - body : 0;
    if (sp->zero && !sp->left && sp->prec < 0) {
        zeros += fill;
        fill = 0;
    }
    if (!sp->left)
        pad(o, ' ', fill);
    if (sign)
        put(o, sign);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', fill);
}

static const char *parse_spec(const char *f, spec_t *sp, va_list *ap)
{
    for (;; f++) {
        if (*f == '-') sp->left = 1;
        else if (*f == '0') sp->zero = 1;
        else if (*f == '+') sp->plus = 1;
        else if (*f == ' ') sp->space = 1;
        else if (*f == '#') sp->alt = 1;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = 1;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    sp->prec = -1;
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->prec = sp->prec * 10 + (*f++ - '0');
        }
    }
    for (;; f++) {
        if (*f == 'h') sp->size = sp->size == -1 ? -2 : -1;
        else if (*f == 'l') sp->size = sp->size == 1 ? 2 : 1;
        else if (*f == 'z' || *f == 'j' || *f == 't') sp->size = 3;
        else break;
    }
    return f;
}

static int64_t arg_signed(const spec_t *sp, va_list *ap)
{
    switch (sp->size) {
    case -2: return (signed char)va_arg(*ap, int);
    case -1: return (short)va_arg(*ap, int);
    case 1: return va_arg(*ap, long);
    case 2: return va_arg(*ap, long long);
    case 3: return (int64_t)va_arg(*ap, intptr_t); /* ssize_t/ptrdiff_t */
    default: return va_arg(*ap, int);
    }
}

static uint64_t arg_unsigned(const spec_t *sp, va_list *ap)
{
    switch (sp->size) {
    case -2: return (unsigned char)va_arg(*ap, unsigned);
    case -1: return (unsigned short)va_arg(*ap, unsigned);
    case 1: return va_arg(*ap, unsigned long);
    case 2: return va_arg(*ap, unsigned long long);
    case 3: return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned);
    }
}

static void convert(out_t *o, spec_t *sp, char c, va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = arg_signed(sp, ap);
        uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        put_int(o, sp, mag, v < 0, 10, 0, "");
        break;
    }
    case 'u': put_int(o, sp, arg_unsigned(sp, ap), 0, 10, 0, ""); break;
    case 'o': put_int(o, sp, arg_unsigned(sp, ap), 0, 8, 0, sp->alt ? "0" : ""); break;
    case 'x': put_int(o, sp, arg_unsigned(sp, ap), 0, 16, 0, sp->alt ? "0x" : ""); break;
    case 'X': put_int(o, sp, arg_unsigned(sp, ap), 0, 16, 1, sp->alt ? "0X" : ""); break;
    case 'p':
        put_int(o, sp, (uintptr_t)va_arg(*ap, void *), 0, 16, 0, "0x");
        break;
    case 'c': {
        char s[2] = {(char)va_arg(*ap, int), 0};
        sp->prec = 1;
        put_str(o, sp, s);
        break;
    }
    case 's': put_str(o, sp, va_arg(*ap, const char *)); break;
    case '%': put(o, '%'); break;
    default: /* unknown conversion: show it rather than guess */
        put(o, '%');
        if (c)
            put(o, c);
    }
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    out_t o = {buf, size, 0};
    va_list aq;
    va_copy(aq, ap);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        spec_t sp = {0};
        f = parse_spec(f + 1, &sp, &aq);
        convert(&o, &sp, *f, &aq);
        if (!*f)
            break;
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
