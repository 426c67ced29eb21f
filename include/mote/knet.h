/* mote: frame devices (Ethernet).
 *
 * The layer under the network stack; applications normally use net.h.
 * A send completes once the device no longer needs (buf): the driver copies
 * or the device has transmitted it. A receive is one-shot: it completes with
 * one frame, and the caller re-arms it by resubmitting (typically from its
 * callback). While no receive is armed the driver keeps a bounded number of
 * frames and then drops and counts them, so a slow consumer never stalls the
 * device. Frames are full Ethernet frames without FCS, at most KNET_MAX_FRAME.
 */
#ifndef MOTE_KNET_H
#define MOTE_KNET_H

#include <stdint.h>
#include "mote/kwork.h"

#define KNET_MAX_FRAME 1514

typedef struct knet_req {
    kwork_t work;   /* KOP_NET_SEND or KOP_NET_RECV */
    uint32_t dev;   /* device index, 0 first */
    void *buf;      /* the frame (send) or room for one (receive) */
    uint32_t len;   /* frame length (send) or capacity (receive) */
    uint32_t done;  /* bytes received, valid on KERR_OK */
} knet_req_t;

typedef struct knet_info {
    uint8_t mac[6];
    uint8_t link_up;
    uint16_t mtu;        /* IP MTU, normally 1500 */
    uint64_t rx_dropped; /* frames dropped because no receive was armed */
} knet_info_t;

kerr_t knet_info(uint32_t dev, knet_info_t *info);

void knet_req_init(knet_req_t *r, kop_t op, uint32_t dev, void *buf,
                   uint32_t len, kwork_fn callback, void *ctx);

#endif
