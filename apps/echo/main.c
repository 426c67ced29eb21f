/* The default application: RNG and block self-checks, then UDP echo.
 *
 * It runs unchanged on every platform. In order:
 *   1. print the wall clock as Unix seconds ("wall: <s>", or
 *      "wall: unknown (...)" without an RTC);
 *   2. print 32 bytes from the platform RNG ("rng: <hex>");
 *   3. the block check on device 0 (block_check.c): a boot counter in
 *      sector 0 that survives restarts ("blk: boot count N ok");
 *   4. UDP echo on port 8080 with ECHO_SLOTS receives armed, then one line
 *      that says how to try it from the host.
 * Nothing is printed per datagram.
 */
#include "apps/echo/echo.h"
#include "mote/ksm.h"
#include "mote/mote.h"

#define ECHO_PORT  8080
#define ECHO_SLOTS 32

typedef struct slot {
    net_udp_req_t rx, tx;
    uint8_t buf[NET_UDP_MAX_PAYLOAD];
} slot_t;

static net_udp_sock_t sock;
static slot_t slots[ECHO_SLOTS];
static krng_req_t rng;
static uint8_t rng_bytes[32];

static void rx_done(kwork_t *w);

static void arm(slot_t *s)
{
    kerr_t err = ksubmit(&s->rx.work);
    if (err)
        printk(KLOG_ERR, "echo: cannot arm receive: %s", kerr_str(err));
}

static void tx_done(kwork_t *w)
{
    arm(w->ctx);
}

static void rx_done(kwork_t *w)
{
    slot_t *s = w->ctx;
    if (w->result != KERR_OK && w->result != KERR_TOO_BIG) {
        if (w->result != KERR_CANCELLED)
            arm(s);
        return;
    }
    s->tx.len = s->rx.done;
    s->tx.peer = s->rx.peer;
    if (ksubmit(&s->tx.work) != KERR_OK)
        arm(s);
}

static void start_echo(void)
{
    kerr_t err = net_udp_open(&sock, ECHO_PORT);
    if (err) {
        printk(KLOG_ERR, "echo: cannot open udp port %d: %s", ECHO_PORT,
               kerr_str(err));
        kshutdown(1);
        return;
    }
    for (int i = 0; i < ECHO_SLOTS; i++) {
        slot_t *s = &slots[i];
        net_udp_req_init(&s->rx, KOP_UDP_RECV, &sock, s->buf, sizeof s->buf,
                         rx_done, s);
        net_udp_req_init(&s->tx, KOP_UDP_SEND, &sock, s->buf, 0, tx_done, s);
        arm(s);
    }
    unsigned long hostport = kargs_get_ulong("hostport", ECHO_PORT);
    printk(
        KLOG_INFO,
        "echo: ready on udp port %d; try: echo hello | nc -u -w1 127.0.0.1 %lu",
        ECHO_PORT, hostport);
}

/* The wall clock as Unix seconds, so a test can hold it against the
 * host's clock. */
static void print_wall(void)
{
    uint64_t ns;
    kerr_t err = ktime_wall(&ns);
    if (err)
        printk(KLOG_INFO, "wall: unknown (%s)", kerr_str(err));
    else
        printk(KLOG_INFO, "wall: %llu", (unsigned long long)(ns / KTIME_S));
}

/* Start-up, top to bottom: RNG bytes, the block check, then serve. */
static ksm_t startup, check;

static void check_done(ksm_t *c)
{
    ksm_resume(&startup, c->err);
}

static void start(ksm_t *m)
{
    char hex[2 * sizeof rng_bytes + 1];
    KSM_BEGIN(m);
    printk(KLOG_INFO, "mote echo: starting");
    print_wall();
    krng_req_init(&rng, rng_bytes, sizeof rng_bytes, NULL, NULL);
    KSM_AWAIT(m, &rng.work);
    if (m->refused) {
        printk(KLOG_ERR, "rng: %s", kerr_str(m->err));
    } else if (m->err) {
        printk(KLOG_ERR, "rng: read failed: %s", kerr_str(m->err));
    } else {
        for (unsigned i = 0; i < sizeof rng_bytes; i++)
            ksnprintf(hex + 2 * i, 3, "%02x", rng_bytes[i]);
        printk(KLOG_INFO, "rng: %s", hex);
    }
    echo_block_check(&check, check_done);
    KSM_WAIT(m);   /* its result is printed; echo starts either way */
    start_echo();
    KSM_END(m);
}

void app_main(void)
{
    ksm_start(&startup, start, NULL);
}
