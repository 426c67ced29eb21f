/* net: the sender's SACK scoreboard (RFC 2018, loss recovery after the
 * spirit of RFC 6675, simplified).
 *
 * The peer's SACK blocks are merged into at most NET_TCP_SACK_SB ranges of
 * [snd_una, snd_max) it holds; ranges fall away as snd_una passes them.
 * Recovery then retransmits holes (data below the highest SACKed byte not
 * covered by any range) one per arriving ACK, instead of NewReno's one per
 * round trip, and a go-back after a timeout skips what the peer holds.
 * Without SACK (the peer did not offer it) the scoreboard stays empty and
 * recovery is plain NewReno.
 */
#include "net/tcp/tcp_int.h"

static void sb_remove(tcp_tcb_t *t, unsigned i)
{
    for (unsigned j = i; j + 1 < t->nsacked; j++)
        t->sacked[j] = t->sacked[j + 1];
    t->nsacked--;
}

/* Forget what snd_una has passed; clip what it is inside. */
static void sb_prune(tcp_tcb_t *t)
{
    for (unsigned i = 0; i < t->nsacked;) {
        tcp_sack_blk_t *b = &t->sacked[i];
        if (SEQ_LEQ(b->right, t->snd_una)) {
            sb_remove(t, i);
            continue;
        }
        if (SEQ_LT(b->left, t->snd_una))
            b->left = t->snd_una;
        i++;
    }
}

static void sb_add(tcp_tcb_t *t, uint32_t l, uint32_t r)
{
    for (unsigned i = 0; i < t->nsacked;) {
        tcp_sack_blk_t *b = &t->sacked[i];
        if (SEQ_LEQ(b->left, r) && SEQ_LEQ(l, b->right)) {
            if (SEQ_LT(b->left, l))
                l = b->left;
            if (SEQ_GT(b->right, r))
                r = b->right;
            sb_remove(t, i);
            i = 0;
            continue;
        }
        i++;
    }
    if (t->nsacked == NET_TCP_SACK_SB) {
        /* Full: drop the lowest range; it only costs a needless resend. */
        unsigned low = 0;
        for (unsigned i = 1; i < t->nsacked; i++)
            if (SEQ_LT(t->sacked[i].left, t->sacked[low].left))
                low = i;
        sb_remove(t, low);
    }
    t->sacked[t->nsacked++] = (tcp_sack_blk_t){l, r};
}

void tcp_sack_update(tcp_tcb_t *t, const tcp_seg_t *s)
{
    sb_prune(t);
    if (!t->sack_ok)
        return;
    for (unsigned i = 0; i < s->nsack; i++) {
        uint32_t l = s->sack[i].left, r = s->sack[i].right;
        /* Only blocks inside what we sent and not yet acknowledged. */
        if (!SEQ_LT(l, r) || SEQ_LEQ(r, t->snd_una) || SEQ_GT(r, t->snd_max))
            continue;
        if (SEQ_LT(l, t->snd_una))
            l = t->snd_una;
        sb_add(t, l, r);
    }
}

uint32_t tcp_sack_skip(const tcp_tcb_t *t, uint32_t seq)
{
    for (unsigned i = 0; i < t->nsacked; i++) {
        const tcp_sack_blk_t *b = &t->sacked[i];
        if (SEQ_LEQ(b->left, seq) && SEQ_LT(seq, b->right)) {
            seq = b->right;
            i = (unsigned)-1; /* ranges are unsorted: look again */
        }
    }
    return seq;
}

bool tcp_sack_hole(const tcp_tcb_t *t, uint32_t from, uint32_t *seq,
                   uint32_t *len)
{
    if (!t->nsacked)
        return false;
    uint32_t x = tcp_sack_skip(t, SEQ_LT(from, t->snd_una) ? t->snd_una : from);
    uint32_t high = t->sacked[0].right, next = 0;
    bool have_next = false;
    for (unsigned i = 0; i < t->nsacked; i++) {
        const tcp_sack_blk_t *b = &t->sacked[i];
        if (SEQ_GT(b->right, high))
            high = b->right;
        if (SEQ_GT(b->left, x) && (!have_next || SEQ_LT(b->left, next))) {
            next = b->left;
            have_next = true;
        }
    }
    if (!SEQ_LT(x, high) || !have_next)
        return false;
    *seq = x;
    *len = tcp_min(next - x, t->mss);
    return true;
}

uint32_t tcp_sack_bytes(const tcp_tcb_t *t)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < t->nsacked; i++)
        n += t->sacked[i].right - t->sacked[i].left;
    return n;
}
