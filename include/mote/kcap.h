/* mote: capability handle tables.
 *
 * A handle is what sandboxed code holds instead of a pointer: a small
 * integer naming an entry in its own table, which refers to a kernel object
 * (mote/kobj.h) with a set of rights. Code can reach only the objects its
 * table names, and only in the ways the rights allow.
 *
 * Handles are unforgeable in the ways that matter: a value that is out of
 * range, names a free slot, or names a slot that was closed and reused
 * (each handle carries the slot's generation) is rejected with
 * KERR_INVALID; a valid handle used without a right it needs is rejected
 * with KERR_DENIED, or with KERR_INVALID if it names the wrong kind of
 * object. Nothing here ever touches an object through a rejected handle.
 *
 * A table holds a reference on every object it names. Closing a handle
 * drops it; kcap_table_close_all() (when an instance ends) drops them all.
 * Tables are caller-owned and fixed-size: no allocation.
 */
#ifndef MOTE_KCAP_H
#define MOTE_KCAP_H

#include <stdint.h>
#include "mote/kerr.h"
#include "mote/kobj.h"

/* Rights bits. */
#define KCAP_READ (1u << 0)
#define KCAP_WRITE (1u << 1)
#define KCAP_SEND (1u << 2)
#define KCAP_RECEIVE (1u << 3)
#define KCAP_DUPLICATE (1u << 4) /* may be duplicated (with fewer rights) */
#define KCAP_TRANSFER (1u << 5)  /* may be sent over a channel */
#define KCAP_ACCEPT (1u << 6)    /* may accept connections (TCP listener) */
#define KCAP_ALL 0x7fu

#define KCAP_SLOTS 64

typedef int32_t kcap_handle_t; /* > 0 when valid; 0 and negatives never are */

typedef struct kcap_slot {
    kobj_t *obj;     /* NULL: free */
    uint32_t rights;
    uint16_t gen;    /* bumped on close, so stale handles stop matching */
} kcap_slot_t;

typedef struct kcap_table {
    kcap_slot_t slot[KCAP_SLOTS];
} kcap_table_t;

void kcap_table_init(kcap_table_t *t);

/* Put (obj) with (rights) in a free slot; the table takes over the
 * caller's reference. KERR_NOMEM when full (the reference stays the
 * caller's). */
kerr_t kcap_install(kcap_table_t *t, kobj_t *obj, uint32_t rights,
                    kcap_handle_t *out);

/* Look up (h): it must name an object of (type) (KOBJ_NONE: any) whose
 * rights include all of (need). On success *obj (and *rights if not NULL)
 * are set; no reference is taken: the object lives as long as the handle. */
kerr_t kcap_get(const kcap_table_t *t, kcap_handle_t h, kobj_type_t type,
                uint32_t need, kobj_t **obj, uint32_t *rights);

/* A second handle to the same object with (rights), which must be a subset
 * of (h)'s; (h) needs KCAP_DUPLICATE. */
kerr_t kcap_dup(kcap_table_t *t, kcap_handle_t h, uint32_t rights,
                kcap_handle_t *out);

/* Remove (h) for sending elsewhere: (h) needs KCAP_TRANSFER; the caller
 * gets the table's reference and the handle's rights. */
kerr_t kcap_take(kcap_table_t *t, kcap_handle_t h, kobj_t **obj,
                 uint32_t *rights);

/* Close (h), dropping the table's reference. */
kerr_t kcap_close(kcap_table_t *t, kcap_handle_t h);

/* Close every handle (an instance ended). */
void kcap_table_close_all(kcap_table_t *t);

#endif
