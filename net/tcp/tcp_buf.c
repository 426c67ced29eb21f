/* net: the send and receive rings of a connection (see tcp_int.h). */
#include "net/tcp/tcp_int.h"
#include "lib/kstring.h"

#define SB_MASK (NET_TCP_SNDBUF - 1)
#define RB_MASK (NET_TCP_RCVBUF - 1)

_Static_assert((NET_TCP_SNDBUF & SB_MASK) == 0, "NET_TCP_SNDBUF: power of 2");
_Static_assert((NET_TCP_RCVBUF & RB_MASK) == 0, "NET_TCP_RCVBUF: power of 2");

/* Copy (n) bytes in or out of a ring of (size) at index (at), wrapping. */
static void ring_in(uint8_t *ring, uint32_t size, uint32_t at,
                    const uint8_t *p, uint32_t n)
{
    uint32_t first = tcp_min(n, size - at);
    memcpy(ring + at, p, first);
    if (n > first)
        memcpy(ring, p + first, n - first);
}

static void ring_out(const uint8_t *ring, uint32_t size, uint32_t at,
                     uint8_t *p, uint32_t n)
{
    uint32_t first = tcp_min(n, size - at);
    memcpy(p, ring + at, first);
    if (n > first)
        memcpy(p + first, ring, n - first);
}

uint32_t tcp_sb_put(tcp_tcb_t *t, const uint8_t *p, uint32_t n)
{
    n = tcp_min(n, NET_TCP_SNDBUF - t->sb_len);
    if (n)
        ring_in(t->sbuf, NET_TCP_SNDBUF, (t->sb_head + t->sb_len) & SB_MASK,
                p, n);
    t->sb_len += n;
    return n;
}

void tcp_sb_get(const tcp_tcb_t *t, uint32_t off, uint8_t *p, uint32_t n)
{
    ring_out(t->sbuf, NET_TCP_SNDBUF, (t->sb_head + off) & SB_MASK, p, n);
}

void tcp_sb_drop(tcp_tcb_t *t, uint32_t n)
{
    n = tcp_min(n, t->sb_len);
    t->sb_head = (t->sb_head + n) & SB_MASK;
    t->sb_len -= n;
    t->sb_seq += n;
}

uint32_t tcp_rb_space(const tcp_tcb_t *t)
{
    return NET_TCP_RCVBUF - t->rb_len;
}

static void ooo_remove(tcp_tcb_t *t, unsigned i)
{
    for (unsigned j = i; j + 1 < t->nooo; j++)
        t->ooo[j] = t->ooo[j + 1];
    t->nooo--;
}

/* Record [l, r) as present past rcv_nxt, merged with what touches it and
 * moved to the front (RFC 2018 4: the newest block is reported first).
 * False if it would need a range beyond NET_TCP_OOO. */
static bool ooo_add(tcp_tcb_t *t, uint32_t l, uint32_t r)
{
    for (unsigned i = 0; i < t->nooo;) {
        tcp_sack_blk_t *b = &t->ooo[i];
        if (SEQ_LEQ(b->left, r) && SEQ_LEQ(l, b->right)) {
            if (SEQ_LT(b->left, l))
                l = b->left;
            if (SEQ_GT(b->right, r))
                r = b->right;
            ooo_remove(t, i);
            i = 0;
            continue;
        }
        i++;
    }
    if (t->nooo == NET_TCP_OOO)
        return false;
    for (unsigned j = t->nooo; j > 0; j--)
        t->ooo[j] = t->ooo[j - 1];
    t->ooo[0] = (tcp_sack_blk_t){l, r};
    t->nooo++;
    return true;
}

/* rcv_nxt moved: take in the ranges it reached. */
static uint32_t ooo_absorb(tcp_tcb_t *t)
{
    uint32_t gained = 0;
    for (unsigned i = 0; i < t->nooo;) {
        tcp_sack_blk_t *b = &t->ooo[i];
        if (SEQ_GT(b->left, t->rcv_nxt)) {
            i++;
            continue;
        }
        if (SEQ_GT(b->right, t->rcv_nxt)) {
            uint32_t d = b->right - t->rcv_nxt;
            t->rcv_nxt += d;
            t->rb_len += d;
            gained += d;
        }
        ooo_remove(t, i);
        i = 0;
    }
    return gained;
}

uint32_t tcp_rb_store(tcp_tcb_t *t, uint32_t seq, const uint8_t *p,
                      uint32_t n)
{
    if (!n)
        return 0;
    uint32_t off = seq - t->rcv_nxt; /* caller trimmed: 0 <= off < space */
    if (off && !ooo_add(t, seq, seq + n)) {
        NET_COUNT(tcp_drop_ooo);
        return 0;
    }
    ring_in(t->rbuf, NET_TCP_RCVBUF, (t->rb_head + t->rb_len + off) & RB_MASK,
            p, n);
    if (off)
        return 0;
    t->rcv_nxt += n;
    t->rb_len += n;
    return n + ooo_absorb(t);
}

uint32_t tcp_rb_read(tcp_tcb_t *t, uint8_t *p, uint32_t n)
{
    n = tcp_min(n, t->rb_len);
    ring_out(t->rbuf, NET_TCP_RCVBUF, t->rb_head, p, n);
    t->rb_head = (t->rb_head + n) & RB_MASK;
    t->rb_len -= n;
    return n;
}
