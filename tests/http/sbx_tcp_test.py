#!/usr/bin/env python3
"""tests/http/sbx_tcp_test.py: TCP for sandboxed Wasm apps, hosted (TCP
from host sockets): the refusals of tests/sandbox/tcpprobe.c and the Wasm
HTTP server apps/wasm/httpd against curl, http.client and ab."""
import http.client
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from motetest import Console, Results, free_tcp_port  # noqa: E402

BUILD = os.environ.get("SBXTCP_BUILD", "build/sbx-tcp")
KERNEL = os.path.join(BUILD, "hosted", "sbx", "mote.elf")

# Error codes (include/mote/kerr.h).
INVALID, NOMEM, TOO_BIG, DENIED = 1, 7, 12, 14
PROBE = {
    "accept_without_right": DENIED, "accept_forged_handle": INVALID,
    "accept_on_udp_handle": INVALID, "accept_bad_peer_pointer": INVALID,
    "recv_on_listener": INVALID, "send_on_listener": INVALID, "accept_ok": 0,
    "peer_is_loopback": 1, "send_without_right": DENIED,
    "shutdown_without_right": DENIED, "dup_without_right": -DENIED,
    "recv_bad_pointer": INVALID, "recv_zero_cap": INVALID, "accept_on_conn": INVALID,
    "recv_ok": 0, "got_hi": 1, "close_conn": 0, "recv_after_close": INVALID,
}




def build(app):
    subprocess.run(["make", "-s", "--no-print-directory", f"BUILD={BUILD}", "PLATFORM=hosted",
                    f"APP={app}", "kernel"], check=True)


def test_probe(r):
    build("tests/sandbox/tcpprobe.manifest")
    p1, p2 = free_tcp_port(), free_tcp_port()
    vm = Console([KERNEL, f"hostfwd={p1}:9400,{p2}:9401"])
    if vm.wait_for(r"tcpprobe: listening", 15):
        s = socket.create_connection(("127.0.0.1", p2), timeout=5)
        s.sendall(b"hi")
        vm.wait_for(r"CHECK recv_after_close", 10)
        s.close()
    try:
        vm.proc.wait(10)
    except subprocess.TimeoutExpired:
        pass
    vm.stop()
    got = dict(re.findall(r"CHECK (\w+) (-?\d+)", vm.log))
    for name, want in PROBE.items():
        r.check(f"tcpprobe_{name}", got.get(name) == str(want),
                f"got {got.get(name)}, want {want}")
    r.check("tcpprobe_exit_0", vm.proc.returncode == 0, f"exit {vm.proc.returncode}",
            vm.log)


def test_wasm_httpd(r):
    build("apps/wasm/httpd/httpd.manifest")
    port = free_tcp_port()
    vm = Console([KERNEL, f"hostfwd={port}:8080"])
    if not r.check("wasm_httpd_ready", vm.wait_for(r"ready on tcp port 8080", 15),
                   vm.log):
        vm.stop()
        return
    url = f"http://127.0.0.1:{port}"
    p = subprocess.run(["curl", "-s", "-i", url + "/"], capture_output=True, timeout=10)
    r.check("wasm_httpd_curl_page", p.stdout.startswith(b"HTTP/1.1 200")
            and p.stdout.endswith(b"hello from a sandboxed mote app\n"), p.stdout)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    statuses = []
    for path in ("/", "/count", "/nope", "/"):
        c.request("GET", path)
        resp = c.getresponse()
        resp.read()
        statuses.append(resp.status)
    c.request("POST", "/", body=b"x")
    resp = c.getresponse()
    resp.read()
    statuses.append(resp.status)
    c.close()
    r.check("wasm_httpd_keepalive_statuses", statuses == [200, 200, 404, 200, 413],
            statuses)
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nDELETE / HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except socket.timeout:
        pass
    s.close()
    r.check("wasm_httpd_pipelined", re.findall(rb"HTTP/1.1 (\d+)", data)
            == [b"200", b"405", b"404"], data)
    r.check("wasm_httpd_garbage_400", b"HTTP/1.1 400" in
            subprocess.run(["curl", "-s", "-i", "-H", "Bad Header: x", url + "/"],
                           capture_output=True, timeout=10).stdout)
    p = subprocess.run(["ab", "-q", "-k", "-n", "2000", "-c", "8", url + "/"],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"Complete requests:\s+(\d+)", p.stdout)
    f = re.search(r"Failed requests:\s+(\d+)", p.stdout)
    r.check("wasm_httpd_ab_2000", m and int(m.group(1)) == 2000 and f
            and int(f.group(1)) == 0, p.stdout[-500:] + p.stderr[-300:])
    r.check("wasm_httpd_alive", vm.proc.poll() is None and "trap" not in vm.log, vm.log)
    vm.stop()


def main():
    r = Results()
    test_probe(r)
    test_wasm_httpd(r)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
