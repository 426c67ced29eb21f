#!/usr/bin/env python3
"""tests/hosted: the echo app as a real Linux process, against real
sockets and a real image file.

HOSTED_IO=epoll|uring (environment) adds the boot argument io=... to every
boot, so the same checks run on either I/O back end (make hosted-test runs
the default, io_uring; make hosted-epoll-test runs them on epoll). The
io_uring fall-back checks (a forced set-up failure, a seccomp filter that
forbids io_uring) run in both."""
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
HOSTED_IO = os.environ.get("HOSTED_IO", "")
IO_ARGS = [f"io={HOSTED_IO}"] if HOSTED_IO else []
IO_LINE = ("hosted: I/O on epoll (io=epoll)" if HOSTED_IO == "epoll"
           else "hosted: I/O on io_uring")
def host_has_uring():
    """Whether this host lets a process create an io_uring (our own probe,
    independent of the kernel under test): io_uring_setup(2) is 425."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)  # struct io_uring_params
    fd = libc.syscall(425, 1, params)
    if fd < 0:
        return False
    os.close(fd)
    return True


NO_URING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no_uring.py")


def boot(image, port, extra=(), io=None, wrap=()):
    cmd = [*wrap, KERNEL, f"drive={image}", f"hostfwd={port}:8080", f"hostport={port}",
           *(IO_ARGS if io is None else io), *extra]
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
        if HOSTED_IO == "epoll" or host_has_uring():
            r.check(f"boot{boot_no}_io_backend_line", vm.log.count("hosted: ") == 1
                    and IO_LINE in vm.log, f"want one line '{IO_LINE}':\n" + vm.log)
        else:
            r.skip(f"boot{boot_no}_io_backend_line",
                   "this host refuses io_uring_setup (seccomp or kernel.io_uring_disabled)")
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


def test_truncation(r, port, prefix=""):
    """A datagram larger than the app's 1472-byte buffer is cut to it, and
    the server keeps serving."""
    got = udp_roundtrip(port, b"x" * 3000)
    r.check(prefix + "oversize_datagram_truncated", got == b"x" * 1472,
            f"got {None if got is None else len(got)} bytes")
    r.check(prefix + "serves_after_oversize", udp_roundtrip(port, b"after") == b"after")


def test_in_flight(r, port, rng, prefix=""):
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
    r.check(prefix + "echo_32_in_flight", got == sent, f"{len(got)} of {len(sent)} echoed")


def test_missing_image(r, tmp):
    image = os.path.join(tmp, "nope.img")
    p = subprocess.run([KERNEL, f"drive={image}", "hostfwd=0:8080", *IO_ARGS],
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
    p = subprocess.run([KERNEL, "hostfwd=banana", *IO_ARGS], capture_output=True, text=True,
                       timeout=10)
    r.check("bad_hostfwd_clear_error",
            p.returncode == 1 and "bad hostfwd" in p.stderr, p.stderr)


def test_no_drive(r):
    port = free_udp_port()
    vm = Console([KERNEL, f"hostfwd={port}:8080", *IO_ARGS])
    ok = vm.wait_for(READY, 10) is not None and "blk: no device" in vm.log
    ok = ok and udp_roundtrip(port, b"still echoing") == b"still echoing"
    vm.stop(signal.SIGTERM)
    r.check("no_drive_still_serves", ok, vm.log)


def test_uring_fallback(r, tmp, name, why, extra=(), wrap=()):
    """io_uring refused at start-up (auto mode): one warning line that says
    why, then the system runs on epoll: block check and echo work."""
    image = os.path.join(tmp, f"{name}.img")
    with open(image, "wb") as f:
        f.truncate(1 << 20)
    port = free_udp_port()
    vm = boot(image, port, extra, io=[], wrap=wrap)
    ok = vm.wait_for(READY, 10) is not None
    want = f"W: hosted: io_uring unavailable ({why}); I/O on epoll"
    lines = [ln for ln in vm.log.splitlines() if "hosted: " in ln]
    r.check(f"{name}_one_fallback_line", ok and len(lines) == 1 and lines[0].endswith(want),
            f"want one line ending '{want}', got {lines}:\n{vm.log}")
    r.check(f"{name}_blk_on_epoll", vm.wait_for(r"blk: boot count 1 ok", 1) is not None,
            vm.log)
    r.check(f"{name}_echo_on_epoll", ok and udp_roundtrip(port, b"fallback") == b"fallback",
            vm.log)
    vm.stop()


def test_boot_trace(r):
    """boot_trace=1: one line with every start-up phase (kernel/kboot.h)."""
    import re
    port = free_udp_port()
    vm = Console([KERNEL, f"hostfwd={port}:8080", "boot_trace=1", *IO_ARGS])
    ok = vm.wait_for(READY, 10) is not None
    vm.stop(signal.SIGTERM)
    lines = re.findall(r"boot: (.*)", vm.log)
    want = (r"platform \d+\.\d{3} ms, layers \d+\.\d{3} ms, rng \d+\.\d{3} ms, "
            r"app \d+\.\d{3} ms; ready at \d+\.\d{3} ms")
    r.check("boot_trace_one_line", ok and len(lines) == 1 and re.fullmatch(want, lines[0]),
            vm.log)


def test_uring_min(r, tmp, seed):
    """io_uring_min=1: the io_uring paths for hosts older than Linux 6.0 (one
    RECVMSG per receive on its buffer, SENDMSG, a ring without set-up
    flags) serve the same echo and block check."""
    image = os.path.join(tmp, "min.img")
    with open(image, "wb") as f:
        f.truncate(1 << 20)
    port = free_udp_port()
    vm = boot(image, port, ["io_uring_min=1"], io=["io=uring"])
    ok = vm.wait_for(READY, 10) is not None
    r.check("min_boots_on_plain_io_uring",
            ok and "hosted: I/O on io_uring (io_uring_min=1)" in vm.log, vm.log)
    r.check("min_blk_count", vm.wait_for(r"blk: boot count 1 ok", 1) is not None, vm.log)
    if ok:
        rng = random.Random(seed)
        bad = echo_sizes(port, rng.sample(range(1, 1473), 200), rng)
        r.check("min_echo_sizes", not bad, f"mismatched sizes: {bad[:10]}")
        test_truncation(r, port, "min_")
        test_in_flight(r, port, rng, "min_")
    vm.stop()


def test_batching(r, tmp):
    """On io_uring, many requests per system call: 320 datagrams echoed in
    bursts of 32 (with a block check at boot) take far fewer io_uring_enter
    calls than datagrams, and no per-datagram socket calls at all (counted
    by strace). One enter per request would take at least 640."""
    trace = os.path.join(tmp, "strace.txt")
    image = os.path.join(tmp, "batch.img")
    with open(image, "wb") as f:
        f.truncate(1 << 20)
    port = free_udp_port()
    calls = "io_uring_enter,recvfrom,sendto,recvmsg,sendmsg,read,write,preadv,pwritev"
    vm = Console(["strace", "-f", "-c", "-o", trace, "-e", f"trace={calls}", KERNEL,
                  f"drive={image}", f"hostfwd={port}:8080", "io=uring"])
    echoed = 0
    if vm.wait_for(READY, 20) is not None:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        try:
            for _ in range(10):
                for i in range(32):
                    s.sendto(b"burst %d" % i, ("127.0.0.1", port))
                for i in range(32):
                    s.recvfrom(64)
                    echoed += 1
        except socket.timeout:
            pass
        s.close()
    try:
        with open(f"/proc/{vm.proc.pid}/task/{vm.proc.pid}/children") as f:
            kernel_pid = f.read().split()
    except OSError:
        kernel_pid = []
    for pid in kernel_pid:  # the kernel dies, strace writes its summary and exits
        os.kill(int(pid), signal.SIGTERM)
    try:
        vm.proc.wait(10)
    except subprocess.TimeoutExpired:
        pass
    vm.stop()
    counts = {}
    if os.path.exists(trace):
        for line in open(trace):
            f = line.split()
            if len(f) >= 5 and f[-1] in calls.split(",") and f[3].isdigit():
                counts[f[-1]] = int(f[3])
    enters = counts.get("io_uring_enter", 0)
    socket_calls = sum(counts.get(c, 0) for c in ("recvfrom", "sendto", "recvmsg", "sendmsg"))
    ok = echoed == 320 and 0 < enters < 160 and socket_calls == 0
    r.check("uring_batches_requests", ok, f"{echoed} of 320 echoed, system calls {counts}")
    if ok:
        print(f"    320 echoes: {enters} io_uring_enter calls, no socket calls")


def test_io_args(r):
    """io=uring insists (no io_uring: a clear start-up error); io= takes
    only uring, epoll or auto."""
    p = subprocess.run([KERNEL, "hostfwd=0:8080", "io=uring", "io_uring_fail=1"],
                       capture_output=True, text=True, timeout=10)
    lines = (p.stdout + p.stderr).strip().splitlines()
    r.check("io_uring_forced_clear_error",
            p.returncode == 1 and len(lines) == 1 and
            "io=uring: io_uring unavailable: io_uring_setup refused" in lines[0],
            f"exit {p.returncode}, output {lines}")
    p = subprocess.run([KERNEL, "hostfwd=0:8080", "io=banana"], capture_output=True,
                       text=True, timeout=10)
    r.check("bad_io_clear_error",
            p.returncode == 1 and "bad io=banana (want uring, epoll or auto)" in p.stderr,
            f"exit {p.returncode}: {p.stderr}")


def main():
    r = Results()
    seed = int(os.environ.get("MOTE_SEED", random.randrange(1 << 30)))
    print(f"tests/hosted: seed {seed}, I/O back end {HOSTED_IO or 'default (io_uring)'}")
    with tempfile.TemporaryDirectory() as tmp:
        test_echo_and_counter(r, tmp, seed)
        test_missing_image(r, tmp)
        test_port_in_use(r, tmp)
        test_bad_hostfwd(r)
        test_no_drive(r)
        test_uring_fallback(r, tmp, "forced_failure",
                            "io_uring_setup refused (io_uring_fail=1)", ["io_uring_fail=1"])
        test_uring_fallback(r, tmp, "seccomp", "io_uring_setup: Operation not permitted",
                            wrap=[sys.executable, NO_URING])
        test_io_args(r)
        if HOSTED_IO != "epoll":
            test_uring_min(r, tmp, seed)
            if host_has_uring():
                test_batching(r, tmp)
            else:
                r.skip("uring_batches_requests", "this host refuses io_uring_setup")
        test_boot_trace(r)
    return r.finish()


if __name__ == "__main__":
    main_guard(main)
