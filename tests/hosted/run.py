#!/usr/bin/env python3
"""tests/hosted: the echo app as a real Linux process, against real
sockets and a real image file."""
import datetime
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from motetest import (Console, Results, echo_check_sector0, echo_sizes,  # noqa: E402
                      free_udp_port, main_guard, udp_roundtrip)

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "build/hosted/echo/mote.elf"
READY = r"echo: ready on udp port 8080"


def boot(image, port, extra=()):
    cmd = [KERNEL, f"drive={image}", f"hostfwd={port}:8080", f"hostport={port}", *extra]
    return Console(cmd)


def test_echo_and_counter(r, tmp, seed):
    image = os.path.join(tmp, "disk.img")
    with open(image, "wb") as f:
        f.truncate(1 << 20)
    rng = random.Random(seed)
    for boot_no in (1, 2):
        port = free_udp_port()
        started = time.time()
        vm = boot(image, port, () if boot_no == 1 else ("printk_wall=1",))
        m = vm.wait_for(READY, 10)
        if not r.check(f"boot{boot_no}_ready", m is not None, "no ready line:\n" + vm.log):
            vm.stop()
            return
        check_wall(r, f"boot{boot_no}", vm.log, started, time.time(), dated=boot_no == 2)
        r.check(f"boot{boot_no}_rng_printed",
                vm.wait_for(r"rng: [0-9a-f]{64}\n", 1) is not None, vm.log)
        r.check(f"boot{boot_no}_blk_count",
                vm.wait_for(rf"blk: boot count {boot_no} ok", 1) is not None, vm.log)
        r.check(f"boot{boot_no}_prints_try_line",
                f"nc -u -w1 127.0.0.1 {port}" in vm.log, vm.log)
        if boot_no == 1:
            bad = echo_sizes(port, range(1, 1473), rng)
            r.check("echo_sizes_1_to_1472", not bad, f"mismatched sizes: {bad[:10]}")
            test_truncation(r, port)
            test_in_flight(r, port, rng)
        vm.stop()
        r.check(f"boot{boot_no}_image_sector0", echo_check_sector0(image, boot_no),
                "sector 0 does not hold the expected magic/counter/pattern")


def check_wall(r, tag, log, started, seen, dated):
    """The echo app's "wall: <unix seconds>" is the host's realtime clock,
    which the hosted platform reads to the nanosecond: it must fall between
    the process start and the line being read (1 s of slack for the whole
    seconds). With printk_wall=1 the log prefix is that time in UTC."""
    m = re.search(r"^\[([^\]]*)\] I: wall: (\S+)$", log, re.M)
    ok = m and m[2].isdigit() and int(m[2]) != 0 and started - 1 <= int(m[2]) <= seen + 1
    if not r.check(f"{tag}_wall_clock", ok, f"{m[0] if m else None!r}, host "
                   f"{started:.3f}..{seen:.3f}\n{log}") or not dated:
        return
    try:
        prefix = datetime.datetime.strptime(m[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        prefix = 0
    r.check(f"{tag}_printk_wall_prefix", started - 1 <= prefix <= seen + 1
            and 0 <= prefix - int(m[2]) < 1, f"prefix {m[1]!r}\n{log}")


def test_truncation(r, port):
    """A datagram larger than the app's 1472-byte buffer is cut to it, and
    the server keeps serving."""
    got = udp_roundtrip(port, b"x" * 3000)
    r.check("oversize_datagram_truncated", got == b"x" * 1472,
            f"got {None if got is None else len(got)} bytes")
    r.check("serves_after_oversize", udp_roundtrip(port, b"after") == b"after")


def test_in_flight(r, port, rng):
    """32 datagrams in flight at once, all echoed (order may differ)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    sent = {bytes(rng.getrandbits(8) for _ in range(64)) for _ in range(32)}
    for p in sent:
        s.sendto(p, ("127.0.0.1", port))
    got = set()
    try:
        while len(got) < len(sent):
            got.add(s.recvfrom(2048)[0])
    except socket.timeout:
        pass
    s.close()
    r.check("echo_32_in_flight", got == sent, f"{len(got)} of {len(sent)} echoed")


def test_missing_image(r, tmp):
    image = os.path.join(tmp, "nope.img")
    p = subprocess.run([KERNEL, f"drive={image}", "hostfwd=0:8080"],
                       capture_output=True, text=True, timeout=10)
    lines = (p.stdout + p.stderr).strip().splitlines()
    r.check("missing_image_clear_error",
            p.returncode == 1 and len(lines) == 1 and "cannot open drive" in lines[0]
            and "No such file" in lines[0],
            f"exit {p.returncode}, output {lines}")


def test_port_in_use(r, tmp):
    image = os.path.join(tmp, "busy.img")
    with open(image, "wb") as f:
        f.truncate(1 << 20)
    hog = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    hog.bind(("127.0.0.1", 0))
    port = hog.getsockname()[1]
    vm = boot(image, port)
    try:
        rc = vm.proc.wait(10)
    except subprocess.TimeoutExpired:
        rc = None
    vm.stop()
    hog.close()
    r.check("port_in_use_clear_error",
            rc == 1 and "cannot bind udp 127.0.0.1:%d" % port in vm.log
            and "Address already in use" in vm.log and "PANIC" not in vm.log,
            f"exit {rc}, log:\n{vm.log}")


def test_bad_hostfwd(r):
    p = subprocess.run([KERNEL, "hostfwd=banana"], capture_output=True, text=True,
                       timeout=10)
    r.check("bad_hostfwd_clear_error",
            p.returncode == 1 and "bad hostfwd" in p.stderr, p.stderr)


def test_no_drive(r):
    port = free_udp_port()
    vm = Console([KERNEL, f"hostfwd={port}:8080"])
    ok = vm.wait_for(READY, 10) is not None and "blk: no device" in vm.log
    ok = ok and udp_roundtrip(port, b"still echoing") == b"still echoing"
    vm.stop(signal.SIGTERM)
    r.check("no_drive_still_serves", ok, vm.log)


def main():
    r = Results()
    seed = int(os.environ.get("MOTE_SEED", random.randrange(1 << 30)))
    print(f"tests/hosted: seed {seed}")
    with tempfile.TemporaryDirectory() as tmp:
        test_echo_and_counter(r, tmp, seed)
        test_missing_image(r, tmp)
        test_port_in_use(r, tmp)
        test_bad_hostfwd(r)
        test_no_drive(r)
    return r.finish()


if __name__ == "__main__":
    main_guard(main)
