/* libFuzzer target for the IP stack: arbitrary frames into a booted stack
 * (static or DHCP configuration) and arbitrary bytes into the DHCP and DNS
 * parsers. The stack runs on the unit tests' fake platform, rebooted for
 * every input so each run is reproducible alone.
 *
 * Input: byte 0 picks the mode.
 *   0, 3  frames: [len_hi len_lo bytes...]... injected in turn, then the
 *         virtual clock runs 10 s (timers, retries); 3 boots with DHCP.
 *         With bit 2 set, IPv4/UDP/ICMP checksums are fixed up first, so
 *         mutations get past them to the layers above.
 *   1     a DHCP message for net_dhcp_parse
 *   2     [id_hi id_lo] a DNS response for net_dns_parse to "host.test"
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mote/ktime.h"
#include "mote/net.h"
#include "net/cksum.h"
#include "net/dhcp.h"
#include "net/dns.h"
#include "net/netif.h"
#include "net/wire.h"
#include "tests/fuzz/fuzz_rand.h"
#include "tests/unit/fake_platform.h"


static net_udp_sock_t sock;
static net_udp_req_t rx[2];
static uint8_t rxbuf[2][64];
static net_dns_req_t dns;

static void ignore(kwork_t *w)
{
    (void)w;
}

static void boot(int dhcp)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    fuzz_rand_reset();
    fake_boot(dhcp ? "dhcp_wait=3" : "ip=10.0.0.2/24 gw=10.0.0.1 dns=10.0.0.53");
    fake_net_attach(mac);
    fake_start_layers();
    memset(&sock, 0, sizeof sock);
    memset(rx, 0, sizeof rx);
    memset(&dns, 0, sizeof dns);
    if (net_udp_open(&sock, 8080) == KERR_OK)
        for (int i = 0; i < 2; i++) {
            net_udp_req_init(&rx[i], KOP_UDP_RECV, &sock, rxbuf[i],
                             sizeof rxbuf[i], ignore, 0);
            ksubmit(&rx[i].work);
        }
    net_dns_req_init(&dns, "host.test", ignore, 0);
    ksubmit(&dns.work);
    fake_settle();
}

/* Make the checksums of frame (f, n) right where the lengths allow. */
static void fix_checksums(uint8_t *f, size_t n)
{
    if (n < 34 || net_get16(f + 12) != 0x0800)
        return;
    uint8_t *ip = f + 14;
    size_t hl = (size_t)(ip[0] & 15) * 4, total = net_get16(ip + 2);
    if (hl < 20 || 14 + hl > n)
        return;
    net_put16(ip + 10, 0);
    net_put16(ip + 10, net_cksum(ip, hl));
    if (total < hl || 14 + total > n)
        return;
    uint8_t *p = ip + hl;
    size_t plen = total - hl;
    if (ip[9] == 1 && plen >= 8) {
        net_put16(p + 2, 0);
        net_put16(p + 2, net_cksum(p, plen));
    } else if (ip[9] == 17 && plen >= 8 && net_get16(p + 4) <= plen &&
               net_get16(p + 4) >= 8) {
        uint16_t ul = net_get16(p + 4);
        net_put16(p + 6, 0);
        uint32_t s = net_cksum_pseudo(net_get32(ip + 12), net_get32(ip + 16),
                                      17, ul);
        uint16_t c = net_cksum_fold(net_cksum_add(s, p, ul));
        net_put16(p + 6, c ? c : 0xffff);
    }
}

static void frames(const uint8_t *d, size_t n, int fix)
{
    static uint8_t buf[KNET_MAX_FRAME];
    while (n >= 2) {
        size_t len = ((size_t)d[0] << 8) | d[1];
        d += 2;
        n -= 2;
        if (len > n)
            len = n;
        if (len > sizeof buf)
            len = sizeof buf;
        memcpy(buf, d, len);
        if (fix)
            fix_checksums(buf, len);
        fake_net_inject(buf, (uint32_t)len);
        fake_settle();
        d += len;
        n -= len;
    }
    fake_run(10 * KTIME_S);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] & 3) {
    case 0:
    case 3:
        boot(data[0] & 3);
        frames(data + 1, size - 1, data[0] & 4);
        break;
    case 1: {
        net_dhcp_msg_t m;
        net_dhcp_parse(data + 1, (uint32_t)(size - 1), &m);
        break;
    }
    case 2: {
        net_dns_answer_t a;
        if (size >= 3)
            net_dns_parse(data + 3, (uint32_t)(size - 3),
                          (uint16_t)(data[1] << 8 | data[2]), "host.test", &a);
        break;
    }
    }
    return 0;
}
