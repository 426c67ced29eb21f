/* psync_peer: the blkbench workload done the plain way, for bench/blk:
 * QD threads each doing blocking pread/pwrite on the image file (fio's
 * psync engine with numjobs=QD), so QD requests are in flight.
 *
 *   psync_peer PATH PHASE SECS QD BS SPAN_MIB
 *   -> "ops_per_s=N p50_us=N p99_us=N"
 *
 * PHASE: randread, randwrite, or commit (each thread writes one block,
 * then one thread calls fdatasync, all in step: a durable batch of QD;
 * latency per batch). Same random block choice as apps/blkbench. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES (1u << 20)

static int fd, phase, qd, bs;
static uint64_t blocks, t_end;
static uint32_t *lat;
static unsigned long nlat, ops;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t bar;
static volatile int stop;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void record(uint64_t ns, unsigned long n)
{
    pthread_mutex_lock(&lock);
    if (nlat < MAX_SAMPLES)
        lat[nlat++] = (uint32_t)(ns / 1000);
    ops += n;
    pthread_mutex_unlock(&lock);
}

static void *worker(void *arg)
{
    uint64_t rng = 0x9e3779b97f4a7c15u ^ ((uintptr_t)arg * 0x2545f4914f6cdd1du);
    char *buf = aligned_alloc(4096, (size_t)bs);
    memset(buf, (int)(uintptr_t)arg, (size_t)bs);
    for (;;) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        off_t off = (off_t)((rng % blocks) * (uint64_t)bs);
        uint64_t t0 = now_ns();
        ssize_t n = phase == 0 ? pread(fd, buf, (size_t)bs, off) : pwrite(fd, buf, (size_t)bs, off);
        if (n != bs) {
            perror("psync_peer: I/O");
            exit(1);
        }
        if (phase != 2) {
            record(now_ns() - t0, 1);
            if (now_ns() >= t_end)
                return NULL;
            continue;
        }
        /* commit: all write, one syncs, all check the clock together */
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD) {
            if (fdatasync(fd)) {
                perror("psync_peer: fdatasync");
                exit(1);
            }
            record(now_ns() - t0, (unsigned long)qd);
            stop = now_ns() >= t_end;
        }
        pthread_barrier_wait(&bar);
        if (stop)
            return NULL;
    }
}

static int cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: psync_peer PATH randread|randwrite|commit SECS QD BS SPAN_MIB\n");
        return 2;
    }
    phase = !strcmp(argv[2], "randread") ? 0 : !strcmp(argv[2], "randwrite") ? 1 : 2;
    qd = atoi(argv[4]);
    bs = atoi(argv[5]);
    fd = open(argv[1], O_RDWR);
    off_t size = fd < 0 ? 0 : lseek(fd, 0, SEEK_END);
    uint64_t span = (uint64_t)atol(argv[6]) << 20;
    blocks = (span < (uint64_t)size ? span : (uint64_t)size) / (uint64_t)bs;
    if (fd < 0 || qd < 1 || bs < 512 || !blocks) {
        perror("psync_peer: bad arguments or file");
        return 2;
    }
    lat = malloc(MAX_SAMPLES * sizeof *lat);
    pthread_barrier_init(&bar, NULL, (unsigned)qd);
    uint64_t t0 = now_ns();
    t_end = t0 + (uint64_t)(atof(argv[3]) * 1e9);
    pthread_t t[256];
    for (int i = 0; i < qd && i < 256; i++)
        pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
    for (int i = 0; i < qd && i < 256; i++)
        pthread_join(t[i], NULL);
    double secs = (double)(now_ns() - t0) / 1e9;
    qsort(lat, nlat, sizeof *lat, cmp);
    printf("ops_per_s=%.0f p50_us=%u p99_us=%u\n", (double)ops / secs,
           nlat ? lat[nlat / 2] : 0, nlat ? lat[nlat * 99 / 100] : 0);
    return 0;
}
