/* CRC32C, reflected polynomial 0x82F63B78, slicing by 8: eight 256-entry
 * tables let the inner loop fold 8 bytes per step. ~8 KiB of tables, built
 * once (single-threaded kernel: no race). */
#include "store/kv_crc.h"

static uint32_t tab[8][256];
static int tab_ready;

static void tab_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
        tab[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            tab[t][i] = (tab[t - 1][i] >> 8) ^ tab[0][tab[t - 1][i] & 0xff];
    tab_ready = 1;
}

static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint32_t kv_crc32c(uint32_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;
    if (!tab_ready)
        tab_init();
    crc = ~crc;
    while (n >= 8) {
        uint32_t a = ld32(p) ^ crc, b = ld32(p + 4);
        crc = tab[7][a & 0xff] ^ tab[6][(a >> 8) & 0xff] ^
              tab[5][(a >> 16) & 0xff] ^ tab[4][a >> 24] ^ tab[3][b & 0xff] ^
              tab[2][(b >> 8) & 0xff] ^ tab[1][(b >> 16) & 0xff] ^
              tab[0][b >> 24];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = (crc >> 8) ^ tab[0][(crc ^ *p++) & 0xff];
    return ~crc;
}
