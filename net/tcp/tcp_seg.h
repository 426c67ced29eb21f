/* net: the TCP segment wire format (RFC 9293 3.1, options of RFC 7323 and
 * RFC 2018) and wrap-safe sequence arithmetic.
 *
 * Parsing is pure: net_tcp_parse() checks every length against the bytes
 * present and returns a reason code (each maps to a drop counter); options
 * it does not know are skipped by their length, a malformed option list
 * rejects the segment. Building writes a header with the options asked for,
 * always 4-byte aligned, and returns its length. Checksums are separate.
 */
#ifndef NET_TCP_SEG_H
#define NET_TCP_SEG_H

#include <stdbool.h>
#include <stdint.h>

#define TCP_HLEN 20
#define TCP_OPT_MAX 40

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define TCP_SACK_MAX 4   /* blocks we parse or send (3 fit with timestamps) */

/* Sequence numbers compare modulo 2^32 (RFC 9293 3.4): a is before b when
 * the signed distance from b to a is negative. */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

typedef struct tcp_sack_blk {
    uint32_t left, right;
} tcp_sack_blk_t;

/* One parsed segment. Option fields are valid only when their has_ flag
 * is set. (data, len) points into the packet. */
typedef struct tcp_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd, urp;
    const uint8_t *data;
    uint32_t len;
    bool has_mss, has_ws, sack_ok, has_ts;
    uint16_t mss;
    uint8_t ws;
    uint32_t tsval, tsecr;
    uint8_t nsack;
    tcp_sack_blk_t sack[TCP_SACK_MAX];
} tcp_seg_t;

typedef enum tcp_parse_err {
    TCP_PARSE_OK = 0,
    TCP_PARSE_SHORT,    /* under 20 bytes, or data offset past the end */
    TCP_PARSE_OFFSET,   /* data offset under 5 words */
    TCP_PARSE_OPTION,   /* an option runs past the header or lies */
    TCP_PARSE_FLAGS,    /* SYN+FIN, SYN+RST, or no flag at all */
} tcp_parse_err_t;

/* Parse the (len) bytes at (p) (TCP header and data, checksum not
 * checked) into (s). */
tcp_parse_err_t net_tcp_parse(const uint8_t *p, uint32_t len, tcp_seg_t *s);

/* What to put in a header we send. */
typedef struct tcp_hdr_out {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    uint16_t mss;        /* 0: no MSS option (SYNs only) */
    int8_t ws;           /* -1: no window scale option (SYNs only) */
    bool sack_ok;        /* SACK-permitted (SYNs only) */
    bool ts;             /* timestamps option with tsval/tsecr */
    uint32_t tsval, tsecr;
    uint8_t nsack;       /* SACK blocks to send (up to TCP_SACK_MAX) */
    const tcp_sack_blk_t *sack;
} tcp_hdr_out_t;

/* Write header (h) at (p), checksum zero; returns its length (20..60). */
uint32_t net_tcp_build(uint8_t *p, const tcp_hdr_out_t *h);

/* Fill in the checksum of the (len)-byte segment at (p) sent from (src)
 * to (dst). */
void net_tcp_cksum_set(uint8_t *p, uint32_t len, uint32_t src, uint32_t dst);

/* True if the (len)-byte segment at (p) from (src) to (dst) has a good
 * checksum. */
bool net_tcp_cksum_ok(const uint8_t *p, uint32_t len, uint32_t src,
                      uint32_t dst);

#endif
