/* net: big-endian field access for wire formats.
 *
 * Every header in net/ is read and written through these byte-wise helpers
 * instead of packed structs, so the code is alignment-safe on every arch
 * (arm32 and rv32 fault on unaligned loads) and has no endianness #ifdefs.
 */
#ifndef NET_WIRE_H
#define NET_WIRE_H

#include <stdint.h>

static inline uint16_t net_get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t net_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void net_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void net_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
