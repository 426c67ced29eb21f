/* Hosted platform: process entry, console, clocks, wait, exit.
 *
 * argv words are the kernel command line ("drive=disk.img hostfwd=8888:8080
 * tap=tap0 ..."), exactly what QEMU's -append carries on bare metal, so the
 * same boot arguments mean the same thing everywhere.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kmem.h"
#include "kernel/platform.h"
#include "mote/kapp.h"
#include "platform/hosted/hosted.h"
#include "platform/hosted/uring.h"

#define MAX_EVENTS 64

static int epfd = -1;
static struct epoll_event pending[MAX_EVENTS];
static int npending;

_Noreturn void hosted_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mote: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

int hosted_watch(hosted_watch_t *w, uint32_t events)
{
    struct epoll_event ev = {.events = events | EPOLLET, .data.ptr = w};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev);
}

void hosted_unwatch(hosted_watch_t *w)
{
    epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
    /* Forget events already fetched for it: its owner may be gone. */
    for (int i = 0; i < npending; i++)
        if (pending[i].data.ptr == w)
            pending[i].data.ptr = NULL;
}

void platform_console_write(const char *s, size_t n)
{
    while (n) {
        ssize_t k = write(STDOUT_FILENO, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        s += k;
        n -= (size_t)k;
    }
}

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Time since the process started, so logs read like a boot. */
static uint64_t t0;

uint64_t platform_now_ns(void)
{
    return host_ns() - t0;
}

/* The host's realtime clock (the kernel reads it once, at boot). */
uint64_t platform_wallclock_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) || ts.tv_sec < 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Events fetched here are handled by the next platform_poll(): nothing
 * runs in between, so they cannot go stale except through unwatch. */
void platform_wait(uint64_t deadline)
{
    if (hosted_uring_on) {
        hosted_uring_wait(deadline);
        return;
    }
    if (npending)
        return;
    struct timespec ts, *tsp = NULL;
    if (deadline != UINT64_MAX) {
        uint64_t now = platform_now_ns();
        uint64_t d = deadline > now ? deadline - now : 0;
        ts.tv_sec = (time_t)(d / 1000000000u);
        ts.tv_nsec = (long)(d % 1000000000u);
        tsp = &ts;
    }
    int n = epoll_pwait2(epfd, pending, MAX_EVENTS, tsp, NULL);
    npending = n > 0 ? n : 0;
}

void platform_poll(void)
{
    if (hosted_uring_on)
        hosted_uring_poll();
    else
        hosted_epoll_poll();
}

/* On io_uring this runs when the ring reports the epoll descriptor
 * readable (uring.c), so services still on hosted_watch keep working. */
void hosted_epoll_poll(void)
{
    if (!npending) {
        int n = epoll_wait(epfd, pending, MAX_EVENTS, 0);
        npending = n > 0 ? n : 0;
    }
    int n = npending;
    for (int i = 0; i < n; i++) {
        hosted_watch_t *w = pending[i].data.ptr;
        if (w)
            w->handler(w, pending[i].events);
    }
    npending = 0;
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

_Noreturn void platform_exit(int code)
{
    fflush(stdout);
    _exit(code);
}

void platform_panic_dump(void)
{
}

/* The kernel's RAM: one large anonymous mapping, committed by the host
 * only as pages are touched (boot arg mem=MiB, default 1024). */
static void hosted_mem_init(void)
{
    size_t mib = kargs_get_ulong("mem", 1024);
    size_t size = mib << 20;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        hosted_die("cannot map %zu MiB of kernel memory: %s", mib, strerror(errno));
    kmem_add((uintptr_t)p, size);
}

void platform_init(void)
{
    hosted_mem_init();
    hosted_rng_init();
    hosted_udp_init(kargs_get("hostfwd"));
    if (hosted_uring_start(epfd)) { /* uring_*.c replace the epoll services */
        hosted_uring_blk_init(kargs_get("drive"));
        hosted_uring_udp_init();
        hosted_uring_tap_init(kargs_get("tap"), kargs_get("mac"));
    } else {
        hosted_blk_init(kargs_get("drive"));
        hosted_tap_init(kargs_get("tap"), kargs_get("mac"));
    }
    /* TCP from host sockets unless the IP stack has a TAP device; it runs
     * on epoll readiness under either back end (docs/hosted.md). */
    const char *tap = kargs_get("tap");
    if (!tap || !*tap)
        hosted_tcp_init();
    hosted_uring_report();
}

int main(int argc, char **argv)
{
    static char cmdline[4096];
    size_t len = 0;
    for (int i = 1; i < argc; i++) {
        int n = snprintf(cmdline + len, sizeof cmdline - len, "%s%s",
                         i > 1 ? " " : "", argv[i]);
        if (n < 0 || (size_t)n >= sizeof cmdline - len)
            hosted_die("command line too long");
        len += (size_t)n;
    }
    t0 = host_ns();
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IONBF, 0);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        hosted_die("epoll_create1: %s", strerror(errno));
    kmain(cmdline);
}
