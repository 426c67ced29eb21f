/* mote: the validation every block service applies (kernel-internal).
 * One function so that virtio-blk, the hosted file device and the unit
 * tests' RAM disk reject exactly the same requests, as kblk.h promises. */
#ifndef MOTE_KBLK_CHECK_H
#define MOTE_KBLK_CHECK_H

#include "mote/kblk.h"

/* KERR_OK, KERR_INVALID or KERR_READ_ONLY for request (r) against device
 * (info). On KERR_OK, *(bytes) is the total transfer length. */
kerr_t kblk_check(const kblk_req_t *r, const kblk_info_t *info,
                  uint64_t *bytes);

#endif
