/* kmain and the event loop.
 *
 *   for (;;) { tick; if nothing is queued, wait for an interrupt or the
 *              next deadline }
 *
 * That is the whole kernel: no scheduler, no threads. Start-up is the
 * platform's device discovery, one reading of its wall clock, the layers'
 * KINIT hooks, the CSPRNG's first seed, then the application's app_main().
 */
#include "kernel/kboot.h"
#include "kernel/kinit.h"
#include "kernel/kloop.h"
#include "kernel/platform.h"
#include "kernel/kargs.h"
#include "kernel/kwall.h"
#include "kernel/csprng.h"
#include "mote/kapp.h"
#include "mote/krng.h"
#include "mote/ktime.h"
#include "mote/printk.h"

extern const kinit_fn __start_kinit[] __attribute__((weak));
extern const kinit_fn __stop_kinit[] __attribute__((weak));

void kcore_register(void)
{
    ktimer_register();
    kchan_register();
}

void kinit_run(void)
{
    for (const kinit_fn *f = __start_kinit; f && f < __stop_kinit; f++)
        (*f)();
}

uint64_t ktime_now(void)
{
    return platform_now_ns();
}

void kshutdown(int code)
{
    kloop.stopping = true;
    kloop.exit_code = code;
}

/* Turn the loop until (done) says so or (deadline) passes. Start-up only:
 * the CSPRNG seed must arrive before the application runs. */
static void run_until(int (*done)(void), uint64_t deadline)
{
    while (!done() && platform_now_ns() < deadline) {
        if (!ktick() && !done()) {
            uint64_t next = knext_deadline();
            platform_wait(next < deadline ? next : deadline);
        }
    }
}

void kstart(const char *cmdline)
{
    kargs_parse(cmdline);
    klog_wall = kargs_get_ulong("printk_wall", 0) != 0;
    kcore_register();
    platform_init();
    kwall_init();
    kboot_mark("platform");
    kinit_run();
    kboot_mark("layers");
    kcsprng_start();
    run_until(kcsprng_ready, platform_now_ns() + 2 * KTIME_S);
    if (!kcsprng_ready())
        kcsprng_seed_fallback();
    kboot_mark("rng");
    app_main();
    kboot_mark("app");
    kboot_done();
}

_Noreturn void kmain(const char *cmdline)
{
    kstart(cmdline);
    for (;;) {
        bool more = ktick();
        if (kloop.stopping)
            platform_exit(kloop.exit_code);
        if (!more)
            platform_wait(knext_deadline());
    }
}
