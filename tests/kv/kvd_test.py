#!/usr/bin/env python3
"""kvd driven from the host: protocol, idempotent retries, a clean restart,
and kill -9 in the middle of a write load (every acknowledged PUT must be
there afterwards).

The boot command comes from `make -s print-run PLATFORM=... APP=...`, so the
same client drives any platform, and with KVD_APP=apps/wasm/kvd/kvd.manifest
the sandboxed kvd (two Wasm instances) instead of the native one.
Prints PASS/FAIL per test and ends with "N passed, N failed".
"""
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLATFORM = os.environ.get("PLATFORM", "hosted")
APP = os.environ.get("KVD_APP", "kvd")
ACCEL = os.environ.get("ACCEL", "")
PORT = int(os.environ.get("KVD_PORT", str(17000 + os.getpid() % 2000)))


def boot_cmd(drive):
    out = subprocess.check_output(
        ["make", "-s", "--no-print-directory", "print-run", "PLATFORM=" + PLATFORM,
         "APP=" + APP, "PORT=%d" % PORT, "DRIVE=" + drive]
        + (["ACCEL=" + ACCEL] if ACCEL else []), cwd=ROOT, text=True)
    return out.strip()  # kvd's app.mk sets APP_PORT=7000: the forward goes there


class Server:
    def __init__(self, drive):
        self.drive = drive
        self.proc = None
        self.log = tempfile.TemporaryFile(mode="w+")

    def start(self):
        self.log.seek(0)
        self.log.truncate()
        self.proc = subprocess.Popen(shlex.split(boot_cmd(self.drive)), cwd=ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("kvd exited: " + self.output())
            if "kvd: ready" in self.output() or "kvd front: ready" in self.output():
                return
            time.sleep(0.05)
        raise RuntimeError("kvd not ready: " + self.output())

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(10)
        self.proc = None


class Client:
    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.settimeout(0.5)

    def req(self, text, tries=10):
        """Send until a reply with our id comes back (retries reuse the id)."""
        rid = text.split(" ", 1)[0]
        for _ in range(tries):
            self.s.sendto(text.encode(), ("127.0.0.1", PORT))
            try:
                while True:
                    data, _ = self.s.recvfrom(2048)
                    reply = data.decode()
                    if reply.split(" ", 1)[0] in (rid, "-"):
                        return reply
            except socket.timeout:
                continue
        raise TimeoutError("no reply to " + text)


RESULTS = [0, 0]


def check(name, cond, why=""):
    if PLATFORM != "hosted":
        name += "[%s]" % PLATFORM
    if cond:
        print("PASS " + name)
        RESULTS[0] += 1
    else:
        print("FAIL %s: %s" % (name, why))
        RESULTS[1] += 1


def test_protocol(srv):
    c = Client()
    want = [
        ("p1 PUT a b", "p1 OK"), ("p2 GET a", "p2 OK b"), ("p3 GET zz", "p3 NOTFOUND"),
        ("p4 PUT c d\n", "p4 OK"), ("p5 SCAN ! 10", "p5 OK a=b c=d"),
        ("p6 SCAN b 1", "p6 OK c=d"), ("p7 DEL a", "p7 OK"), ("p8 DEL a", "p8 NOTFOUND"),
        ("p9 GET a", "p9 NOTFOUND"), ("p10 FROB x", "p10 ERR unknown command"),
        ("p11 PUT x", "p11 ERR missing field"), ("p12 PUT k=1 v", "p12 ERR bad key"),
        ("p13 SCAN a 0", "p13 ERR bad count"), ("p14 GET a b", "p14 ERR too many fields"),
        ("", "- ERR empty field"),
    ]
    bad = [(q, r, c.req(q)) for q, r in want]
    bad = [b for b in bad if b[1] != b[2]]
    check("kvd_protocol", not bad, "; ".join("%r -> %r, want %r" % (q, g, r) for q, r, g in bad))
    # Same id again: the first reply, and the write is not applied twice.
    r1 = c.req("dup1 PUT k1 first")
    r2 = c.req("dup1 PUT k1 second")
    r3 = c.req("dup2 GET k1")
    r4 = c.req("dup3 DEL k1")
    r5 = c.req("dup3 DEL k1")
    check("kvd_idempotent_ids", (r1, r2, r3, r4, r5) ==
          ("dup1 OK", "dup1 OK", "dup2 OK first", "dup3 OK", "dup3 OK"),
          repr((r1, r2, r3, r4, r5)))
    # A scan fills one datagram and no more.
    for i in range(60):
        c.req("s%d PUT key%03d %s" % (i, i, "v" * 40))
    r = c.req("s-scan SCAN key 1000")
    n = len(r.split(" ")) - 2
    check("kvd_scan_one_datagram", len(r) <= 1472 and 20 < n < 60,
          "len %d, %d records" % (len(r), n))


def test_restart(srv):
    c = Client()
    keys = {"r%03d" % i: "val%d-%d" % (i, random.randrange(10**6)) for i in range(50)}
    for i, (k, v) in enumerate(keys.items()):
        c.req("rs%d PUT %s %s" % (i, k, v))
    srv.stop()
    srv.start()
    got = {k: c.req("rg%d GET %s" % (i, k)) for i, k in enumerate(keys)}
    bad = [k for i, k in enumerate(keys) if got[k] != "rg%d OK %s" % (i, keys[k])]
    check("kvd_clean_restart", not bad, "lost %d keys, e.g. %r" % (len(bad), bad[:3]))


def test_kill9(srv):
    acked = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w):
        c = Client()
        c.s.settimeout(0.2)
        i, v = 0, "v%d" % random.randrange(10**9)
        while not stop.is_set():
            k = "w%d-%05d" % (w, i)  # a retry resends the very same request
            try:
                r = c.req("kw%d-%d PUT %s %s" % (w, i, k, v), tries=1)
            except TimeoutError:
                continue
            if r == "kw%d-%d OK" % (w, i):
                with lock:
                    acked[k] = v
            i, v = i + 1, "v%d" % random.randrange(10**9)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    deadline = time.time() + 20
    while time.time() < deadline and len(acked) < 400:
        time.sleep(0.02)
    srv.stop(signal.SIGKILL)  # in the middle of the load
    stop.set()
    for t in threads:
        t.join()
    n = len(acked)
    srv.start()
    c = Client()
    lost = [k for i, (k, v) in enumerate(sorted(acked.items()))
            if c.req("kg%d GET %s" % (i, k)) != "kg%d OK %s" % (i, v)]
    check("kvd_kill9_keeps_acked_puts", n >= 50 and not lost,
          "%d acked, %d lost, e.g. %r" % (n, len(lost), lost[:3]))
    print("    %d PUTs acknowledged before kill -9; all %d read back" % (n, n - len(lost)))


def main():
    subprocess.check_call(["make", "-s", "--no-print-directory", "PLATFORM=" + PLATFORM,
                           "APP=" + APP, "kernel"], cwd=ROOT)
    print("kvd on %s, host port %d" % (PLATFORM, PORT))
    with tempfile.TemporaryDirectory() as tmp:
        drive = os.path.join(tmp, "kvd.img")
        with open(drive, "wb") as f:
            f.truncate(64 << 20)
        srv = Server(drive)
        try:
            srv.start()
            for t in (test_protocol, test_restart, test_kill9):
                try:
                    t(srv)
                except Exception as e:  # one broken test must not hide the rest
                    check(t.__name__, False, repr(e))
                    srv.stop()
                    srv.start()
        finally:
            srv.stop()
    print("%d passed, %d failed" % tuple(RESULTS))
    return 1 if RESULTS[1] else 0


if __name__ == "__main__":
    sys.exit(main())
