/* apps/echo internals. */
#ifndef APPS_ECHO_H
#define APPS_ECHO_H

/* Sector 0 layout written by the block check; tests read it back from the
 * image file on the host, so it is part of the app's contract:
 *   bytes 0..7   "MOTEBLK1"
 *   bytes 8..15  boot counter, little-endian u64, 1 on the first boot
 *   bytes 16..511  byte i = (i * 7 + counter) & 0xff              */
#define ECHO_BLK_MAGIC "MOTEBLK1"

/* Run the block check on device 0, printing one "blk: ..." line, then call
 * (done) with 1 if it passed (or there is no disk), 0 if it failed. */
void echo_block_check(void (*done)(int ok));

#endif
