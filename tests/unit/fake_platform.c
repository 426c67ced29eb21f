/* The fake platform for unit tests; see fake_platform.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/csprng.h"
#include "kernel/kargs.h"
#include "kernel/kblk_check.h"
#include "kernel/kalloc_heap.h"
#include "kernel/kinit.h"
#include "kernel/kboot.h"
#include "kernel/kloop.h"
#include "kernel/kmem.h"
#include "kernel/kwall.h"
#include "kernel/platform.h"
#include "mote/kapp.h"
#include "mote/krng.h"
#include "mote/printk.h"
#include "tests/unit/fake_internal.h"
#include "tests/unit/fake_platform.h"
#include "tests/unit/test.h"

uint64_t fake_now;
jmp_buf *fake_panic_jmp;

/* Completions waiting for the next platform_poll, in order. */
static struct pending {
    kwork_t *w;
    kerr_t res;
} pend[1024];
static int npend;

void fake_deliver_later(kwork_t *w, kerr_t res)
{
    if (npend == (int)(sizeof pend / sizeof pend[0])) {
        fprintf(stderr, "fake: too many pending completions\n");
        abort();
    }
    pend[npend].w = w;
    pend[npend].res = res;
    npend++;
}

/* ---------------------------------------------------------------- console */
static char console[65536];
static size_t console_len;

void platform_console_write(const char *s, size_t n)
{
    if (getenv("MOTE_VERBOSE"))
        fwrite(s, 1, n, stdout);
    if (n >= sizeof console)
        return;
    if (console_len + n >= sizeof console)
        console_len = 0;
    memcpy(console + console_len, s, n);
    console_len += n;
    console[console_len] = 0;
}

const char *fake_console(void)
{
    return console;
}

/* ---------------------------------------------------------------- basics */
uint64_t platform_now_ns(void)
{
    return fake_now;
}

unsigned long platform_irq_save(void)
{
    return 0;
}

void platform_irq_restore(unsigned long flags)
{
    (void)flags;
}

uint64_t platform_dma_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

uint64_t fake_wall_ns;

uint64_t platform_wallclock_ns(void)
{
    return fake_wall_ns ? fake_wall_ns + fake_now : 0;
}

void platform_init(void)
{
}

void platform_panic_dump(void)
{
}

_Noreturn void platform_exit(int code)
{
    if (fake_panic_jmp)
        longjmp(*fake_panic_jmp, 1);
    fprintf(stderr, "fake: platform_exit(%d) outside FAKE_PANICS\n%s\n", code,
            console);
    exit(2);
}

__attribute__((weak)) void app_main(void)
{
}

/* ---------------------------------------------------------------- RNG */
static kerr_t rng_submit(kwork_t *w)
{
    krng_req_t *r = KCONTAINER_OF(w, krng_req_t, work);
    uint8_t *p = r->buf;
    for (uint32_t i = 0; i < r->len; i++)
        p[i] = (uint8_t)test_rand();
    fake_deliver_later(w, KERR_OK);
    return KERR_OK;
}

static const kservice_t rng_service = {.name = "fake-rng", .submit = rng_submit};

/* ---------------------------------------------------------------- scripted device */
static kerr_t dev_submit(kwork_t *w);
static bool dev_cancel(kwork_t *w);
static fake_dev_t *devs[KOP_CLASS__COUNT];

void fake_dev_attach(fake_dev_t *d, unsigned cls)
{
    memset(&d->held, 0, sizeof d->held);
    d->nheld = 0;
    d->submits = d->cancels = 0;
    d->cls = cls;
    d->svc.name = "fake-dev";
    d->svc.submit = dev_submit;
    d->svc.cancel = dev_cancel;
    devs[cls] = d;
    kservice_register(cls, &d->svc);
}

static void dev_drop(fake_dev_t *d, kwork_t *w)
{
    for (int i = 0; i < d->nheld; i++) {
        if (d->held[i] == w) {
            d->held[i] = d->held[--d->nheld];
            return;
        }
    }
}

bool fake_dev_holds(const fake_dev_t *d, const kwork_t *w)
{
    for (int i = 0; i < d->nheld; i++)
        if (d->held[i] == w)
            return true;
    return false;
}

static kerr_t dev_submit(kwork_t *w)
{
    fake_dev_t *d = devs[KOP_CLASS(w->op)];
    d->submits++;
    if (d->refuse)
        return d->refuse;
    d->held[d->nheld++] = w;
    return KERR_OK;
}

static bool dev_cancel(kwork_t *w)
{
    fake_dev_t *d = devs[KOP_CLASS(w->op)];
    d->cancels++;
    /* Already finished (completion on its way to poll) or not retractable:
     * the device keeps it, exactly like hardware that raced the cancel. */
    if (!d->retractable || !fake_dev_holds(d, w))
        return false;
    dev_drop(d, w);
    return true;
}

void fake_dev_complete(fake_dev_t *d, kwork_t *w, kerr_t res)
{
    dev_drop(d, w);
    fake_deliver_later(w, res);
}

/* ---------------------------------------------------------------- loop */
void platform_poll(void)
{
    int n = npend;
    struct pending now[1024];
    memcpy(now, pend, (size_t)n * sizeof now[0]);
    memmove(pend, pend + n, (size_t)(npend - n) * sizeof pend[0]);
    npend -= n;
    for (int i = 0; i < n; i++)
        kcomplete(now[i].w, now[i].res);
    fake_blk_poll();
}


void platform_wait(uint64_t deadline)
{
    if (npend || fake_blk_busy()) {
        uint64_t step = fake_now + 10000; /* devices take 10 us */
        fake_now = step < deadline ? step : deadline;
    } else if (deadline != UINT64_MAX && deadline > fake_now) {
        fake_now = deadline;
    }
}

void fake_run(uint64_t ns)
{
    uint64_t end = fake_now + ns;
    while (!kloop.stopping) {
        if (ktick())
            continue;
        if (kloop.stopping)
            break;
        uint64_t next = knext_deadline();
        bool busy = npend || fake_blk_busy();
        if (!busy && (next == UINT64_MAX || next > end)) {
            if (end > fake_now)
                fake_now = end;
            break;
        }
        platform_wait(next < end ? next : end);
        if (fake_now >= end && !busy)
            break;
    }
}

void fake_settle(void)
{
    while (ktick() || npend || fake_blk_busy())
        if (!npend && fake_blk_busy())
            platform_wait(fake_now + 10000);
}

/* ---------------------------------------------------------------- boot */

static void boot(const char *cmdline, bool keep_disk)
{
    static _Alignas(64) uint8_t arena[16 << 20];
    kloop_reset();
    kboot_reset();
    kmem_reset();
    kalloc_global_reset();
    kmem_add((uintptr_t)arena, sizeof arena);
    npend = 0;
    memset(devs, 0, sizeof devs);
    console_len = 0;
    console[0] = 0;
    fake_now = 1000000;
    fake_wall_ns = 0;
    kwall_reset();
    klog_wall = false;
    kargs_parse(cmdline ? cmdline : "");
    kcore_register();
    kservice_register(KOP_CLASS_RNG, &rng_service);
    fake_blk_reset(keep_disk);
    fake_net_reset();
    uint8_t seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)test_rand();
    kcsprng_mix(seed, sizeof seed);
}

void fake_boot(const char *cmdline)
{
    boot(cmdline, false);
}

void fake_reboot(const char *cmdline)
{
    boot(cmdline, true);
}

void fake_start_layers(void)
{
    kinit_run();
}
