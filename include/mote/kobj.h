/* mote: kernel objects, the things a capability can name.
 *
 * A kobj_t is embedded in a kernel object (a channel end, a UDP port, a
 * block region, a KV namespace, a timer) and counts the references held
 * to it: by handle tables, by messages in flight on channels. The last
 * kobj_unref() calls the object's release function, which closes it.
 * Objects are never freed by the kernel (there is no allocator on request
 * paths); release returns them to whoever owns their storage.
 */
#ifndef MOTE_KOBJ_H
#define MOTE_KOBJ_H

#include <stdint.h>

typedef enum kobj_type {
    KOBJ_NONE = 0,
    KOBJ_CHAN,     /* kchan_end_t */
    KOBJ_UDP,      /* a UDP port */
    KOBJ_BLK,      /* a block-device region */
    KOBJ_KV,       /* a KV namespace */
    KOBJ_TIMER,
    KOBJ_TCP_LISTEN, /* a TCP listening port */
    KOBJ_TCP_CONN,   /* one TCP connection */
    KOBJ__COUNT
} kobj_type_t;

typedef struct kobj {
    uint16_t type;                     /* kobj_type_t */
    uint16_t refs;                     /* references held */
    void (*release)(struct kobj *o);   /* on the last unref; may be NULL */
} kobj_t;

/* Start (o) with one reference, owned by the caller. */
void kobj_init(kobj_t *o, kobj_type_t type, void (*release)(kobj_t *o));

/* Take another reference; returns (o). */
kobj_t *kobj_ref(kobj_t *o);

/* Drop a reference; the last one releases the object. */
void kobj_unref(kobj_t *o);

#endif
