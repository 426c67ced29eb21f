/* A standard wasm32-wasi program (wasi-libc, nothing mote-specific):
 * prints its arguments and environment, sleeps, reads the clock and the
 * random source, and exits with the code given as its first argument. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    printf("hello from wasi: argc=%d", argc);
    for (int i = 1; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
    const char *mode = getenv("MODE");
    if (mode)
        printf("env MODE=%s\n", mode);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    usleep(20000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("slept %s\n", ms >= 20 ? "at least 20 ms" : "too little");
    unsigned char r[16];
    arc4random_buf(r, sizeof r);
    int nonzero = 0;
    for (unsigned i = 0; i < sizeof r; i++)
        nonzero += r[i] != 0;
    printf("random bytes: %s\n", nonzero > 8 ? "ok" : "suspicious");
    fflush(stdout);
    return argc > 1 ? atoi(argv[1]) : 0;
}
