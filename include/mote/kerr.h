/* mote: error codes shared by every interface.
 *
 * Every asynchronous request finishes with exactly one kerr_t in its
 * work item's `result`; synchronous calls return one directly. KERR_OK is
 * zero so `if (err)` reads naturally. The set is small on purpose (Solo5's
 * lesson): callers branch on a handful of outcomes, and the detail goes to
 * the log. kerr_str() names a code for printing.
 */
#ifndef MOTE_KERR_H
#define MOTE_KERR_H

typedef enum kerr {
    KERR_OK = 0,        /* success */
    KERR_INVALID,       /* malformed request: bad op, range, alignment, argument */
    KERR_BUSY,          /* the work item is already submitted and not yet completed */
    KERR_TIMEOUT,       /* the request's deadline passed before it completed */
    KERR_CANCELLED,     /* kcancel() took effect before completion */
    KERR_NO_DEVICE,     /* no device or service serves this request */
    KERR_IO,            /* the device reported an error */
    KERR_NOMEM,         /* a bounded resource (queue, table, buffer) is full */
    KERR_READ_ONLY,     /* write to a read-only device */
    KERR_NOT_FOUND,     /* lookup found nothing (name, key, route) */
    KERR_AGAIN,         /* transient: try again later */
    KERR_CORRUPT,       /* stored data failed a checksum or structural check */
    KERR_TOO_BIG,       /* data does not fit the buffer or the protocol limit */
    KERR_UNREACHABLE,   /* the network peer could not be reached */
    KERR_DENIED,        /* the handle lacks a right the operation needs */
    KERR_REFUSED,       /* the peer refused the connection (RST to a SYN) */
    KERR_RESET,         /* the peer reset an established connection */
    KERR_CLOSED,        /* the stream is closed: the peer's FIN was read, or
                         * our side was shut down */
    KERR__COUNT
} kerr_t;

/* Short constant name of (err), e.g. "KERR_TIMEOUT"; "KERR_?" if unknown. */
const char *kerr_str(kerr_t err);

#endif
