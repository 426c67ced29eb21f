#!/usr/bin/env python3
"""The mote TCP against the Linux TCP, inside network namespaces.

Usage: tcp_test.py [--platform hosted,x64,arm64] [--accel tcg|kvm]
(as root, from the top of the tree; `make tcp-test` builds APP=tcpecho and
APP=httpd for each platform first)

Per platform, in a namespace of its own (mote-tcp-PID-PLATFORM) with a
TAP device whose Linux side is 10.9.0.1/24; the kernel is 10.9.0.2 and is
started with the platform's own command (make print-run, NET=tap:...):

  server   tcpecho: an `nc` and a `socat` echo; a connection refused on a
           closed port; 10 MiB each way from a Python socket, SHA-256 of
           the echo checked; hostile segments (tests/tcp/hostile.py:
           blind RST, SYN, data with scapy: challenge ACKs, the connection
           lives); a SYN flood (2000 SYNs with scapy) during which a
           legitimate client still gets its echo.
  client   tcpecho connect=10.9.0.1:P bytes=10 MiB against a Python echo
           server in the namespace: the server checks the SHA-256 of what
           it received, the kernel checks the echo byte by byte.
  lossy    the 10 MiB echo again, through tools/lossy_fwd.py (5% loss, 2%
           duplicates, 3% reordering, both ways) between the kernel's TAP
           and the Linux one.
  httpd    apps/httpd (its store on a 16 MiB image): curl fetches the page;
           curl PUTs /kv/a and wget reads it back; a 404 and a 413 (17 KiB
           body); Python's http.client sends six requests on one kept-alive
           connection (PUTs and the GETs that see them); a pipelined pair in
           one write is answered in order (200 then 404); `ab -n 500 -c 8`
           (one connection per request) with 500 complete, 0 failed, no
           non-2xx; `wrk -t1 -c8 -d2s` with no socket errors and no non-2xx;
           then the server still answers.

Prints PASS/FAIL per check ("PLATFORM/name") and ends with
"N passed, N failed".
"""
import argparse
import hashlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from motetest import Results  # noqa: E402

PLATFORMS = {"hosted": "hosted", "x64": "x64", "arm64": "arm64"}
HOST, MOTE = "10.9.0.1", "10.9.0.2"
BOOT_S = 40
BIG = 10 << 20
res = Results()


