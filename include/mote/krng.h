/* mote: randomness.
 *
 * Two sources. krng_req_t reads raw entropy from the platform's device
 * (virtio-rng, getrandom) asynchronously: use it for seeds. kcsprng_fill()
 * is the kernel's ChaCha20 generator (RFC 8439 block function, fast key
 * erasure), seeded from the device at boot and reseeded periodically: use it
 * for everything else. It is synchronous and never fails once seeded.
 */
#ifndef MOTE_KRNG_H
#define MOTE_KRNG_H

#include <stddef.h>
#include <stdint.h>
#include "mote/kwork.h"

typedef struct krng_req {
    kwork_t work;   /* op KOP_RNG_READ */
    void *buf;      /* filled with (len) entropy bytes on KERR_OK */
    uint32_t len;   /* any length; 0 completes at once */
} krng_req_t;

/* kwork_init for an RNG read of (len) bytes into (buf). */
void krng_req_init(krng_req_t *r, void *buf, uint32_t len, kwork_fn callback,
                   void *ctx);

/* Fill (buf) with (len) bytes from the CSPRNG. Tick context. Before the
 * first seed has arrived (only during early start-up) it panics rather than
 * hand out predictable bytes; kcsprng_ready() tells whether it may be called. */
void kcsprng_fill(void *buf, size_t len);
int kcsprng_ready(void);

#endif
