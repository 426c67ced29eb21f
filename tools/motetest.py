"""Helpers shared by mote's host-side test drivers (python3, stdlib only).

A driver makes a Results, calls check()/ok()/fail() per test, and ends
with results.finish(), which prints the closing "N passed, N failed" line
and returns the exit status.
"""
import os
import re
import socket
import subprocess
import sys
import time


class Results:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def ok(self, name):
        self.passed += 1
        print(f"PASS {name}", flush=True)

    def fail(self, name, why, log=None):
        self.failed += 1
        print(f"FAIL {name}: {why}", flush=True)
        if log is not None:  # the console of the failing boot, its tail
            print("---- console log (last 60 lines) ----")
            print("\n".join(log.splitlines()[-60:]))
            print("----")

    def skip(self, name, why):
        self.skipped += 1
        print(f"SKIP {name}: {why}", flush=True)

    def check(self, name, cond, why="", log=None):
        if cond:
            self.ok(name)
        else:
            self.fail(name, why or "check failed", log)
        return cond

    def finish(self):
        tail = f", {self.skipped} skipped" if self.skipped else ""
        print(f"{self.passed} passed, {self.failed} failed{tail}", flush=True)
        return 1 if self.failed else 0


def free_udp_port():
    """A port on 127.0.0.1 free for UDP and for TCP alike: QEMU's user
    networking forwards the same PORT for both (Makefile QEMU_NETDEV)."""
    for _ in range(100):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise OSError("no port free for both UDP and TCP")


free_tcp_port = free_udp_port  # the same port serves both


def make_var(var, **kv):
    """The value make computes for (var) with the given variables."""
    args = ["make", "-s", "--no-print-directory", f"print-{var}"]
    args += [f"{k}={v}" for k, v in kv.items()]
    return subprocess.check_output(args, text=True).strip()


class Console:
    """A process whose stdout we read line by line into a log."""

    def __init__(self, cmd, env=None):
        self.log = ""
        self.proc = subprocess.Popen(cmd, shell=isinstance(cmd, str),
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def pump(self):
        try:
            data = self.proc.stdout.read()
        except (BlockingIOError, ValueError):
            data = None
        if data:
            self.log += data.decode("utf-8", "replace")

    def wait_for(self, pattern, timeout):
        """The first match of regex (pattern) in the log, or None."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            self.pump()
            m = rx.search(self.log)
            if m or time.monotonic() > deadline or self.proc.poll() is not None:
                if not m:
                    self.pump()
                    m = rx.search(self.log)
                return m
            time.sleep(0.01)

    def stop(self, sig=None):
        if self.proc.poll() is None:
            (self.proc.send_signal(sig) if sig else self.proc.terminate())
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.pump()
        return self.proc.returncode


def udp_roundtrip(port, payload, timeout=2.0, sock=None):
    """Send (payload) to 127.0.0.1:(port); the reply or None."""
    s = sock or socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(payload, ("127.0.0.1", port))
        data, _ = s.recvfrom(65535)
        return data
    except socket.timeout:
        return None
    finally:
        if sock is None:
            s.close()


def echo_sizes(port, sizes, rng, tries=3):
    """Echo one random payload of each size; the list of failures."""
    bad = []
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for n in sizes:
        payload = bytes(rng.getrandbits(8) for _ in range(n))
        for _ in range(tries):  # UDP: a lost datagram may be retried
            got = udp_roundtrip(port, payload, 1.0, s)
            if got is not None:
                break
        if got != payload:
            bad.append((n, None if got is None else len(got)))
    s.close()
    return bad


def echo_check_sector0(image, boots):
    """Does sector 0 of (image) hold what apps/echo writes on boot (boots)?
    Layout: apps/echo/echo.h."""
    with open(image, "rb") as f:
        s = f.read(512)
    want = bytearray(512)
    want[0:8] = b"MOTEBLK1"
    want[8:16] = boots.to_bytes(8, "little")
    for i in range(16, 512):
        want[i] = (i * 7 + boots) & 0xFF
    return s == bytes(want)


def main_guard(fn):
    try:
        sys.exit(fn())
    except KeyboardInterrupt:
        sys.exit(130)
