/* mote hosted platform: internals shared by its files.
 *
 * One epoll instance drives everything. Each file descriptor the platform
 * watches has a hosted_watch_t whose handler runs from platform_poll(),
 * i.e. in tick context, where calling kcomplete() is allowed. Descriptors
 * are edge-triggered: a handler records "readable"/"writable" and the
 * service drains the descriptor when it has requests to serve, so nothing
 * spins while the application has no request armed.
 */
#ifndef MOTE_HOSTED_H
#define MOTE_HOSTED_H

#include <stdint.h>
#include "kernel/kqueue.h"
#include "mote/kblk.h"
#include "mote/knet.h"
#include "mote/kwork.h"

typedef struct hosted_watch {
    void (*handler)(struct hosted_watch *w, uint32_t events);
    int fd;
} hosted_watch_t;

/* Watch (w->fd) for (events) (EPOLLIN, EPOLLOUT; EPOLLET is added). */
int hosted_watch(hosted_watch_t *w, uint32_t events);
void hosted_unwatch(hosted_watch_t *w);

/* Device set-up, called from platform_init with the boot arguments. */
void hosted_blk_init(const char *path);
void hosted_rng_init(void);
void hosted_udp_init(const char *hostfwd);
void hosted_tap_init(const char *ifname, const char *mac);
/* TCP from host sockets; only without tap= (then the IP stack serves it). */
void hosted_tcp_init(void);

/* The host port that guest port (guest) maps to (hostfwd=, udp.c): the
 * same mapping serves UDP and TCP. */
uint16_t hosted_host_port(uint16_t guest);

/* Pieces the epoll and io_uring versions of a device share. */
/* A UDP socket of (type_flags) (SOCK_NONBLOCK or 0) bound to 127.0.0.1 at
 * the host port hostfwd maps (port) to; (bound) gets the guest-side port.
 * Returns the descriptor or -KERR_BUSY / -KERR_INVALID / -KERR_NOMEM. */
int hosted_udp_socket(uint32_t port, int type_flags, uint16_t *bound);
/* Attach to TAP device (ifname) with (open_flags) added to O_RDWR, fill
 * (info) from (mac); the descriptor, or a start-up error. */
int hosted_tap_open(const char *ifname, const char *mac, int open_flags,
                    knet_info_t *info);
/* Open image file (path) and fill (info); -1 without a path (no device),
 * or a start-up error. */
int hosted_blk_open(const char *path, kblk_info_t *info);

/* Fatal start-up error: one line on stderr, exit status 1. */
_Noreturn void hosted_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
