/* mote: the split virtqueue (virtio 1.x section 2.7), transport-neutral.
 *
 * Buffer ownership, the one rule everything else follows: a descriptor
 * chain belongs to the device from virtq_add() until virtq_get() returns
 * its cookie; until then neither the chain nor the memory it points at may
 * be touched by the driver. Only tick code uses a virtqueue (interrupt
 * handlers merely record), so there is no locking.
 *
 * With VIRTIO_F_EVENT_IDX both sides say when they want to hear from the
 * other: virtq_kick() notifies the device only if its avail_event falls in
 * the entries added since the last kick, and virtq_rearm() asks for an
 * interrupt at the very next used entry, then re-checks, so an entry that
 * raced with the request is never left waiting for an interrupt that will
 * not come. The memory is laid out the legacy way (used ring on its own
 * 4 KiB page), which satisfies modern devices as well.
 */
#ifndef MOTE_VIRTQ_H
#define MOTE_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_USED_F_NO_NOTIFY 1
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

typedef struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
} virtq_desc_t;

typedef struct virtq_avail {
    uint16_t flags, idx;
    uint16_t ring[]; /* size entries, then used_event */
} virtq_avail_t;

typedef struct virtq_used_elem {
    uint32_t id, len;
} virtq_used_elem_t;

typedef struct virtq_used {
    uint16_t flags, idx;
    virtq_used_elem_t ring[]; /* size entries, then avail_event */
} virtq_used_t;

/* One buffer of a chain: device-readable (out) or device-writable (in). */
typedef struct virtq_buf {
    const void *p;
    uint32_t len;
} virtq_buf_t;

typedef struct virtq {
    uint16_t size, index;      /* entries (power of two), queue number */
    uint16_t free_head, num_free;
    uint16_t last_used;        /* next used entry to consume */
    uint16_t avail_idx;        /* our copy of avail->idx */
    uint16_t kicked_idx;       /* avail_idx at the last notification */
    bool event_idx;
    virtq_desc_t *desc;
    volatile virtq_avail_t *avail;
    volatile virtq_used_t *used;
    void **cookie;             /* per head descriptor */
    uintptr_t notify_addr;     /* transport's doorbell (PCI) */
} virtq_t;

/* Allocate a queue of (size) entries (a power of two) with kmem, or NULL. */
virtq_t *virtq_alloc(uint16_t index, uint16_t size, bool event_idx);

/* Bytes from the start of the descriptor table to the avail and used
 * rings (transports report the three addresses). */
uint64_t virtq_avail_off(const virtq_t *vq);
uint64_t virtq_used_off(const virtq_t *vq);

/* Chain (nout) readable then (nin) writable buffers from (b) and make it
 * available with (cookie). false if not enough free descriptors (nothing
 * changed). Does not notify: call virtq_kick after a batch. */
bool virtq_add(virtq_t *vq, const virtq_buf_t *b, unsigned nout, unsigned nin,
               void *cookie);

/* True if the device should be notified of what was added since the last
 * kick (event index or the NO_NOTIFY flag), and records the kick. */
bool virtq_kick_needed(virtq_t *vq);

/* Next finished chain: its cookie (and bytes written into it in *len), or
 * NULL when none. Frees the chain's descriptors. */
void *virtq_get(virtq_t *vq, uint32_t *len);

/* Ask for an interrupt at the next used entry; true if entries arrived
 * meanwhile (drain again). */
bool virtq_rearm(virtq_t *vq);

/* Ask for no interrupts until the next virtq_rearm (a queue whose
 * completions can wait for the next poll, like transmit). */
void virtq_quiet(virtq_t *vq);

#endif
