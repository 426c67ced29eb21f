#!/usr/bin/env python3
"""A lossy Ethernet forwarder: netem in user space (this kernel has none).

Usage: lossy_fwd.py MOTE_IF LINUX_TAP [--drop 0.05] [--dup 0.02]
                    [--reorder 0.03] [--seed N]

Sits between a mote kernel and the Linux stack, inside one network
namespace:
  MOTE_IF    the TAP device the kernel owns (hosted tap= or QEMU
             -netdev tap). Its Linux side has no address and NOARP; we read
             what the kernel sends and inject what it receives with an
             AF_PACKET socket bound to it.
  LINUX_TAP  a TAP device this program owns (created if missing); its
             Linux side carries the peer's address, so the Linux stack
             sends and receives through our file descriptor.
Every frame, either way, is dropped with probability --drop, sent twice
with --dup, or held back and sent after the next frame with --reorder.
Counts go to stderr when it ends (SIGTERM). ARP is never impaired, so the
test measures TCP rather than ARP's retry timer.
"""
import argparse
import fcntl
import os
import random
import select
import signal
import socket
import struct
import sys

TUNSETIFF = 0x400454ca
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
ETH_P_ALL = 3
PACKET_OUTGOING = 4


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(),
                                           IFF_TAP | IFF_NO_PI))
    return fd


class Lane:
    """One direction: impairments and their counts."""

    def __init__(self, name, out, args, rng):
        self.name, self.out, self.a, self.rng = name, out, args, rng
        self.held = None
        self.n = {"in": 0, "drop": 0, "dup": 0, "reorder": 0}

    def push(self, frame):
        self.n["in"] += 1
        if len(frame) >= 14 and frame[12:14] == b"\x08\x06":
            self.out(frame)  # ARP passes untouched
            return
        r = self.rng.random()
        if r < self.a.drop:
            self.n["drop"] += 1
            return
        if r < self.a.drop + self.a.reorder and self.held is None:
            self.n["reorder"] += 1
            self.held = frame
            return
        self.out(frame)
        if r < self.a.drop + self.a.reorder + self.a.dup:
            self.n["dup"] += 1
            self.out(frame)
        if self.held is not None:
            self.out(self.held)
            self.held = None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mote_if")
    ap.add_argument("linux_tap")
    ap.add_argument("--drop", type=float, default=0.05)
    ap.add_argument("--dup", type=float, default=0.02)
    ap.add_argument("--reorder", type=float, default=0.03)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tap = open_tap(a.linux_tap)
    os.system(f"ip link set {a.linux_tap} up")
    pk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_ALL))
    pk.bind((a.mote_if, 0))

    def to_mote(f):
        try:
            pk.send(f)
        except OSError:
            pass

    def to_linux(f):
        try:
            os.write(tap, f)
        except OSError:
            pass

    up = Lane("mote->linux", to_linux, a, rng)
    down = Lane("linux->mote", to_mote, a, rng)

    def report(*_):
        for lane in (up, down):
            print(f"lossy_fwd {lane.name}: {lane.n}", file=sys.stderr,
                  flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, report)
    print("lossy_fwd: ready", flush=True)
    while True:
        r, _, _ = select.select([pk, tap], [], [])
        if pk in r:
            f, addr = pk.recvfrom(65536)
            if addr[2] != PACKET_OUTGOING:
                up.push(f)
        if tap in r:
            down.push(os.read(tap, 65536))


if __name__ == "__main__":
    main()
