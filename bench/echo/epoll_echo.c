/* The baseline peer for the hosted echo benchmark: the plainest fast UDP
 * echo server on Linux, one socket, level-triggered epoll, recvfrom and
 * sendto until EAGAIN.  epoll_echo PORT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("epoll_echo: bind");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    printf("ready\n");
    fflush(stdout);
    char buf[2048];
    for (;;) {
        struct epoll_event out;
        if (epoll_wait(ep, &out, 1, -1) < 1)
            continue;
        for (;;) {
            struct sockaddr_in peer;
            socklen_t pl = sizeof peer;
            ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl);
            if (n < 0)
                break;
            sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, pl);
        }
    }
}
