/* mote: what the virtio transports (mmio, pci) and device drivers (rng,
 * blk, net) share. Internal to drivers/virtio/.
 *
 * A transport fills a virtio_dev_t (its ops and addresses) and calls
 * virtio_attach(); the core runs the device-status sequence of virtio 1.x
 * (reset, ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK, queues,
 * DRIVER_OK) on behalf of the device driver picked by device id. */
#ifndef MOTE_VIRTIO_DEV_H
#define MOTE_VIRTIO_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/virtio/virtq.h"

enum { VIRTIO_ID_NET = 1, VIRTIO_ID_BLK = 2, VIRTIO_ID_RNG = 4 };
enum {
    VIRTIO_S_ACK = 1, VIRTIO_S_DRIVER = 2, VIRTIO_S_DRIVER_OK = 4,
    VIRTIO_S_FEATURES_OK = 8, VIRTIO_S_FAILED = 128,
};
#define VIRTIO_F_EVENT_IDX (1ull << 29)
#define VIRTIO_F_VERSION_1 (1ull << 32)

typedef struct virtio_dev virtio_dev_t;

typedef struct virtio_ops {
    uint64_t (*get_features)(virtio_dev_t *d);
    void (*set_features)(virtio_dev_t *d, uint64_t f);
    uint8_t (*get_status)(virtio_dev_t *d);
    void (*set_status)(virtio_dev_t *d, uint8_t s);
    /* Device config field of (width) 1, 2 or 4 bytes at (off). */
    uint32_t (*cfg_read)(virtio_dev_t *d, unsigned off, unsigned width);
    uint32_t (*cfg_generation)(virtio_dev_t *d);
    uint16_t (*queue_max)(virtio_dev_t *d, unsigned q); /* 0: no queue */
    bool (*queue_enable)(virtio_dev_t *d, virtq_t *vq);
    void (*notify)(virtio_dev_t *d, virtq_t *vq);
    void (*irq_ack)(virtio_dev_t *d); /* interrupt context */
} virtio_ops_t;

struct virtio_dev {
    const virtio_ops_t *ops;
    const char *transport;   /* "mmio-legacy", "mmio", "pci" for logs */
    uintptr_t base;          /* mmio window, or PCI common config */
    uintptr_t notify, isr, devcfg; /* PCI regions */
    uint32_t notify_mult;
    uint32_t id;             /* VIRTIO_ID_* */
    unsigned irq;
    bool legacy;             /* pre-1.0 register semantics */
    uint64_t features;       /* negotiated */
    void (*poll)(virtio_dev_t *d); /* the device driver's drain */
    void *drv;               /* the device driver's state */
};

/* Transport side: bind (d) to its device driver; false if unsupported or
 * the device refused (logged). Keeps (d), which must be kmem memory. */
bool virtio_attach(virtio_dev_t *d);

/* Device-driver side, used inside the attach functions below. */
bool virtio_negotiate(virtio_dev_t *d, uint64_t wanted);
virtq_t *virtio_queue(virtio_dev_t *d, unsigned q, uint16_t max_size);
void virtio_ready(virtio_dev_t *d);
void virtio_fail(virtio_dev_t *d, const char *why);
uint64_t virtio_cfg64(virtio_dev_t *d, unsigned off);
void virtio_kick(virtio_dev_t *d, virtq_t *vq);

bool virtio_rng_attach(virtio_dev_t *d);
bool virtio_blk_attach(virtio_dev_t *d);
bool virtio_net_attach(virtio_dev_t *d);
/* Register the class's service if it has a device; false if none. */
bool virtio_rng_start(void);
bool virtio_blk_start(void);
bool virtio_net_start(void);

#endif
