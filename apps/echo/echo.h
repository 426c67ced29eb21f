/* apps/echo internals. */
#ifndef APPS_ECHO_H
#define APPS_ECHO_H

#include "mote/ksm.h"

/* Sector 0 layout written by the block check; tests read it back from the
 * image file on the host, so it is part of the app's contract:
 *   bytes 0..7   "MOTEBLK1"
 *   bytes 8..15  boot counter, little-endian u64, 1 on the first boot
 *   bytes 16..511  byte i = (i * 7 + counter) & 0xff              */
#define ECHO_BLK_MAGIC "MOTEBLK1"

/* Run the block check on device 0 as state machine (m), printing one
 * "blk: ..." line; (done) runs with m->err KERR_OK if it passed (or there
 * is no disk, or it is read-only), else the error. */
void echo_block_check(ksm_t *m, ksm_fn done);

#endif
