#!/usr/bin/env python3
"""Write a seed corpus for tests/fuzz/net_fuzz.c into DIR: well-formed
frames (ARP, ping, UDP to an open and a closed port, a DHCP offer) and
DHCP/DNS messages, so the fuzzer starts past the first checks."""
import os
import struct
import sys

US_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("02aabbccdd07")
BCAST = b"\xff" * 6
US, PEER = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 7])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, typ, payload):
    return dst + PEER_MAC + struct.pack("!H", typ) + payload


def ip(proto, payload, src=PEER, dst=US):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64,
                    proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(sport, dport, data, src=PEER, dst=US):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    ph = src + dst + struct.pack("!BBH", 0, 17, len(u))
    c = csum(ph + u) or 0xFFFF
    return u[:6] + struct.pack("!H", c) + u[8:]


def arp(op, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, PEER_MAC, PEER,
                       b"\0" * 6, tpa)


def ping():
    m = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"abcdefgh"
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def dhcp(typ):
    d = bytearray(240)
    d[0:3] = b"\x02\x01\x06"
    d[4:8] = b"\x12\x34\x56\x78"
    d[16:20] = bytes([10, 0, 0, 50])
    d[28:34] = US_MAC
    d[236:240] = b"\x63\x82\x53\x63"
    d += bytes([53, 1, typ, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 14, 16,
                1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1,
                6, 4, 10, 0, 0, 53, 255])
    return bytes(d)


def dns_resp():
    q = b"\x04host\x04test\x00\x00\x01\x00\x01"
    h = struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 2, 0, 0)
    cname = b"\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x07\x04real\xc0\x11"
    a = b"\x04real\xc0\x11\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x01\x02\x03"
    return h + q + cname + a


def frames(*fs):
    return b"".join(struct.pack("!H", len(f)) + f for f in fs)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "arp": b"\0" + frames(eth(BCAST, 0x0806, arp(1, US))),
        "ping": b"\0" + frames(eth(US_MAC, 0x0806, arp(2, US)),
                               eth(US_MAC, 0x0800, ip(1, ping()))),
        "udp_open": b"\0" + frames(eth(US_MAC, 0x0800,
                                       ip(17, udp(5555, 8080, b"hello")))),
        "udp_closed": b"\0" + frames(eth(US_MAC, 0x0800,
                                         ip(17, udp(5555, 9, b"x")))),
        "dns_frame": b"\0" + frames(eth(US_MAC, 0x0800, ip(17, udp(
            53, 49152, dns_resp(), src=bytes([10, 0, 0, 53]))))),
        "dhcp_frame": b"\3" + frames(eth(BCAST, 0x0800, ip(17, udp(
            67, 68, dhcp(2), src=bytes([10, 0, 0, 1]), dst=b"\xff" * 4),
            src=bytes([10, 0, 0, 1]), dst=b"\xff" * 4))),
        "dhcp_msg": b"\1" + dhcp(5),
        "dns_msg": b"\2\x12\x34" + dns_resp(),
    }
    # The same frame seeds with checksum fix-up on (mode bit 2).
    for name in [n for n, d in seeds.items() if d[0] in (0, 3)]:
        seeds[name + "_fixed"] = bytes([seeds[name][0] | 4]) + seeds[name][1:]
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
