/* WASI clocks as a wasi-libc program sees them (tests/sandbox/run.py holds
 * the numbers against the host's clock): time(), CLOCK_REALTIME and its
 * resolution, CLOCK_MONOTONIC, and an absolute sleep on CLOCK_REALTIME,
 * which must end about when asked (not decades later, as it would if the
 * wall-clock deadline were taken as monotonic time). */
#include <stdio.h>
#include <time.h>

static long long ms_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000LL + (b->tv_nsec - a->tv_nsec) / 1000000;
}

int main(void)
{
    struct timespec rt, res, mono0, mono1, until, after;
    time_t t = time(NULL);
    if (clock_gettime(CLOCK_REALTIME, &rt) || clock_getres(CLOCK_REALTIME, &res) ||
        clock_gettime(CLOCK_MONOTONIC, &mono0)) {
        printf("clock: error\n");
        return 1;
    }
    printf("clock: time %lld\n", (long long)t);
    printf("clock: realtime %lld.%09ld\n", (long long)rt.tv_sec, rt.tv_nsec);
    printf("clock: realtime resolution %lld ns\n",
           (long long)res.tv_sec * 1000000000LL + res.tv_nsec);
    until = rt;
    until.tv_nsec += 300000000; /* 300 ms from now, on the wall clock */
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    int err = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL);
    clock_gettime(CLOCK_MONOTONIC, &mono1);
    clock_gettime(CLOCK_REALTIME, &after);
    printf("clock: absolute sleep err %d, %lld ms monotonic, woke %lld ms after the "
           "deadline\n", err, ms_between(&mono0, &mono1), ms_between(&until, &after));
    return 0;
}
