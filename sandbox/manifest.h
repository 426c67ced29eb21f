/* mote sandbox: the manifest, a plain-text list of what runs and what
 * each instance may touch.
 *
 *   # comments run to the end of the line
 *   channel NAME                    a channel; its ends are NAME.a, NAME.b
 *   instance NAME                   starts an instance block
 *     module FILE                   the Wasm module (embedded at build time)
 *     memory PAGES|auto             linear-memory limit, 64 KiB pages (16);
 *                                   auto: the module's declared maximum,
 *                                   capped by the kernel's free memory
 *                                   (what a .wasm app given alone gets)
 *     fuel N                        instructions per callback; 0 = no limit
 *                                   (10000000)
 *     slots N                       requests in flight at once (16)
 *     args WORD...                  WASI argv[1..]
 *     env KEY=VALUE                 WASI environment (repeatable)
 *     grant udp [wg:]PORT RIGHTS [as H]     a UDP port; wg:PORT only on the
 *                                   WireGuard tunnel (net/tun.h)
 *     grant chan NAME.a|NAME.b RIGHTS [as H] a channel end
 *     grant blk FIRST COUNT RIGHTS [as H]   sectors [FIRST, FIRST+COUNT)
 *     grant kv PREFIX RIGHTS [as H]         keys starting with PREFIX
 *     grant timer RIGHTS [as H]             timers
 *     grant tcp PORT RIGHTS [as H]          a TCP listener on PORT; `accept`
 *                                           lets the guest accept, and each
 *                                           connection's handle gets the
 *                                           grant's send, receive, dup and
 *                                           transfer rights
 *   RIGHTS: comma-separated read,write,send,receive,dup,transfer,accept, or
 *   all.
 *
 * An instance starts with exactly its grants, installed as handles 1..n in
 * order; `as H` names one so the guest can look it up (default: the kind).
 * Parsing never allocates: everything lands in a caller-owned sbx_manifest_t
 * whose strings point into the (mutable) text it was parsed from.
 */
#ifndef MOTE_SBX_MANIFEST_H
#define MOTE_SBX_MANIFEST_H

#include <stdint.h>
#include "mote/kerr.h"

#define SBX_MAX_INSTANCES 8
#define SBX_MAX_CHANNELS 8
#define SBX_MAX_GRANTS 16
#define SBX_MAX_ARGS 16
#define SBX_MAX_ENV 16

typedef enum sbx_grant_kind {
    SBX_GRANT_UDP = 1,
    SBX_GRANT_CHAN,
    SBX_GRANT_BLK,
    SBX_GRANT_KV,
    SBX_GRANT_TIMER,
    SBX_GRANT_TCP,
} sbx_grant_kind_t;

typedef struct sbx_grant {
    sbx_grant_kind_t kind;
    uint32_t rights;       /* KCAP_* */
    const char *name;      /* for handle lookup */
    const char *target;    /* chan: "NAME.a"; kv: the prefix */
    uint64_t a, b;         /* udp: port, 1 if tunnel-only; tcp: port; blk: first, count */
} sbx_grant_t;

#define SBX_MEMORY_AUTO 0 /* memory_pages of `memory auto` */

typedef struct sbx_instance_cfg {
    const char *name, *module;
    uint32_t memory_pages, slots;
    uint64_t fuel;
    const char *args[SBX_MAX_ARGS];
    uint32_t nargs;
    const char *env[SBX_MAX_ENV];
    uint32_t nenv;
    sbx_grant_t grants[SBX_MAX_GRANTS];
    uint32_t ngrants;
} sbx_instance_cfg_t;

typedef struct sbx_manifest {
    sbx_instance_cfg_t inst[SBX_MAX_INSTANCES];
    uint32_t ninst;
    const char *chan[SBX_MAX_CHANNELS];
    uint32_t nchan;
} sbx_manifest_t;

/* Parse (text) in place (it is cut into NUL-terminated words). On error,
 * KERR_INVALID and a message "line N: ..." in (err) (size (errlen)). */
kerr_t sbx_manifest_parse(sbx_manifest_t *m, char *text, char *err,
                          uint32_t errlen);

#endif
