/* net: WireGuard's timers (whitepaper 6), polled every WG_TIMER_TICK.
 *
 *  - Handshake retransmit: an initiation unanswered for REKEY_TIMEOUT (plus
 *    up to 1/3 s of jitter) is sent again, with fresh ephemeral keys, until
 *    REKEY_ATTEMPT_TIME has passed; then the staged packets are dropped.
 *  - New handshake: data sent and nothing received for KEEPALIVE_TIMEOUT +
 *    REKEY_TIMEOUT.
 *  - Passive keepalive: data received and nothing sent for
 *    KEEPALIVE_TIMEOUT: an empty packet tells the peer we are alive.
 *  - Persistent keepalive: nothing sent for PersistentKeepalive seconds.
 *  - Expiry: keypairs older than REJECT_AFTER_TIME are wiped; all key
 *    material goes after 3 * REJECT_AFTER_TIME without a new handshake.
 */
#include "crypto/ct.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "net/wg.h"

static ktimer_t timer;
static bool running, live; /* wanted; submitted */

static void expire(wg_keypair_t *kp, uint64_t now)
{
    if (kp->valid && now - kp->born >= WG_REJECT_AFTER_TIME)
        crypto_wipe(kp, sizeof *kp);
}

static void peer_timers(wg_peer_t *p, uint64_t now)
{
    if (p->hs.state == WG_HS_INIT_SENT) {
        uint8_t j;
        kcsprng_fill(&j, 1);
        uint64_t jitter = (uint64_t)j * (KTIME_S / 3) / 255;
        if (now - p->init_sent_at >= WG_REKEY_TIMEOUT + jitter) {
            if (now - p->attempt_start >= WG_REKEY_ATTEMPT_TIME) {
                crypto_wipe(&p->hs, sizeof p->hs);
                p->attempt_start = 0;
                wg_drop_staged(p);
            } else {
                wg_initiate(p, true);
            }
        }
    }
    if (p->last_data_tx && p->last_data_tx > p->last_rx &&
        now - p->last_data_tx >= WG_KEEPALIVE_TIMEOUT + WG_REKEY_TIMEOUT) {
        p->last_data_tx = 0;
        wg_initiate(p, false);
    }
    if (p->last_data_rx && p->last_data_rx > p->last_tx &&
        now - p->last_data_rx >= WG_KEEPALIVE_TIMEOUT && p->cur.valid)
        wg_send_keepalive(p);
    if (p->keepalive_s && p->endpoint.ip &&
        now - p->last_tx >= p->keepalive_s * KTIME_S)
        wg_send_keepalive(p);
    expire(&p->prev, now);
    expire(&p->cur, now);
    expire(&p->next, now);
    if (p->last_handshake &&
        now - p->last_handshake >= 3 * WG_REJECT_AFTER_TIME) {
        wg_peer_zero_keys(p);
        p->last_handshake = 0;
    }
}

void wg_timers_run(uint64_t now)
{
    for (unsigned i = 0; i < wg_dev.npeers; i++)
        peer_timers(&wg_dev.peers[i], now);
}

static void fired(kwork_t *w)
{
    live = false;
    if (!running || w->result == KERR_CANCELLED)
        return;
    wg_timers_run(ktime_now());
    live = ktimer_start(&timer, WG_TIMER_TICK) == KERR_OK;
}

void wg_timers_start(void)
{
    running = true;
    if (live)
        return;
    ktimer_init(&timer, fired, 0);
    live = ktimer_start(&timer, WG_TIMER_TICK) == KERR_OK;
}

void wg_timers_stop(void)
{
    running = false;
    if (live)
        kcancel(&timer.work);
}

void wg_timers_reset(void)
{
    memset(&timer, 0, sizeof timer);
    running = live = false;
}
