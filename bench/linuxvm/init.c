/* /init of the Linux comparison VM: the smallest Linux user space that
 * does what mote's echo app does, so a benchmark compares kernels, not
 * distributions.
 *
 * In order, like apps/echo:
 *   1. load the virtio modules listed in /etc/modules.list (the build
 *      script writes them in dependency order; Debian builds virtio as
 *      modules, so without this there is no NIC);
 *   2. read 32 bytes from /dev/hwrng and print them ("rng: <hex>");
 *   3. the block check on /dev/vda: bump a boot counter in sector 0,
 *      write, flush, read back ("blk: boot count N ok");
 *   4. lo up, eth0 = 10.0.2.15/24 up (QEMU user networking's guest
 *      address; the host forwards to it from 10.0.2.2, which is on-link,
 *      so no route is needed), then a UDP echo server on port 8080, and in
 *      a child process a TCP echo server on port 8080 (apps/tcpecho's
 *      peer for bench/tcp), one connection at a time; and, when
 *      bench/http appended it to the initramfs, nginx on TCP port 80.
 * The marker "linuxvm: echo ready" goes to the console before the loop.
 *
 * Built with glibc -static; nothing else is in the initramfs. PID 1 must
 * never exit, so a fatal error reboots (QEMU runs with -no-reboot and
 * exits).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ECHO_PORT 8080
#define BLK_MAGIC "MOTEBLK1" /* same sector-0 format as apps/echo */

static void die(const char *what)
{
    printf("linuxvm: FATAL %s: %s\n", what, strerror(errno));
    fflush(stdout);
    sync();
    reboot(RB_AUTOBOOT);
    for (;;)
        pause();
}

static void load_module(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        printf("linuxvm: %s: %s\n", path, strerror(errno));
        return;
    }
    if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
        printf("linuxvm: load %s: %s\n", path, strerror(errno));
    close(fd);
}

static void load_modules(void)
{
    FILE *f = fopen("/etc/modules.list", "r");
    char line[256];
    if (!f)
        die("/etc/modules.list");
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0])
            load_module(line);
    }
    fclose(f);
}

static void rng_check(void)
{
    unsigned char b[32];
    int fd = open("/dev/hwrng", O_RDONLY);
    if (fd < 0 || read(fd, b, sizeof b) != (ssize_t)sizeof b) {
        printf("rng: unavailable: %s\n", strerror(errno));
    } else {
        printf("rng: ");
        for (size_t i = 0; i < sizeof b; i++)
            printf("%02x", b[i]);
        printf("\n");
    }
    if (fd >= 0)
        close(fd);
}

static void blk_check(void)
{
    unsigned char s[512], back[512];
    unsigned long long count = 0;
    int fd = open("/dev/vda", O_RDWR);
    if (fd < 0 || pread(fd, s, sizeof s, 0) != (ssize_t)sizeof s) {
        printf("blk: no device: %s\n", strerror(errno));
        goto out;
    }
    if (memcmp(s, BLK_MAGIC, 8) == 0)
        memcpy(&count, s + 8, 8); /* little-endian, as on x86 */
    count++;
    memset(s, 0, sizeof s);
    memcpy(s, BLK_MAGIC, 8);
    memcpy(s + 8, &count, 8);
    for (unsigned i = 16; i < sizeof s; i++)
        s[i] = (unsigned char)(i * 7 + count);
    /* fdatasync then a re-read through a fresh descriptor: the flush
     * reaches the device, as mote's KOP_BLK_FLUSH does. */
    if (pwrite(fd, s, sizeof s, 0) != (ssize_t)sizeof s || fdatasync(fd) ||
        pread(fd, back, sizeof back, 0) != (ssize_t)sizeof back ||
        memcmp(s, back, sizeof s))
        printf("blk: FAILED: %s\n", strerror(errno));
    else
        printf("blk: boot count %llu ok\n", count);
out:
    if (fd >= 0)
        close(fd);
}

static void set_addr(int s, const char *ifname, unsigned long req, const char *ip)
{
    struct ifreq ifr = {0};
    struct sockaddr_in *sa = (struct sockaddr_in *)&ifr.ifr_addr;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    sa->sin_family = AF_INET;
    inet_pton(AF_INET, ip, &sa->sin_addr);
    if (ioctl(s, req, &ifr) < 0)
        die(ifname);
}

static void set_up(int s, const char *ifname)
{
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        die(ifname);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        die(ifname);
}

/* Module loading probes devices synchronously, but give a slow (TCG)
 * probe up to 10 s before giving up on eth0. */
static void wait_for_eth0(void)
{
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < 10000 && !if_nametoindex("eth0"); i++)
        nanosleep(&ms, NULL);
    if (!if_nametoindex("eth0"))
        die("no eth0");
}

static void net_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        die("socket");
    set_addr(s, "lo", SIOCSIFADDR, "127.0.0.1");
    set_up(s, "lo");
    wait_for_eth0();
    set_addr(s, "eth0", SIOCSIFADDR, "10.0.2.15");
    set_addr(s, "eth0", SIOCSIFNETMASK, "255.255.255.0");
    set_up(s, "eth0");
    close(s);
}

static void echo_loop(void)
{
    static char buf[65536];
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(ECHO_PORT)};
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("bind");
    printf("linuxvm: echo ready on udp port %d\n", ECHO_PORT);
    fflush(stdout);
    for (;;) {
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
        if (n >= 0)
            sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
    }
}

/* TCP echo: read until EOF, write everything back, then close. */
static void tcp_echo_child(void)
{
    if (fork() != 0)
        return;
    static char buf[65536];
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(ECHO_PORT)};
    int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 16) < 0) {
        printf("linuxvm: tcp echo: %s\n", strerror(errno));
        _exit(1);
    }
    printf("linuxvm: tcp echo ready on port %d\n", ECHO_PORT);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        ssize_t n;
        while ((n = read(c, buf, sizeof buf)) > 0) {
            for (ssize_t off = 0; off < n;) {
                ssize_t w = write(c, buf + off, (size_t)(n - off));
                if (w <= 0)
                    break;
                off += w;
            }
        }
        shutdown(c, SHUT_WR);
        close(c);
    }
}

/* nginx, when an added archive put it in the initramfs (bench/http/vm.py
 * appends nginx-light, its libraries and a configuration to serve HTTP on
 * port 80: the peer of mote's httpd). Absent in the plain image. */
static void nginx_child(void)
{
    if (access("/usr/sbin/nginx", X_OK) != 0)
        return;
    if (fork() != 0)
        return;
    char *argv[] = {"nginx", "-c", "/etc/nginx/bench.conf", "-e", "/dev/console", NULL};
    char *envp[] = {"PATH=/usr/sbin:/bin", NULL};
    printf("linuxvm: starting nginx on tcp port 80\n");
    execve("/usr/sbin/nginx", argv, envp);
    printf("linuxvm: nginx: %s\n", strerror(errno));
    _exit(1);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
        printf("linuxvm: mount devtmpfs: %s\n", strerror(errno));
    load_modules();
    rng_check();
    blk_check();
    net_up();
    tcp_echo_child();
    nginx_child();
    echo_loop();
    return 0;
}
