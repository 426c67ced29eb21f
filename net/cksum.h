/* net: the Internet checksum (RFC 1071).
 *
 * Sums are kept as 32-bit partial sums so a pseudo-header and a payload can
 * be added up separately and folded once. Odd lengths are padded with a zero
 * byte, as the RFC says; callers that chain partial sums must only chain at
 * even offsets (every header we chain is of even length).
 */
#ifndef NET_CKSUM_H
#define NET_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add the 16-bit big-endian words of (p, n) to (sum). */
uint32_t net_cksum_add(uint32_t sum, const void *p, size_t n);

/* Fold (sum) to 16 bits and complement it: the value to store in a header,
 * or 0 when checking a buffer that includes its checksum and is intact. */
uint16_t net_cksum_fold(uint32_t sum);

/* The checksum of (p, n) alone. */
uint16_t net_cksum(const void *p, size_t n);

/* Partial sum of the UDP/TCP pseudo-header. */
uint32_t net_cksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto,
                          uint16_t len);

#endif
