/* Hosted UDP on io_uring: what uring_udp.c (sockets, sends) and
 * uring_udp_rx.c (receives) share. Internal to platform/hosted. */
#ifndef MOTE_HOSTED_URING_UDP_H
#define MOTE_HOSTED_URING_UDP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mote/net.h"
#include "platform/hosted/uring.h"

#define URX_BUFS 64     /* receive buffers per socket (a power of two) */
#define URX_BUF 2048    /* header, address and up to 2016 payload bytes */

typedef struct usock {
    int fd;
    net_udp_sock_t *s;   /* NULL once closed */
    unsigned inflight;   /* operations the host still holds */
    bool used;           /* open, or closed with operations in flight */
    uint16_t slot;       /* index, and the buffer group id */
    /* Receiving (uring_udp_rx.c). */
    hosted_uop_t rx_op;  /* the multishot receive */
    bool rx_armed;       /* the host holds rx_op */
    kqueue_t rxq;        /* application receives waiting for a datagram */
    struct msghdr rx_msg;
    struct io_uring_buf_ring *br; /* NULL: no buffer ring, receive one by one */
    uint8_t *bufs;
    uint16_t br_tail;
    uint16_t pend[URX_BUFS]; /* filled buffers (ids) the application has not taken */
    unsigned pend_head, pend_n;
} usock_t;

/* Set up receiving on (s), just opened. false: no buffer ring (the host
 * is older than Linux 6.0), so receives go one by one (uring_udp.c). */
bool urx_open(usock_t *s);
/* true while (s) receives through its buffer ring. */
bool urx_ok(const usock_t *s);
/* Take receive (r) (its socket set up by urx_open); may complete it at once. */
void urx_submit(usock_t *s, net_udp_req_t *r);
/* Retract receive (w) if it waits here. */
bool urx_cancel(usock_t *s, kwork_t *w);
/* The socket closes: waiting receives end, the multishot receive is cancelled. */
void urx_close(usock_t *s);
/* uring_udp.c: an operation of (s) the host held is over; start (r) as
 * one host operation on its own buffer (receives without buffer ring). */
void usock_release(usock_t *s);
void uudp_start(net_udp_req_t *r);

#endif
