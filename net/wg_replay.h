/* net: WireGuard's sliding replay window (RFC 6479's bitmap).
 *
 * A ring of WG_REPLAY_WORDS 32-bit words; the newest counter's word and the
 * WG_REPLAY_WORDS - 1 before it are live, so any counter within
 * WG_REPLAY_WINDOW of the highest seen is remembered exactly and anything
 * older is refused. Advancing clears only the words skipped over: O(1) per
 * packet however far the counter jumps. Check only after the packet
 * authenticated, so forgeries cannot move the window.
 */
#ifndef NET_WG_REPLAY_H
#define NET_WG_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define WG_REPLAY_WORDS 128                          /* 4096 bits */
#define WG_REPLAY_WINDOW ((WG_REPLAY_WORDS - 1) * 32) /* 4064 packets */
#define WG_REJECT_AFTER_MESSAGES (UINT64_MAX - (1ull << 13)) /* whitepaper 6.1 */

typedef struct wg_replay {
    uint64_t last;       /* highest counter accepted + 1; 0: none yet */
    uint32_t bits[WG_REPLAY_WORDS];
} wg_replay_t;

void wg_replay_reset(wg_replay_t *r);

/* Accept (counter) once: true and remembered, or false (seen before, too
 * old, or at or past WG_REJECT_AFTER_MESSAGES). */
bool wg_replay_check(wg_replay_t *r, uint64_t counter);

#endif
