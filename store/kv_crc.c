/* CRC32C, reflected polynomial 0x82F63B78. On x86-64 CPUs with SSE4.2
 * (cpuid leaf 1, ecx bit 20) the crc32 instruction computes exactly this
 * CRC, 8 bytes per instruction, about 4x the table version: every page a
 * commit writes is sealed with it. Only where the store runs as a Linux
 * process (the hosted platform, the tests): in a guest kernel, KVM may
 * emulate instructions after an exit (nested KVM whole batches), and its
 * emulator has no crc32, so the guest dies (platform/x64/platform.mk says
 * the same about SSE). Elsewhere, slicing by 8: eight
 * 256-entry tables let the inner loop fold 8 bytes per step. ~8 KiB of
 * tables, built once (single-threaded kernel: no race). */
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

#if defined(__x86_64__) && defined(__linux__)
static int hw_state; /* 0 not probed, 1 crc32 instruction, 2 tables */

static int hw_probe(void)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (c >> 20) & 1 ? 1 : 2;
}

/* (crc) here is the running, inverted value. */
static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t n)
{
    uint64_t c = crc;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t v;
        __builtin_memcpy(&v, p, 8);
        __asm__("crc32q %1, %0" : "+r"(c) : "r"(v));
    }
    uint32_t c32 = (uint32_t)c;
    for (; n; p++, n--)
        __asm__("crc32b %1, %0" : "+r"(c32) : "r"(*p));
    return c32;
}
#endif

uint32_t kv_crc32c(uint32_t crc, const void *data, size_t n)
{
#if defined(__x86_64__) && defined(__linux__)
    if (!hw_state)
        hw_state = hw_probe();
    if (hw_state == 1)
        return ~crc_hw(~crc, data, n);
#endif
    return kv_crc32c_sw(crc, data, n);
}

uint32_t kv_crc32c_sw(uint32_t crc, const void *data, size_t n)
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
