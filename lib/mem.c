/* Bare-metal memcpy & co (hosted uses the C library's). Word-at-a-time
 * copies when both pointers share alignment; the compiler may not turn
 * these loops back into calls to themselves because lib/ is built with
 * -ffreestanding (which implies -fno-builtin). */
#include <stdint.h>
#include "lib/kstring.h"

typedef uintptr_t word_t;
#define WSIZE sizeof(word_t)
/* A word type that may alias anything, for the aligned fast path. */
typedef word_t __attribute__((may_alias)) aword_t;

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & (WSIZE - 1)) == 0) {
        for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
            *(aword_t *)(void *)d = *(const aword_t *)(const void *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n && ((uintptr_t)d & (WSIZE - 1))) {
        *d++ = (unsigned char)c;
        n--;
    }
    word_t w = (word_t)-1 / 255 * (unsigned char)c;
    for (; n >= WSIZE; n -= WSIZE, d += WSIZE)
        *(aword_t *)(void *)d = w;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}
