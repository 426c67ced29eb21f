/* mote sandbox: Wasm instances as capability-holding applications.
 *
 * The sandbox turns the runtime in wasm/ into an application host: it
 * reads a manifest (sandbox/manifest.h), creates the kernel objects it
 * grants (UDP ports, channel ends, block regions, KV namespaces, timers),
 * loads each module into an instance with its own memory limit, fuel per
 * callback and handle table, and starts it. From then on an instance runs
 * only when the kernel calls it: its start function, then its exported
 * completion handler for each request it submitted (docs/sandbox.md has
 * the guest ABI). A trap, running out of memory or out of fuel ends that
 * instance alone: its requests are cancelled, its handles closed, the
 * reason logged; the kernel and the other instances keep running.
 */
#ifndef MOTE_SBX_H
#define MOTE_SBX_H

#include <stdint.h>
#include "mote/kerr.h"

/* A module embedded in the kernel image by the build (tools/embed.py). */
typedef struct sbx_blob {
    const char *name;      /* as the manifest's `module` line names it */
    const uint8_t *data;
    uint32_t len;
} sbx_blob_t;

/* Parse (manifest) (copied), create its objects and start its instances
 * with modules from (blobs). Errors in the manifest or a missing module
 * are logged and returned (KERR_INVALID, KERR_NOT_FOUND); an instance that
 * fails to load or traps while starting is ended and logged, not fatal.
 * When the last instance has ended, kshutdown() is called with the exit
 * code of the last instance that exited through proc_exit (else 0, or 1
 * if any instance ended by a fault). */
kerr_t sbx_boot(const char *manifest, const sbx_blob_t *blobs, uint32_t nblobs);

/* Counters for tests and the log. */
typedef struct sbx_stats {
    uint32_t started, exited, faulted;
    uint64_t callbacks, host_calls;
} sbx_stats_t;
const sbx_stats_t *sbx_stats(void);

#endif
