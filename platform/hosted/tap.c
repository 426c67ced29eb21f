/* Hosted frames: a Linux TAP device, for running the mote IP stack in a
 * process (boot argument tap=IFNAME; the device must exist and be usable by
 * this user, e.g. `ip tuntap add tap0 mode tap user $USER`). Receives are
 * served from the device in arrival order; while none is armed, frames wait
 * in the host's TAP queue (its txqueuelen bounds it). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kernel/kservice.h"
#include "mote/knet.h"
#include "mote/printk.h"
#include "platform/hosted/hosted.h"

static struct {
    hosted_watch_t watch;
    kqueue_t rx, tx;
    int readable, writable;
    knet_info_t info;
} tap = {.watch.fd = -1};

static void tap_serve(void)
{
    while (tap.rx.head && tap.readable) {
        knet_req_t *r = KCONTAINER_OF(tap.rx.head, knet_req_t, work);
        ssize_t n = read(tap.watch.fd, r->buf, r->len);
        if (n < 0) {
            if (errno != EINTR)
                tap.readable = 0;
            continue;
        }
        kq_pop(&tap.rx);
        r->done = (uint32_t)n;
        kcomplete(&r->work, KERR_OK);
    }
    while (tap.tx.head && tap.writable) {
        knet_req_t *r = KCONTAINER_OF(tap.tx.head, knet_req_t, work);
        ssize_t n = write(tap.watch.fd, r->buf, r->len);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            tap.writable = 0;
            break;
        }
        if (n < 0 && errno == EINTR)
            continue;
        kq_pop(&tap.tx);
        kcomplete(&r->work, n < 0 ? KERR_IO : KERR_OK);
    }
}

static void tap_event(hosted_watch_t *w, uint32_t events)
{
    (void)w;
    if (events & (EPOLLIN | EPOLLERR))
        tap.readable = 1;
    if (events & EPOLLOUT)
        tap.writable = 1;
    tap_serve();
}

static kerr_t tap_submit(kwork_t *w)
{
    knet_req_t *r = KCONTAINER_OF(w, knet_req_t, work);
    if (r->dev != 0 || tap.watch.fd < 0)
        return KERR_NO_DEVICE;
    if (!r->buf)
        return KERR_INVALID;
    if (w->op == KOP_NET_SEND) {
        if (r->len < 14 || r->len > KNET_MAX_FRAME)
            return KERR_INVALID;
        kq_push(&tap.tx, w);
    } else if (w->op == KOP_NET_RECV) {
        if (r->len < KNET_MAX_FRAME)
            return KERR_INVALID; /* a frame must always fit */
        kq_push(&tap.rx, w);
    } else {
        return KERR_INVALID;
    }
    tap_serve();
    return KERR_OK;
}

static bool tap_cancel(kwork_t *w)
{
    return kq_remove(&tap.rx, w) || kq_remove(&tap.tx, w);
}

static kerr_t tap_info(uint32_t dev, void *out)
{
    if (dev != 0 || tap.watch.fd < 0)
        return KERR_NO_DEVICE;
    *(knet_info_t *)out = tap.info;
    return KERR_OK;
}

static const kservice_t tap_service = {
    .name = "hosted-tap",
    .submit = tap_submit,
    .cancel = tap_cancel,
    .info = tap_info,
};

static void parse_mac(const char *s, uint8_t mac[6])
{
    unsigned m[6];
    if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
                     &m[4], &m[5]) != 6) {
        /* Locally administered, unicast: 02:6d:6f:74:65:01 ("mote"). */
        static const uint8_t def[6] = {0x02, 0x6d, 0x6f, 0x74, 0x65, 0x01};
        memcpy(mac, def, 6);
        return;
    }
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)m[i];
}

int hosted_tap_open(const char *ifname, const char *mac, int open_flags,
                    knet_info_t *info)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | open_flags);
    if (fd < 0)
        hosted_die("cannot open /dev/net/tun: %s", strerror(errno));
    struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI};
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        hosted_die("cannot attach to TAP device %s: %s", ifname, strerror(errno));
    /* No offloads: a TAP device keeps those a previous user (a QEMU with a
     * Linux guest) switched on, and the host would then hand us UDP with
     * unfinished checksums, which the stack rightly drops. */
    if (ioctl(fd, TUNSETOFFLOAD, 0) < 0)
        hosted_die("cannot reset offloads of TAP device %s: %s", ifname, strerror(errno));
    parse_mac(mac, info->mac);
    info->link_up = 1;
    info->mtu = 1500;
    printk(KLOG_INFO, "net0: TAP %s, mac %02x:%02x:%02x:%02x:%02x:%02x", ifname,
           info->mac[0], info->mac[1], info->mac[2], info->mac[3],
           info->mac[4], info->mac[5]);
    return fd;
}

void hosted_tap_init(const char *ifname, const char *mac)
{
    kservice_register(KOP_CLASS_NET, &tap_service);
    if (!ifname || !*ifname)
        return;
    tap.watch.fd = hosted_tap_open(ifname, mac, O_NONBLOCK, &tap.info);
    tap.watch.handler = tap_event;
    tap.writable = 1;
    if (hosted_watch(&tap.watch, EPOLLIN | EPOLLOUT) < 0)
        hosted_die("epoll: %s", strerror(errno));
}
