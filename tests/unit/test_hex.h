/* Hex helpers for the crypto unit tests. */
#ifndef MOTE_TEST_HEX_H
#define MOTE_TEST_HEX_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Decode hex (h) into (out); returns the byte count. */
static inline size_t test_unhex(const char *h, uint8_t *out)
{
    size_t i = 0;
    for (; h[2 * i] && h[2 * i + 1]; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return i;
}

static inline void test_fill(uint8_t *p, size_t n, uint64_t (*rnd)(void))
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

#endif
