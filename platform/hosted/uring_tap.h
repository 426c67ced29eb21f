/* Hosted frames on io_uring: what uring_tap.c (the service, sends, one-by-
 * one receives) and uring_tap_rx.c (multishot receive) share. Internal. */
#ifndef MOTE_HOSTED_URING_TAP_H
#define MOTE_HOSTED_URING_TAP_H

#include <stdbool.h>
#include "mote/knet.h"
#include "mote/kwork.h"

/* Set up the multishot receive on TAP descriptor (fd); false where the
 * host lacks buffer rings (then receives go one by one). */
bool utap_rx_start(int fd);
/* true while receives go through the multishot receive. */
bool utap_rx_on(void);
/* Take receive (r); may complete it at once. */
void utap_rx_submit(knet_req_t *r);
/* Retract receive (w) if it waits here. */
bool utap_rx_cancel(kwork_t *w);
/* uring_tap.c: start (r) as one host READ on its own buffer. */
void utap_start_single(knet_req_t *r);

#endif
