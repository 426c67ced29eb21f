/* mote: block devices.
 *
 * Requests read or write whole sectors at a sector offset, scattered over
 * or gathered from up to KBLK_MAX_SEGS caller buffers, and any number may be
 * in flight at once (the driver queues what the device cannot take yet).
 * Completion order between requests is not defined: a flush covers only the
 * writes that had *completed* before it was submitted. That is the whole
 * durability contract, and it is what the KV store builds on.
 *
 * ksubmit() checks every request before accepting it and returns
 * KERR_INVALID, without side effects, when:
 *   - a segment's buffer is not KBLK_ALIGN-aligned or its length is not a
 *     multiple of the device's sector size, or there are 0 or too many segments;
 *   - sector + total length runs past the end of the device;
 * and KERR_NO_DEVICE for a device index that does not exist, KERR_READ_ONLY
 * for a write to a read-only device. I/O errors complete with KERR_IO.
 */
#ifndef MOTE_KBLK_H
#define MOTE_KBLK_H

#include <stdint.h>
#include "mote/kwork.h"

#define KBLK_ALIGN 16    /* buffer address alignment for every segment */
#define KBLK_MAX_SEGS 16 /* segments per request */

typedef struct kseg {
    void *buf;
    uint32_t len; /* bytes; a multiple of the sector size */
} kseg_t;

typedef struct kblk_req {
    kwork_t work;        /* KOP_BLK_READ, KOP_BLK_WRITE or KOP_BLK_FLUSH */
    uint32_t dev;        /* device index, 0 first */
    uint32_t nsegs;      /* 0 for a flush */
    uint64_t sector;     /* first sector, in device sectors */
    const kseg_t *segs;  /* caller-owned; untouched until completion */
} kblk_req_t;

typedef struct kblk_info {
    uint64_t sectors;     /* capacity */
    uint32_t sector_size; /* bytes, a power of two >= 512 */
    uint8_t read_only;
} kblk_info_t;

/* Capacity and geometry of device (dev): KERR_OK or KERR_NO_DEVICE. */
kerr_t kblk_info(uint32_t dev, kblk_info_t *info);

/* kwork_init for a block request. */
void kblk_req_init(kblk_req_t *r, kop_t op, uint32_t dev, uint64_t sector,
                   const kseg_t *segs, uint32_t nsegs, kwork_fn callback,
                   void *ctx);

#endif
