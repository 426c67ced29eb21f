#!/usr/bin/env python3
"""Seeds for tests/fuzz/wg_fuzz.c: configurations, messages of every type
and length, and inner IPv4/UDP/ICMP packets for the sealed mode."""
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
KEY = "UMAccFCpAjqIjmZOKM7fXbDN04GuB/qSTwWcCfvXAUc="
PUB = "4MPSdpEPdpofDr3pWIHsKJjGjJK9bRs772xP7lTnXEY="
seeds = {
    "conf": b"\0[Interface]\nPrivateKey = " + KEY.encode() + b"\nAddress = 10.1.0.2/24\n"
            b"ListenPort = 1\n[Peer]\nPublicKey = " + PUB.encode() +
            b"\nAllowedIPs = 10.1.0.0/24, 0.0.0.0/0\nEndpoint = 1.2.3.4:5\n"
            b"PersistentKeepalive = 25\nPresharedKey = " + KEY.encode() + b"\n",
}


def msgs(*ms):
    return b"\1" + b"".join(struct.pack(">H", len(m)) + m for m in ms)


init = bytes([1, 0, 0, 0]) + os.urandom(144)
resp = bytes([2, 0, 0, 0]) + os.urandom(88)
cookie = bytes([3, 0, 0, 0]) + os.urandom(60)
data = bytes([4, 0, 0, 0, 7, 0, 0, 0]) + bytes(8) + os.urandom(48)
seeds["msgs"] = msgs(init, resp, cookie, data, b"\4\0\0\0", bytes(200))


def ipv4(proto, payload, src="10.77.0.1", dst="10.77.0.2"):
    a = bytes(map(int, src.split("."))) + bytes(map(int, dst.split(".")))
    total = 20 + len(payload)
    h = struct.pack(">BBHHHBBH", 0x45, 0, total, 1, 0x4000, 64, proto, 0) + a
    s = sum(struct.unpack(">10H", h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return h[:10] + struct.pack(">H", ~s & 0xffff) + h[12:] + payload


udp = struct.pack(">HHHH", 40000, 8080, 8 + 5, 0) + b"hello"
icmp = bytes([8, 0, 0, 0, 0, 1, 0, 1]) + b"ping"
pkts = [ipv4(17, udp), ipv4(1, icmp), ipv4(17, udp, src="10.99.0.1"), b""]
seeds["sealed"] = b"\2" + b"".join(
    bytes([i]) + struct.pack(">H", len(p)) + p for i, p in enumerate(pkts + pkts))
for name, blob in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(blob)
