/* net: WireGuard keys in base64 (see wg_base64.h). Freestanding, with no
 * other dependency, so tools/wg-keys links the same code on the host. */
#include "net/wg_base64.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char ch)
{
    for (int i = 0; i < 64; i++)
        if (b64[i] == ch)
            return i;
    return -1;
}

int wg_base64_key_decode(const char *s, size_t len, uint8_t out[WG_KEY_LEN])
{
    if (len != 44 || s[43] != '=')
        return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < 43; i++) {
        int v = b64_val(s[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* 43 * 6 = 258 bits: the last 2 must be zero in canonical base64. */
    return n == WG_KEY_LEN && acc == 0 ? 0 : -1;
}

void wg_base64_key_encode(const uint8_t key[WG_KEY_LEN], char out[45])
{
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < WG_KEY_LEN; i++) {
        acc = acc << 8 | key[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[n++] = b64[(acc >> bits) & 63];
        }
    }
    out[n++] = b64[(acc << (6 - bits)) & 63];
    out[n++] = '=';
    out[n] = 0;
}
