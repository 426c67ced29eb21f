#!/usr/bin/env python3
"""tests/http/http_test.py: apps/httpd on the hosted platform (TCP from host
sockets) against real clients: curl, wget, Python's http.client, ab, wrk,
and raw sockets for pipelining, chunked bodies, every error status and a
slow-client attack. Usage: http_test.py KERNEL"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from motetest import Console, Results, free_tcp_port  # noqa: E402

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "build/hosted/httpd/mote.elf"
READY = r"httpd: ready on tcp port 8080"




class Server:
    def __init__(self, image, extra=()):
        self.port = free_tcp_port()
        args = [KERNEL, f"hostfwd={self.port}:8080", f"hostport={self.port}", *extra]
        if image:
            args.insert(1, f"drive={image}")
        self.vm = Console(args)
        self.ok = self.vm.wait_for(READY, 15) is not None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self, sig=None):
        return self.vm.stop(sig)


def image_file(tmp, name, size=16 << 20):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def curl(*args, timeout=10):
    p = subprocess.run(["curl", "-s", "-S", *args], capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def raw(port, data, timeout=5, wait_close=True):
    """Send (data), read until EOF (or timeout): the bytes received."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    got = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
            if not wait_close and b"\r\n\r\n" in got:
                break
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return got


def responses(data):
    """Split a byte stream into (status, headers, body) answers."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0])
        if not m:
            break
        hdrs = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = int(hdrs.get("content-length", "0"))
        out.append((int(m.group(1)), hdrs, rest[:n]))
        data = rest[n:]
    return out


def status_of(port, data, **kw):
    rs = responses(raw(port, data, **kw))
    return rs[0][0] if rs else None


def get_stats(srv):
    return json.loads(curl(srv.url("/stats"))[1])


# ---------------------------------------------------------------------------

def test_basics(r, srv):
    r.check("try_line_has_curl", f"curl http://127.0.0.1:{srv.port}/" in srv.vm.log,
            srv.vm.log)
    rc, body, err = curl(srv.url("/"))
    r.check("curl_get_page", rc == 0 and b"<h1>mote httpd</h1>" in body, err or body[:200])
    rc, head, _ = curl("-I", srv.url("/"))
    m = re.search(rb"Content-Length: (\d+)", head)
    r.check("curl_head_length_no_body", rc == 0 and head.startswith(b"HTTP/1.1 200")
            and m and int(m.group(1)) == len(body), head)
    p = subprocess.run(["wget", "-q", "-O", "-", srv.url("/")], capture_output=True,
                       timeout=10)
    r.check("wget_get_page", p.returncode == 0 and p.stdout == body,
            p.stderr.decode()[:300])


def test_keepalive_http_client(r, srv):
    before = get_stats(srv)["connections"]["accepted"]
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    ok, sock = True, None
    for i in range(50):
        c.request("PUT" if i % 2 else "GET", f"/kv/ka{i}" if i % 2 else "/",
                  body=f"val{i}" if i % 2 else None)
        resp = c.getresponse()
        data = resp.read()
        ok &= resp.status == 200 and (data == b"OK\n" if i % 2 else b"mote" in data)
        if sock is None:
            sock = c.sock
        ok &= c.sock is sock  # the same connection all along
    c.request("GET", "/kv/ka7")
    resp = c.getresponse()
    ok &= resp.read() == b"val7"
    c.close()
    after = get_stats(srv)["connections"]["accepted"]
    r.check("http_client_keepalive_51_requests_one_connection",
            ok and after - before == 2, f"ok={ok} accepted {before}->{after}")


def test_pipelining(r, srv):
    reqs = (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            b"PUT /kv/pipe HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
            b"GET /kv/pipe HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
            b"DELETE /kv/pipe HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /kv/pipe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    rs = responses(raw(srv.port, reqs))
    got = [(s, b) for s, _, b in rs]
    r.check("pipelined_6_in_order", [s for s, _ in got] == [200, 200, 200, 404, 200, 404]
            and got[2][1] == b"hello", got)
    # The same, one byte per write: the parser must resume anywhere.
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(len(reqs)):
        s.send(reqs[i:i + 1])
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
    r.check("pipelined_byte_at_a_time", [x[0] for x in responses(data)]
            == [200, 200, 200, 404, 200, 404], responses(data))


def test_chunked(r, srv):
    body = (b"4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n"
            b"X-Trailer: yes\r\n\r\n")
    st = status_of(srv.port, b"PUT /kv/chunky HTTP/1.1\r\nHost: x\r\n"
                   b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body)
    rc, got, _ = curl(srv.url("/kv/chunky"))
    r.check("chunked_put_raw", st == 200 and got == b"Wikipedia in\r\n\r\nchunks.",
            f"{st} {got!r}")
    data = os.urandom(12000)
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        rc, out, err = curl("-X", "PUT", "-H", "Transfer-Encoding: chunked",
                            "--data-binary", f"@{f.name}", srv.url("/kv/bin%2Fkey"))
    rc2, back, _ = curl(srv.url("/kv/bin%2Fkey"))
    r.check("chunked_put_curl_12000_binary", rc == 0 and out == b"OK\n" and back == data,
            f"{rc} {out!r} {err} got {len(back)}")
    # Expect: 100-continue (curl sends it for bodies over 1 KiB).
    t = time.monotonic()
    rc, out, err = curl("-X", "PUT", "-H", "Expect: 100-continue", "--data-binary",
                        "x" * 5000, srv.url("/kv/big"))
    r.check("expect_100_continue_no_stall", rc == 0 and out == b"OK\n"
            and time.monotonic() - t < 0.9, f"{rc} {out!r} {time.monotonic() - t:.2f}s")


def test_kv_and_scan(r, srv):
    for k in ("s1", "s2", "s3", "s4", "s5"):
        curl("-X", "PUT", "--data", f"v-{k}", srv.url(f"/kv/{k}"))
    rc, out, _ = curl(srv.url("/kv/?start=s2&count=2"))
    try:
        items = json.loads(out)["items"]
    except ValueError:
        items = None
    r.check("scan_start_count", items == [{"key": "s2", "value": "v-s2"},
                                          {"key": "s3", "value": "v-s3"}], out)
    st1 = curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE",
               srv.url("/kv/s5"))[1]
    st2 = curl("-o", "/dev/null", "-w", "%{http_code}", srv.url("/kv/s5"))[1]
    st3 = curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE",
               srv.url("/kv/s5"))[1]
    r.check("delete_then_404", (st1, st2, st3) == (b"200", b"404", b"404"),
            (st1, st2, st3))


ERRORS = [
    ("400_missing_host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("400_garbage_request_line", b"hello there\r\n\r\n", 400),
    ("400_space_before_colon", b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
    ("400_obs_fold", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", 400),
    ("400_cl_and_te", b"PUT /kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("400_conflicting_lengths", b"PUT /kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
     b"Content-Length: 4\r\n\r\nabcd", 400),
    ("400_bad_chunk_size", b"PUT /kv/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
     b"\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
    ("400_bad_percent_key", b"GET /kv/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ("404_unknown_path", b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
    ("405_post_root", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
     b"Connection: close\r\n\r\n", 405),
    ("405_patch_kv", b"PATCH /kv/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405),
    ("413_content_length", b"PUT /kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
     b"\r\n" + b"x" * 1000, 413),
    ("413_chunked_over_limit", b"PUT /kv/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
     b"chunked\r\n\r\n" + b"1000\r\n" + b"x" * 4096 + b"\r\n" + b"4000\r\n" + b"y" * 16384
     + b"\r\n0\r\n\r\n", 413),
    ("431_huge_header", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
     431),
    ("431_too_many_fields", b"GET / HTTP/1.1\r\nHost: x\r\n"
     + b"".join(b"X-%d: 1\r\n" % i for i in range(70)) + b"\r\n", 431),
    ("501_unknown_coding", b"PUT /kv/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, "
     b"chunked\r\n\r\n0\r\n\r\n", 501),
    ("505_http2", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
]


def test_errors(r, srv):
    for name, req, want in ERRORS:
        rs = responses(raw(srv.port, req))
        got = rs[0][0] if rs else None
        extra = ""
        if want == 405 and rs:
            extra = rs[0][1].get("allow", "")
        r.check(f"status_{name}", got == want and (want != 405 or "GET" in extra),
                f"got {got} {extra}")
    # 408: half a request, then silence (http_req_ms=1000 on this server).
    t = time.monotonic()
    st = status_of(srv.port, b"GET / HTTP/1.1\r\nHo", timeout=5)
    dt = time.monotonic() - t
    r.check("status_408_partial_request_times_out", st == 408 and 0.8 < dt < 3.5,
            f"got {st} after {dt:.2f}s")
    # An idle keep-alive connection is closed silently (http_idle_ms=1500).
    t = time.monotonic()
    data = raw(srv.port, b"", timeout=5)
    dt = time.monotonic() - t
    r.check("idle_connection_closed", data == b"" and 1.2 < dt < 4, f"{data!r} {dt:.2f}s")


def test_fd_exhaustion(r, tmp):
    """The server process may run out of descriptors (here: a limit of 64).
    A client that connected meanwhile waits in the host's accept queue with
    no new event to come; once descriptors are free again it must still be
    served (hosted TCP retries accept on a timer)."""
    port = free_tcp_port()
    vm = Console(["prlimit", "--nofile=64:64", KERNEL, f"hostfwd={port}:8080"])
    if not r.check("fd_limited_boots", vm.wait_for(READY, 15), vm.log):
        vm.stop()
        return
    hogs = []
    for _ in range(80):
        try:
            hogs.append(socket.create_connection(("127.0.0.1", port), timeout=1))
        except OSError:
            pass
    time.sleep(0.3)
    late = subprocess.Popen(["curl", "-s", "-m", "5", f"http://127.0.0.1:{port}/"],
                            stdout=subprocess.PIPE)
    time.sleep(0.5)
    for s in hogs:
        s.close()
    try:
        out = late.communicate(timeout=8)[0]
    except subprocess.TimeoutExpired:
        late.kill()
        out = late.communicate()[0]
    r.check("served_after_fd_exhaustion", b"mote httpd" in out and vm.proc.poll() is None,
            f"{out[:100]!r}", vm.log)
    vm.stop()


def test_503(r, tmp):
    srv = Server(None, ["http_conns=2"])
    if not r.check("nostore_boots", srv.ok, srv.vm.log):
        srv.stop()
        return
    st = status_of(srv.port, b"GET /kv/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    r.check("status_503_no_store", st == 503, f"got {st}")
    # Two connections busy reading a body: a third is refused with 503.
    busy = []
    for _ in range(2):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(b"PUT /kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        busy.append(s)
    time.sleep(0.3)
    st = status_of(srv.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    r.check("status_503_connection_limit", st == 503, f"got {st}")
    for s in busy:
        s.close()
    time.sleep(0.3)
    st = status_of(srv.port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    r.check("serves_after_limit_clears", st == 200, f"got {st}")
    srv.stop()


def test_500_store_full(r, tmp):
    img = image_file(tmp, "tiny.img", 80 * 4096)
    srv = Server(img)
    if not r.check("tiny_store_boots", srv.ok, srv.vm.log):
        srv.stop()
        return
    codes = []
    for i in range(40):
        codes.append(curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
                          "--data-binary", "z" * 15000, srv.url(f"/kv/fill{i}"))[1])
        if codes[-1] != b"200":
            break
    r.check("status_500_store_full", codes[-1] == b"500" and codes[0] == b"200",
            codes)
    st = curl("-o", "/dev/null", "-w", "%{http_code}", srv.url("/"))[1]
    r.check("serves_after_500", st == b"200", st)
    srv.stop()


def test_durability(r, tmp):
    img = image_file(tmp, "dur.img")
    srv = Server(img)
    if not r.check("durability_boot1", srv.ok, srv.vm.log):
        srv.stop()
        return
    rc, out, _ = curl("-X", "PUT", "--data", "v", srv.url("/kv/a"))
    ok = rc == 0 and out == b"OK\n"
    vals = {f"d{i}": os.urandom(8).hex() for i in range(20)}
    for k, v in vals.items():
        ok &= curl("-X", "PUT", "--data", v, srv.url(f"/kv/{k}"))[1] == b"OK\n"
    srv.stop(signal.SIGKILL)  # no clean shutdown: acked means durable
    srv = Server(img)
    got = curl(srv.url("/kv/a"))[1] if srv.ok else None
    r.check("put_survives_kill_and_restart", ok and got == b"v", f"{ok} {got!r}")
    bad = [k for k, v in vals.items() if curl(srv.url(f"/kv/{k}"))[1] != v.encode()]
    r.check("20_puts_survive_restart", not bad, bad)
    srv.stop()


def test_ab_wrk(r, srv):
    for name, args in (("ab_keepalive", ["-k"]), ("ab_close", [])):
        p = subprocess.run(["ab", "-q", "-n", "2000", "-c", "20", *args, srv.url("/")],
                           capture_output=True, text=True, timeout=60)
        m = re.search(r"Complete requests:\s+(\d+)", p.stdout)
        f = re.search(r"Failed requests:\s+(\d+)", p.stdout)
        r.check(name, p.returncode == 0 and m and int(m.group(1)) == 2000 and f
                and int(f.group(1)) == 0 and "Non-2xx" not in p.stdout,
                p.stdout[-600:] + p.stderr[-300:])
    p = subprocess.run(["wrk", "-t1", "-c32", "-d2s", srv.url("/")], capture_output=True,
                       text=True, timeout=30)
    m = re.search(r"(\d+) requests in", p.stdout)
    r.check("wrk_2s_32_connections", p.returncode == 0 and m and int(m.group(1)) > 1000
            and "Socket errors" not in p.stdout and "Non-2xx" not in p.stdout,
            p.stdout + p.stderr)


def test_slow_clients(r, tmp):
    """300 idle and 100 byte-at-a-time connections against a 256-slot
    server whose time limits are a minute (so waiting for the attackers
    to time out is no way out): a normal client
    still gets every answer, promptly, because the longest-waiting
    connection makes room for a new one."""
    srv = Server(None, ["http_idle_ms=60000", "http_req_ms=60000"])
    if not r.check("slow_server_boots", srv.ok, srv.vm.log):
        srv.stop()
        return
    attackers, stop = [], threading.Event()
    t0 = time.monotonic()
    for _ in range(300):
        try:
            attackers.append(socket.create_connection(("127.0.0.1", srv.port), timeout=1))
        except OSError:
            pass
    trickle = []
    for _ in range(100):
        try:
            trickle.append(socket.create_connection(("127.0.0.1", srv.port), timeout=1))
        except OSError:
            pass
    setup = time.monotonic() - t0
    req = b"GET / HTTP/1.1\r\nHost: slow\r\nX-Pad: " + b"p" * 200

    def drip():
        i = 0
        while not stop.is_set() and i < len(req):
            for s in trickle:
                try:
                    s.send(req[i:i + 1])
                except OSError:
                    pass
            i += 1
            time.sleep(0.05)
    th = threading.Thread(target=drip, daemon=True)
    th.start()
    time.sleep(0.5)
    worst, fails = 0.0, 0
    for i in range(20):
        t = time.monotonic()
        rc, out, _ = curl("-m", "5", srv.url("/"))
        worst = max(worst, time.monotonic() - t)
        fails += not (rc == 0 and b"mote httpd" in out)
    stop.set()
    th.join(5)
    st = get_stats(srv)
    for s in attackers + trickle:
        s.close()
    r.check("slow_clients_do_not_starve_normal_client", fails == 0 and worst < 2.0,
            f"{fails} failures, slowest {worst:.2f}s, {len(attackers)}+{len(trickle)} "
            f"attackers connected in {setup:.1f}s, stats {st['connections']}")
    r.check("slow_clients_evicted_counted", st["connections"]["evicted"] > 0,
            st["connections"])
    srv.stop()


def test_stats(r, srv):
    st = get_stats(srv)
    ok = (st["responses"]["404"] >= 3 and st["responses"]["431"] >= 2
          and st["responses"]["413"] >= 2 and st["tcp"]["passive_opens"] >= 10
          and st["kv"]["commits"] >= 1 and st["requests"] >= 50)
    r.check("stats_json_counts", ok, json.dumps(st))


def main():
    import resource  # hundreds of client sockets in this process
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2048 and (hard == resource.RLIM_INFINITY or hard > soft):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard) if hard > 0 else 4096,
                                                    hard))
    for tool in ("curl", "wget", "ab", "wrk", "prlimit"):
        if not shutil.which(tool):
            print(f"FAIL setup: {tool} missing (tools/ensure-deps test)")
            print("0 passed, 1 failed")
            return 1
    r = Results()
    with tempfile.TemporaryDirectory(prefix=f"mote-http-{os.getpid()}-") as tmp:
        srv = Server(image_file(tmp, "disk.img"), ["http_req_ms=1000", "http_idle_ms=1500"])
        if r.check("boots_ready", srv.ok, srv.vm.log):
            for t in (test_basics, test_keepalive_http_client, test_pipelining,
                      test_chunked, test_kv_and_scan, test_errors, test_ab_wrk,
                      test_stats):
                t(r, srv)
            alive = srv.vm.proc.poll() is None
            r.check("server_alive_at_end", alive and "PANIC" not in srv.vm.log,
                    srv.vm.log[-2000:])
        srv.stop()
        test_slow_clients(r, tmp)
        test_fd_exhaustion(r, tmp)
        test_503(r, tmp)
        test_500_store_full(r, tmp)
        test_durability(r, tmp)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
