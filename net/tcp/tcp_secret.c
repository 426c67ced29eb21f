/* net: TCP's keyed hashes: initial sequence numbers (RFC 6528), the
 * timestamp offset of a connection (RFC 7323 5.4) and SYN cookies.
 *
 * One PRF for all three: ChaCha20 (crypto/, RFC 8439) keyed with 32 bytes
 * from the CSPRNG, the four-tuple as nonce and a purpose tag plus one
 * extra word as block counter input. It is only computed per SYN or
 * cookie ACK, never per data segment.
 *
 * ISN = F(tuple) + 4-microsecond clock (RFC 6528 3): unguessable from
 * outside, yet increasing for one tuple, so TIME-WAIT reuse works.
 *
 * SYN cookies (used when a listener's half-open queue or the control block
 * pool is full): ISN = (F(tuple, peer ISN, minute) & ~7) | mss_index. The
 * ACK that completes the handshake is accepted if (ack - 1) matches for
 * this minute or the one before (so a cookie lives 64 to 128 s) and the
 * three low bits name an MSS from the table. Window scale and SACK
 * permission travel in the low six bits of our SYN-ACK's TSval when the
 * peer sent timestamps (as Linux does); without timestamps a cookie
 * connection runs without them.
 */
#include "net/tcp/tcp_int.h"
#include "crypto/chacha20.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "net/wire.h"

enum { TAG_ISN = 1, TAG_TS = 2, TAG_COOKIE = 3 };

static uint8_t key[CHACHA20_KEY_LEN];
static bool key_ready;

static const uint16_t cookie_mss[8] = {536, 1200, 1300, 1360,
                                       1400, 1440, 1452, 1460};

void tcp_secret_reset(void)
{
    memset(key, 0, sizeof key);
    key_ready = false;
}

static uint32_t prf(uint32_t tag, uint32_t lip, uint16_t lport, uint32_t pip,
                    uint16_t pport, uint32_t extra)
{
    if (!key_ready) {
        kcsprng_fill(key, sizeof key);
        key_ready = true;
    }
    uint8_t nonce[CHACHA20_NONCE_LEN], out[CHACHA20_BLOCK_LEN];
    net_put32(nonce, lip);
    net_put32(nonce + 4, pip);
    net_put16(nonce + 8, lport);
    net_put16(nonce + 10, pport);
    /* The counter is only 32 bits: fold the tag into the output choice. */
    chacha20_block(key, extra, nonce, out);
    uint32_t v = net_get32(out + 4 * (tag & 15));
    memset(out, 0, sizeof out);
    return v;
}

uint32_t tcp_isn(uint32_t lip, uint16_t lport, uint32_t pip, uint16_t pport)
{
    uint32_t m = (uint32_t)(ktime_now() / (4 * KTIME_US));
    return m + prf(TAG_ISN, lip, lport, pip, pport, 0);
}

uint32_t tcp_ts_offset(uint32_t lip, uint16_t lport, uint32_t pip,
                       uint16_t pport)
{
    return prf(TAG_TS, lip, lport, pip, pport, 0);
}

static uint32_t cookie_minute(void)
{
    return (uint32_t)(ktime_now() / (64 * KTIME_S));
}

static uint32_t cookie_hash(uint32_t lip, uint16_t lport, uint32_t pip,
                            uint16_t pport, uint32_t irs, uint32_t minute)
{
    /* The peer's ISN and the minute both feed the block counter, in two
     * blocks' worth of output words (tag picks the word). */
    return prf(TAG_COOKIE, lip, lport, pip, pport, irs ^ (minute * 0x9e3779b9u)) ^
           prf(TAG_COOKIE + 4, lip, lport, pip, pport, minute);
}

uint32_t tcp_cookie_make(uint32_t lip, uint16_t lport, uint32_t pip,
                         uint16_t pport, uint32_t irs, uint16_t mss)
{
    uint32_t idx = 0;
    for (uint32_t i = 0; i < 8; i++)
        if (cookie_mss[i] <= mss)
            idx = i;
    uint32_t h = cookie_hash(lip, lport, pip, pport, irs, cookie_minute());
    return (h & ~7u) | idx;
}

uint16_t tcp_cookie_check(uint32_t lip, uint16_t lport, uint32_t pip,
                          uint16_t pport, uint32_t irs, uint32_t c)
{
    uint32_t now = cookie_minute();
    for (uint32_t back = 0; back < 2; back++) {
        uint32_t h = cookie_hash(lip, lport, pip, pport, irs, now - back);
        if ((h & ~7u) == (c & ~7u))
            return cookie_mss[c & 7];
    }
    return 0;
}
