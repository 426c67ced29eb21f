/* mote: the whole public API in one include, for applications. */
#ifndef MOTE_MOTE_H
#define MOTE_MOTE_H

#include "mote/kapp.h"
#include "mote/kblk.h"
#include "mote/kerr.h"
#include "mote/knet.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "mote/kwork.h"
#include "mote/net.h"
#include "mote/printk.h"

#endif
