/* net: the replay window (see wg_replay.h). */
#include "net/wg_replay.h"
#include "lib/kstring.h"

void wg_replay_reset(wg_replay_t *r)
{
    memset(r, 0, sizeof *r);
}

bool wg_replay_check(wg_replay_t *r, uint64_t counter)
{
    if (counter >= WG_REJECT_AFTER_MESSAGES)
        return false;
    uint64_t top = r->last; /* counters below top may have been seen */
    uint64_t word = counter >> 5;
    if (counter >= top) {
        /* Advance: clear the words between the old top and the new one. */
        uint64_t from = top ? ((top - 1) >> 5) + 1 : 0;
        if (word >= from + WG_REPLAY_WORDS)
            from = word - WG_REPLAY_WORDS + 1;
        for (uint64_t w = from; w <= word; w++)
            r->bits[w % WG_REPLAY_WORDS] = 0;
        r->last = counter + 1;
    } else if (top - counter > WG_REPLAY_WINDOW) {
        return false;
    }
    uint32_t *slot = &r->bits[word % WG_REPLAY_WORDS];
    uint32_t bit = 1u << (counter & 31);
    if (*slot & bit)
        return false;
    *slot |= bit;
    return true;
}
