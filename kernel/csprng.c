/* ChaCha20 CSPRNG with fast key erasure; see csprng.h. */
#include "crypto/chacha20.h"
#include "kernel/csprng.h"
#include "kernel/platform.h"
#include "lib/kstring.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "mote/printk.h"

#define POOL_BLOCKS 8

static struct {
    uint8_t key[CHACHA20_KEY_LEN];
    uint8_t buf[POOL_BLOCKS * CHACHA20_BLOCK_LEN];
    size_t avail;       /* unread bytes at the end of buf */
    uint32_t reseeds;
    uint8_t seed[32];
    krng_req_t req;
    ktimer_t timer;
} cs;

static const uint8_t zero_nonce[CHACHA20_NONCE_LEN];

static void refill(void)
{
    for (uint32_t i = 0; i < POOL_BLOCKS; i++)
        chacha20_block(cs.key, i, zero_nonce, cs.buf + i * CHACHA20_BLOCK_LEN);
    memcpy(cs.key, cs.buf, sizeof cs.key);
    memset(cs.buf, 0, sizeof cs.key);
    cs.avail = sizeof cs.buf - sizeof cs.key;
}

void kcsprng_mix(const void *seed, size_t len)
{
    const uint8_t *s = seed;
    for (size_t i = 0; i < len; i++)
        cs.key[i % sizeof cs.key] ^= s[i];
    refill(); /* the mixed key is used once, then replaced */
    cs.reseeds++;
}

void kcsprng_reset_for_test(void)
{
    memset(&cs, 0, sizeof cs);
}

int kcsprng_ready(void)
{
    return cs.reseeds > 0;
}

uint32_t kcsprng_reseeds(void)
{
    return cs.reseeds;
}

void kcsprng_fill(void *out, size_t len)
{
    if (!cs.reseeds)
        kpanic("kcsprng_fill before the CSPRNG was seeded");
    uint8_t *o = out;
    while (len) {
        if (!cs.avail)
            refill();
        size_t n = len < cs.avail ? len : cs.avail;
        uint8_t *src = cs.buf + sizeof cs.buf - cs.avail;
        memcpy(o, src, n);
        memset(src, 0, n);
        cs.avail -= n;
        o += n;
        len -= n;
    }
}

static void seed_done(kwork_t *w);

static void reseed_due(kwork_t *w)
{
    (void)w;
    krng_req_init(&cs.req, cs.seed, sizeof cs.seed, seed_done, NULL);
    if (ksubmit(&cs.req.work) != KERR_OK)
        printk(KLOG_WARN, "csprng: no RNG device to reseed from");
}

static void seed_done(kwork_t *w)
{
    if (w->result == KERR_OK)
        kcsprng_mix(cs.seed, sizeof cs.seed);
    else
        printk(KLOG_WARN, "csprng: seed read failed: %s", kerr_str(w->result));
    memset(cs.seed, 0, sizeof cs.seed);
    ktimer_init(&cs.timer, reseed_due, NULL);
    ktimer_start(&cs.timer, KCSPRNG_RESEED_NS);
}

void kcsprng_start(void)
{
    reseed_due(NULL);
}

void kcsprng_seed_fallback(void)
{
    uint64_t jitter[16];
    for (int i = 0; i < 16; i++) {
        uint64_t t0 = platform_now_ns();
        while (platform_now_ns() == t0)
            ;
        jitter[i] = platform_now_ns() ^ (t0 << 7);
    }
    printk(KLOG_WARN, "csprng: no entropy device; seeded from clock jitter only");
    kcsprng_mix(jitter, sizeof jitter);
}
