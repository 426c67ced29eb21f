/* net: Internet checksum (see cksum.h). */
#include "net/cksum.h"

uint32_t net_cksum_add(uint32_t sum, const void *p, size_t n)
{
    const uint8_t *b = p;
    /* A 32-bit accumulator cannot overflow for any frame (< 2^16 words). */
    while (n > 1) {
        sum += (uint32_t)((b[0] << 8) | b[1]);
        b += 2;
        n -= 2;
    }
    if (n)
        sum += (uint32_t)b[0] << 8;
    return sum;
}

uint16_t net_cksum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t net_cksum(const void *p, size_t n)
{
    return net_cksum_fold(net_cksum_add(0, p, n));
}

uint32_t net_cksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto,
                          uint16_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
           proto + len;
}
