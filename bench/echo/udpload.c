/* udpload: a UDP echo load generator for mote's benchmarks.
 *
 *   udpload latency PORT COUNT SIZE [HOST]    -> "p50_us=.. p99_us=.. lost=.."
 *   udpload rate PORT WINDOW SECONDS SIZE [HOST] -> "dgram_per_s=.. lost=.."
 *
 * Latency: COUNT sequential round trips, one datagram in flight.
 * Rate: WINDOW datagrams kept in flight for SECONDS; a datagram not
 * answered within 200 ms counts as lost and is replaced, so a dropping
 * server slows the rate instead of stalling the run. HOST (an IPv4
 * address) defaults to 127.0.0.1; bench/net gives a guest's address in a
 * network namespace.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *host = "127.0.0.1";

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "udpload: bad host %s\n", host);
        exit(2);
    }
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("udpload: socket");
        exit(1);
    }
    int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    return fd;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int latency(int port, int count, int size)
{
    int fd = connect_to(port);
    uint64_t *rtt = calloc((size_t)count, sizeof *rtt);
    char buf[65536], in[65536];
    int n = 0, lost = 0;
    for (int i = 0; i < count; i++) {
        memset(buf, 'a' + i % 26, (size_t)size);
        memcpy(buf, &i, sizeof i < (size_t)size ? sizeof i : (size_t)size);
        uint64_t t0 = now_ns();
        send(fd, buf, (size_t)size, 0);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        for (;;) {
            if (poll(&p, 1, 500) <= 0) {
                lost++;
                break;
            }
            ssize_t k = recv(fd, in, sizeof in, 0);
            if (k == size && memcmp(in, buf, (size_t)size) == 0) {
                rtt[n++] = now_ns() - t0;
                break;
            }
        }
    }
    qsort(rtt, (size_t)n, sizeof *rtt, cmp_u64);
    if (!n) {
        printf("p50_us=nan p99_us=nan lost=%d\n", lost);
        return 1;
    }
    printf("p50_us=%.1f p99_us=%.1f lost=%d\n", rtt[n / 2] / 1e3,
           rtt[(size_t)((n - 1) * 0.99)] / 1e3, lost);
    return 0;
}

static int rate(int port, int window, double seconds, int size)
{
    int fd = connect_to(port);
    char buf[65536], in[65536];
    memset(buf, 'r', sizeof buf);
    uint64_t start = now_ns(), end = start + (uint64_t)(seconds * 1e9);
    uint64_t got = 0, lost = 0;
    int inflight = 0;
    uint64_t last_progress = start;
    while (now_ns() < end) {
        while (inflight < window) {
            if (send(fd, buf, (size_t)size, 0) == size)
                inflight++;
            else
                break;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) > 0) {
            while (recv(fd, in, sizeof in, MSG_DONTWAIT) > 0) {
                got++;
                inflight--;
                last_progress = now_ns();
            }
        } else if (now_ns() - last_progress > 200000000u) {
            lost += (uint64_t)inflight; /* give up on them; refill */
            inflight = 0;
            last_progress = now_ns();
        }
    }
    double dt = (now_ns() - start) / 1e9;
    printf("dgram_per_s=%.0f lost=%llu\n", got / dt, (unsigned long long)lost);
    return 0;
}

int main(int argc, char **argv)
{
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "latency")) {
        if (argc == 6)
            host = argv[5];
        return latency(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    }
    if ((argc == 6 || argc == 7) && !strcmp(argv[1], "rate")) {
        if (argc == 7)
            host = argv[6];
        return rate(atoi(argv[2]), atoi(argv[3]), atof(argv[4]), atoi(argv[5]));
    }
    fprintf(stderr, "usage: udpload latency PORT COUNT SIZE [HOST] | "
                    "rate PORT WINDOW SECONDS SIZE [HOST]\n");
    return 2;
}
