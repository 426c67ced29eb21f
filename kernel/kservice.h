/* mote: services, the layers' side of the work-item model.
 *
 * A service serves one request class (KOP_CLASS_*): the kernel's own timer
 * service, a platform's devices, the IP stack's UDP sockets, the KV store.
 * ksubmit() checks the work item, then calls the service's submit; from
 * then on the service owns the item until it calls kcomplete(). A layer that
 * translates requests into requests to the layer below embeds the child work
 * item in its own state and submits it like any application would.
 */
#ifndef MOTE_KSERVICE_H
#define MOTE_KSERVICE_H

#include <stdbool.h>
#include <stdint.h>
#include "mote/kwork.h"

typedef struct kservice {
    const char *name;
    /* Take (w), already checked for state and op. Return KERR_OK to own it
     * (then complete it exactly once through kcomplete, possibly even before
     * submit returns), or an error to refuse it with no side effects. */
    kerr_t (*submit)(kwork_t *w);
    /* Retract (w), which this service owns. Return true if the service has
     * let go of it for good (the kernel then completes it with the cancel
     * or timeout result), false if a device still holds its buffers: the
     * service then completes it later as usual and the kernel substitutes
     * that result. NULL means never retractable. */
    bool (*cancel)(kwork_t *w);
    /* Device information (kblk_info_t, knet_info_t) for class BLK/NET. */
    kerr_t (*info)(uint32_t dev, void *out);
    /* Endpoint set-up for classes that have one (UDP sockets). */
    kerr_t (*open)(void *endpoint, uint32_t arg);
    void (*close)(void *endpoint);
    /* Further synchronous operations on an endpoint (TCP: close or abort
     * a connection, set an option; NET_TCP_CTL_* in net.h). */
    kerr_t (*ctl)(void *endpoint, uint32_t cmd, uint32_t arg);
} kservice_t;

/* Serve class (cls) with (svc), replacing any earlier one (a platform's raw
 * UDP may give way to the IP stack). (svc) must outlive the system. */
void kservice_register(unsigned cls, const kservice_t *svc);

/* The service for (cls), or NULL. */
const kservice_t *kservice_get(unsigned cls);

/* Report that (w) finished with (result). Tick context only (a service's
 * submit or cancel, platform_poll, a child request's callback). The
 * callback is queued, never called from here. */
void kcomplete(kwork_t *w, kerr_t result);

#endif
