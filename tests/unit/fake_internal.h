/* Between the fake platform's files (not for tests). */
#ifndef MOTE_FAKE_INTERNAL_H
#define MOTE_FAKE_INTERNAL_H

#include <stdbool.h>
#include "mote/kwork.h"

void fake_deliver_later(kwork_t *w, kerr_t res);
void fake_blk_reset(bool keep_data);
bool fake_blk_busy(void);
void fake_blk_poll(void);
void fake_net_reset(void);

#endif