def sh(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def pattern(n):
    """tcpecho_pattern() of apps/tcpecho/tcpecho.h for bytes 0..n-1."""
    return bytes(((i * 2654435761) & 0xffffffff) >> 24 for i in range(n))


class Ns:
    def __init__(self, plat, accel, tmp, lossy=False):
        self.plat, self.accel, self.tmp = plat, accel, tmp
        self.ns = f"mote-tcp-{os.getpid()}-{plat}{'-l' if lossy else ''}"
        self.procs = []
        sh("ip", "netns", "add", self.ns).check_returncode()
        cmds = [["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"],
                ["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"],
                ["ip", "link", "set", "lo", "up"],
                ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"]]
        if lossy:  # tap0: the kernel's, no address; tap1: the forwarder's
            cmds += [["ip", "link", "set", "tap0", "arp", "off"],
                     ["ip", "link", "set", "tap0", "up"],
                     ["ip", "tuntap", "add", "dev", "tap1", "mode", "tap"],
                     ["ip", "addr", "add", f"{HOST}/24", "dev", "tap1"]]
        else:
            cmds += [["ip", "addr", "add", f"{HOST}/24", "dev", "tap0"],
                     ["ip", "link", "set", "tap0", "up"]]
        for c in cmds:
            self.run(*c).check_returncode()

    def run(self, *args, **kw):
        return sh("ip", "netns", "exec", self.ns, *args, **kw)

    def spawn(self, *args, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(["ip", "netns", "exec", self.ns, *args], **kw)
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(3)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        sh("ip", "netns", "del", self.ns)

    def py(self, code, timeout, inp=None):
        """Python in the namespace; (returncode, stdout)."""
        try:
            r = subprocess.run(["ip", "netns", "exec", self.ns, sys.executable,
                                "-c", code], input=inp, capture_output=True,
                               text=True, timeout=timeout)
            return r.returncode, r.stdout + r.stderr
        except subprocess.TimeoutExpired:
            return -1, "timed out"


class Mote:
    def __init__(self, ns, args, name, app="tcpecho", disk_mb=1):
        self.ns, self.name = ns, name
        self.logpath = os.path.join(ns.tmp, f"{ns.plat}-{name}.log")
        img = os.path.join(ns.tmp, f"{ns.plat}-{name}.img")
        with open(img, "wb") as f:
            f.truncate(disk_mb << 20)
        base = PLATFORMS[ns.plat]
        out = subprocess.run(
            ["make", "-s", "--no-print-directory", f"PLATFORM={base}",
             f"APP={app}", f"DRIVE={img}", f"ARGS={' '.join(args)}",
             "NET=tap:tap0", f"ACCEL={ns.accel}", "print-run"],
            capture_output=True, text=True, check=True)
        cmd = shlex.split(out.stdout.strip())
        if base == "hosted":
            cmd.append("tap=tap0")
        self.log = open(self.logpath, "w")
        self.p = ns.spawn(*cmd, stdout=self.log, stderr=subprocess.STDOUT)

    def text(self):
        with open(self.logpath, errors="replace") as f:
            return f.read()

    def wait_log(self, pattern, secs=BOOT_S):
        end = time.time() + secs
        while time.time() < end:
            m = re.search(pattern, self.text())
            if m or self.p.poll() is not None:
                return m
            time.sleep(0.05)
        return None

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(3)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()

    def tail(self):
        return "\n".join(self.text().splitlines()[-30:])


BULK = r'''
import hashlib, os, socket, sys, threading, time
n = %d
s = socket.create_connection((%r, %d), timeout=%d)  # sendall's total
data = os.urandom(n)
got = bytearray()
def rd():
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        got.extend(b)
t = threading.Thread(target=rd)
t.start()
t0 = time.time()
s.sendall(data)
s.shutdown(socket.SHUT_WR)
t.join(%d)
dt = time.time() - t0
same = hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
print("bytes", len(got), "sha", "ok" if same else "BAD", "secs %%.2f" %% dt)
'''

SERVER = r'''
import hashlib, socket, sys
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((%r, 0))
ls.listen(1)
print(ls.getsockname()[1], flush=True)
ls.settimeout(%d)
c, _ = ls.accept()
c.settimeout(60)
h = hashlib.sha256()
n = 0
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    h.update(b)
    n += len(b)
    c.sendall(b)
c.shutdown(socket.SHUT_WR)
print(n, h.hexdigest(), flush=True)
'''


def check(ns, name, ok, why="", mote=None):
    return res.check(f"{ns.plat}/{name}", ok, why,
              mote.tail() if (mote and not ok) else None)


def bulk(ns, secs):
    rc, out = ns.py(BULK % (BIG, MOTE, 8080, secs, secs), secs + 15)
    m = re.search(r"bytes (\d+) sha (\w+) secs ([\d.]+)", out)
    ok = bool(m) and int(m.group(1)) == BIG and m.group(2) == "ok"
    return ok, (m.group(3) if m else None), out[-300:]


def phase_server(plat, accel, tmp, secs):
    ns = Ns(plat, accel, tmp)
    m = Mote(ns, [f"ip={MOTE}/24"], "server")
    try:
        if not check(ns, "tcpecho_boots", m.wait_log(r"tcpecho: ready"),
                     "no 'tcpecho: ready'", m) and False:
            return
        r = ns.run("sh", "-c", f"echo hello via nc | timeout 10 nc -q1 {MOTE} 8080")
        check(ns, "echo_nc", r.stdout == "hello via nc\n", repr(r.stdout), m)
        r = ns.run("timeout", "10", "socat", "-t", "3", "-",
                   f"TCP:{MOTE}:8080", input="hello via socat\n")
        check(ns, "echo_socat", r.stdout == "hello via socat\n",
              repr(r.stdout + r.stderr), m)
        rc, out = ns.py(
            "import socket\n"
            f"try:\n socket.create_connection(({MOTE!r}, 8081), timeout=5)\n"
            " print('connected')\n"
            "except ConnectionRefusedError:\n print('refused')\n", 15)
        check(ns, "closed_port_refused", "refused" in out, out, m)
        ok, dt, out = bulk(ns, secs)
        check(ns, "bulk_10MiB_each_way_sha256", ok, out, m)
        if ok:
            print(f"  {plat}: 10 MiB each way in {dt} s", flush=True)
        r = ns.run("/usr/bin/python3", "tests/tcp/hostile.py", MOTE, "8080",
                   "tap0", timeout=60)
        for case in ("rst", "syn", "data"):
            check(ns, f"blind_{case}_challenge_ack", f"{case} ok" in r.stdout,
                  (r.stdout + r.stderr)[-400:], m)
        syn_flood(ns, m)
    finally:
        m.stop()
        ns.close()


FLOOD = r'''
from scapy.all import IP, TCP, RandShort, conf, send
conf.verb = 0
import random
pkts = [IP(src="10.9.0.%d" % random.randint(10, 250), dst="MOTE") /
        TCP(sport=random.randint(1024, 65535), dport=8080, flags="S",
            seq=random.getrandbits(32)) for _ in range(2000)]
send(pkts, iface="tap0", inter=0)
print("sent", len(pkts))
'''


def syn_flood(ns, m):
    """Spoofed sources on our subnet: the kernel's SYN-ACKs go nowhere (ARP
    fails), exactly what a flood leaves behind."""
    flood = ns.spawn("/usr/bin/python3", "-c", FLOOD.replace("MOTE", MOTE),
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     text=True)
    time.sleep(1.0)  # mid-flood
    r = ns.run("sh", "-c",
               f"echo legit | timeout 20 nc -q1 {MOTE} 8080")
    flood.wait(120)
    check(ns, "syn_flood_legit_client_served", r.stdout == "legit\n",
          repr(r.stdout + r.stderr), m)
    r = ns.run("sh", "-c", f"echo after | timeout 20 nc -q1 {MOTE} 8080")
    check(ns, "after_flood_served", r.stdout == "after\n", repr(r.stdout), m)


def phase_client(plat, accel, tmp, secs):
    ns = Ns(plat, accel, tmp)
    srv = ns.spawn(sys.executable, "-c", SERVER % (HOST, BOOT_S + secs),
                   stdout=subprocess.PIPE, text=True)
    port = int(srv.stdout.readline())
    m = Mote(ns, [f"ip={MOTE}/24", f"connect={HOST}:{port}", f"bytes={BIG}"],
             "client")
    try:
        line = m.wait_log(r"tcpecho: client .*", BOOT_S + secs)
        ok = bool(line) and line.group(0).endswith(")") and " ok " in line.group(0)
        check(ns, "mote_client_10MiB_echo_checked", ok,
              line.group(0) if line else "no verdict", m)
        try:
            out = srv.communicate(timeout=10)[0].split()
        except subprocess.TimeoutExpired:
            out = []
        want = hashlib.sha256(pattern(BIG)).hexdigest()
        check(ns, "linux_server_sha256", out[-2:] == [str(BIG), want],
              repr(out[-2:]), m)
        m.p.wait(10)
        want = 1 if plat == "x64" else 0  # isa-debug-exit: (code << 1) | 1
        check(ns, "mote_client_exit_0", m.p.returncode == want,
              f"exit status {m.p.returncode}, want {want}", m)
    finally:
        m.stop()
        ns.close()


def phase_lossy(plat, accel, tmp, secs):
    ns = Ns(plat, accel, tmp, lossy=True)
    fwd = ns.spawn(sys.executable, "tools/lossy_fwd.py", "tap0", "tap1",
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fwd.stdout.readline()
    m = Mote(ns, [f"ip={MOTE}/24"], "lossy")
    try:
        if not m.wait_log(r"tcpecho: ready"):
            check(ns, "lossy_boots", False, "no 'tcpecho: ready'", m)
            return
        ok, dt, out = bulk(ns, 3 * secs)
        check(ns, "lossy_10MiB_each_way_sha256", ok, out, m)
        if ok:
            print(f"  {plat}: 10 MiB each way through 5% loss in {dt} s",
                  flush=True)
    finally:
        m.stop()
        fwd.send_signal(signal.SIGTERM)
        try:
            err = fwd.communicate(timeout=5)[1]
            print("  " + err.strip().replace("\n", "\n  "), flush=True)
        except subprocess.TimeoutExpired:
            fwd.kill()
        ns.close()


HTTP_CLIENT = r'''
import http.client, socket
c = http.client.HTTPConnection(%(host)r, 8080, timeout=20)
out = []
for method, path, body in (("GET", "/", None), ("PUT", "/kv/hc", b"one"),
                           ("GET", "/kv/hc", None), ("PUT", "/kv/hc", b"two"),
                           ("GET", "/kv/hc", None), ("GET", "/stats", None)):
    c.request(method, path, body=body)
    r = c.getresponse()
    data = r.read()
    out.append((r.status, data if path.startswith("/kv") else len(data)))
    if method == "GET" and path == "/":
        first = c.sock
    elif c.sock is not first:
        out.append("reconnected")
print(out)
# A pipelined pair: both requests in one write, both answers in order.
s = socket.create_connection((%(host)r, 8080), timeout=20)
s.sendall(b"GET /kv/hc HTTP/1.1\r\nHost: m\r\n\r\n"
          b"GET /nope HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n")
buf = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    buf += b
import re
heads = re.findall(rb"HTTP/1\.1 \d{3} [^\r]*", buf)
print("pipelined", [h.decode() for h in heads], b"\r\n\r\ntwoHTTP/1.1 404" in buf)
'''


def curl(ns, *args, **kw):
    """(status, body) of curl in the namespace; (0, error) on failure."""
    r = ns.run("curl", "-s", "-m", "20", "-o", "-", "-w", "\n%{http_code}", *args, **kw)
    if r.returncode:
        return 0, f"curl exit {r.returncode}: {r.stderr[-200:]}"
    body, _, status = r.stdout.rpartition("\n")
    return int(status or 0), body


def phase_httpd(plat, accel, tmp, secs):
    """apps/httpd on the mote TCP (hosted: on the TAP device) against the
    Linux clients: curl, wget, http.client (keep-alive, pipelining), ab,
    wrk; a 404 and a 413."""
    ns = Ns(plat, accel, tmp)
    m = Mote(ns, [f"ip={MOTE}/24"], "httpd", app="httpd", disk_mb=16)
    url = f"http://{MOTE}:8080"
    try:
        if not check(ns, "httpd_boots",
                     m.wait_log(r"httpd: ready on tcp port 8080 .*store open"),
                     "no 'httpd: ready ... store open'", m):
            return
        st, body = curl(ns, url + "/")
        check(ns, "httpd_curl_page", st == 200 and "<h1>mote httpd</h1>" in body,
              f"{st} {body[:200]!r}", m)
        st, body = curl(ns, "-X", "PUT", "--data", f"v{os.getpid()}", url + "/kv/a")
        r = ns.run("wget", "-q", "-T", "20", "-t", "1", "-O", "-", url + "/kv/a")
        check(ns, "httpd_curl_put_wget_get", st == 200 and r.returncode == 0
              and r.stdout == f"v{os.getpid()}", f"PUT {st} {body!r}; wget "
              f"{r.returncode} {r.stdout[:80]!r} {r.stderr[-200:]!r}", m)
        st, body = curl(ns, url + "/nope")
        check(ns, "httpd_404", st == 404, f"{st} {body[:100]!r}", m)
        st, body = curl(ns, "-X", "PUT", "--data-binary", "@-", url + "/kv/big",
                        input="x" * (17 << 10))
        check(ns, "httpd_413", st == 413, f"{st} {body[:100]!r}", m)
        rc, out = ns.py(HTTP_CLIENT % {"host": MOTE}, 60)
        check(ns, "httpd_http_client_keepalive",
              rc == 0 and re.search(r"^\[\(200, \d+\), \(200, b'OK\\n'\), \(200, b'one'\), "
                                    r"\(200, b'OK\\n'\), \(200, b'two'\), \(200, \d+\)\]$",
                                    out, re.M) is not None, out[-400:], m)
        check(ns, "httpd_pipelined_pair",
              "pipelined ['HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found'] True" in out,
              out[-400:], m)
        r = ns.run("ab", "-q", "-n", "500", "-c", "8", url + "/", timeout=120)
        ok = (r.returncode == 0 and re.search(r"Complete requests:\s+500\b", r.stdout)
              and re.search(r"Failed requests:\s+0\b", r.stdout)
              and "Non-2xx" not in r.stdout)
        rps = re.search(r"Requests per second:\s+([\d.]+)", r.stdout)
        check(ns, "httpd_ab_500_c8", ok, (r.stdout + r.stderr)[-600:], m)
        if ok:
            print(f"  {plat}: ab -n 500 -c 8: {rps.group(1)} requests/s", flush=True)
        r = ns.run("wrk", "-t1", "-c8", "-d2s", url + "/", timeout=60)
        n = re.search(r"(\d+) requests in", r.stdout)
        ok = (r.returncode == 0 and n and int(n.group(1)) > 0
              and "Socket errors" not in r.stdout and "Non-2xx" not in r.stdout)
        check(ns, "httpd_wrk_2s_c8", ok, (r.stdout + r.stderr)[-600:], m)
        if ok:
            rps = re.search(r"Requests/sec:\s+([\d.]+)", r.stdout)
            print(f"  {plat}: wrk -c8 -d2s: {rps.group(1)} requests/s", flush=True)
        st, body = curl(ns, url + "/kv/a")
        check(ns, "httpd_still_serving", st == 200 and body == f"v{os.getpid()}",
              f"{st} {body[:100]!r}", m)
    finally:
        m.stop()
        ns.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--platform", default="hosted,x64,arm64")
    ap.add_argument("--accel", default="tcg")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mote-tcp-") as tmp:
        for plat in a.platform.split(","):
            secs = 60 if plat == "hosted" else 120
            for phase in (phase_server, phase_client, phase_lossy, phase_httpd):
                try:
                    phase(plat, a.accel, tmp, secs)
                except Exception as e:  # a broken phase fails, the rest runs
                    res.fail(f"{plat}/{phase.__name__}", repr(e))
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
