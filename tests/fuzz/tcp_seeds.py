#!/usr/bin/env python3
"""Seeds for tests/fuzz/tcp_fuzz.c: for each state (and with/without
options), a few plausible segments in its input format:
[state] then [flags][seq_off:2][ack_off:2][wnd:2][optlen][opts][len][data].
Usage: tcp_seeds.py DIR"""
import os
import struct
import sys

FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def seg(flags, so=0, ao=0, wnd=65535, opts=b"", data=b""):
    return (struct.pack(">BhhHB", flags, so, ao, wnd, len(opts)) + opts +
            bytes([len(data)]) + data)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    ts = bytes([1, 1, 8, 10]) + struct.pack(">II", 5000, 1)
    sack = bytes([1, 1, 5, 10]) + struct.pack(">II", 100, 200)
    segs = [
        seg(ACK | PSH, data=b"hello"),
        seg(ACK, so=10, data=b"ooo"),
        seg(ACK, ao=100),
        seg(RST), seg(RST, so=5),
        seg(SYN), seg(SYN | ACK, ao=0),
        seg(FIN | ACK), seg(ACK | 0x40),
        seg(ACK, opts=ts, data=b"x"), seg(ACK, opts=sack),
        seg(ACK, wnd=0), seg(ACK, so=-3, data=b"old!"),
    ]
    k = 0
    for state in range(10):
        for opt in (0, 0x80):
            for s in segs:
                with open(os.path.join(d, f"seed{k:04d}"), "wb") as f:
                    f.write(bytes([state | opt]) + s + segs[(k * 7) % len(segs)])
                k += 1


if __name__ == "__main__":
    main()
