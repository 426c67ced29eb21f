/* net: the stack's single poll timer (see timer.h). */
#include "net/timer.h"
#include "lib/kstring.h"
#include "mote/ktime.h"
#include "net/arp.h"
#include "net/dns.h"
#include "net/tcp.h"
#include "net/udp.h"

static ktimer_t timer;
static uint8_t timer_ready, timer_live;
static uint64_t timer_at;

static void timer_fired(kwork_t *w);

static void timer_arm(uint64_t when)
{
    uint64_t now = ktime_now();
    if (!timer_ready) {
        ktimer_init(&timer, timer_fired, 0);
        timer_ready = 1;
    }
    if (ktimer_start(&timer, when > now ? when - now : 0) == KERR_OK) {
        timer_live = 1;
        timer_at = when;
    }
}

void net_timer_run(void)
{
    uint64_t now = ktime_now();
    uint64_t next = net_arp_poll(now);
    uint64_t t = net_udp_poll(now);
    if (t < next)
        next = t;
    t = net_dns_poll(now);
    if (t < next)
        next = t;
    t = net_tcp_poll(now);
    if (t < next)
        next = t;
    if (next != UINT64_MAX && !timer_live)
        timer_arm(next);
    else if (next != UINT64_MAX)
        net_timer_kick(next);
}

static void timer_fired(kwork_t *w)
{
    (void)w;
    timer_live = 0;
    net_timer_run();
}

void net_timer_reset(void)
{
    memset(&timer, 0, sizeof timer);
    timer_ready = timer_live = 0;
    timer_at = 0;
}

void net_timer_kick(uint64_t when)
{
    if (!timer_live) {
        timer_arm(when);
        return;
    }
    /* Already armed earlier: nothing to do. Else pull it in: the cancelled
     * timer's callback polls everything and re-arms at the right time. */
    if (when < timer_at) {
        timer_at = when;
        kcancel(&timer.work);
    }
}
