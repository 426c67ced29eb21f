#!/usr/bin/env python3
"""Hosted HTTP: apps/httpd as a Linux process (TCP from host sockets) and
the sandboxed Wasm server apps/wasm/httpd, versus nginx-light on the host
with one worker, all serving the same static page and all measured in this
run by the same wrk command; as root also httpd in the x64 VM versus
nginx-light in the Linux VM (bench/http/vm.py).

Modes: keep-alive (CONNS connections, requests back to back on each) and
one connection per request (wrk sends "Connection: close", so every
request is a new TCP connection). Requests/s and wrk's p50/p99 latency.
Environment: BENCH_SECONDS (10), BENCH_CONNS (32).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import vm as httpvm  # bench/http/vm.py: the x64 VM rows

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from benchlib import start_server, write_results  # noqa: E402
from motetest import free_tcp_port  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
CONNS = int(os.environ.get("BENCH_CONNS", 32))
SBX_BUILD = os.path.join(ROOT, "build", "bench-http")


def build():
    subprocess.check_call(["make", "-s", "-C", ROOT, "PLATFORM=hosted", "APP=httpd",
                           "kernel"])
    subprocess.check_call(["make", "-s", "-C", ROOT, f"BUILD={SBX_BUILD}",
                           "PLATFORM=hosted", "APP=apps/wasm/httpd/httpd.manifest", "kernel"])


def to_ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, close, prefix=()):
    args = [*prefix, "wrk", "-t1", f"-c{CONNS}", f"-d{SECONDS}s", "--latency"]
    if close:
        args += ["-H", "Connection: close"]
    out = subprocess.run(args + [url], capture_output=True, text=True,
                         timeout=SECONDS + 60).stdout
    lat = dict((p, to_ms(v, u)) for p, v, u in
               re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                     out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50": lat.get("50", 0.0),
            "p99": lat.get("99", 0.0),
            "errors": (sum(int(x) for x in errs.groups()) if errs else 0)
            + (int(non2xx.group(1)) if non2xx else 0)}


NGINX_CONF = """worker_processes 1;
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  default_type text/html;
  server {{
    listen 127.0.0.1:{port} backlog=128;
    root {tmp}/www;
    location = / {{ try_files /index.html =404; }}
  }}
}}
"""


def run_nginx(tmp, page):
    port = free_tcp_port()
    os.makedirs(os.path.join(tmp, "www"), exist_ok=True)
    with open(os.path.join(tmp, "www", "index.html"), "wb") as f:
        f.write(page)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port))
    srv = start_server([shutil.which("nginx") or "/usr/sbin/nginx", "-c", conf,
                        "-e", os.path.join(tmp, "error.log")], "", timeout=1)
    for _ in range(100):  # nginx prints nothing when ready: poll the port
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
            break
        except OSError:
            import time
            time.sleep(0.05)
    return srv, port


def measure(name, url, results):
    for close in (False, True):
        results.append((name, "one connection per request" if close else "keep-alive",
                        wrk(url, close)))


def main():
    build()
    load0 = open("/proc/loadavg").read().split()[0]
    results = []
    with tempfile.TemporaryDirectory(prefix=f"mote-bench-http-{os.getpid()}-") as tmp:
        image = os.path.join(tmp, "disk.img")
        open(image, "wb").truncate(16 << 20)
        port = free_tcp_port()
        kernel = os.path.join(ROOT, "build", "hosted", "httpd", "mote.elf")
        srv = start_server([kernel, f"drive={image}", f"hostfwd={port}:8080"],
                           "httpd: ready")
        try:
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            measure("mote httpd (hosted)", f"http://127.0.0.1:{port}/", results)
        finally:
            srv.stop()
        srv, nport = run_nginx(tmp, page)
        try:
            served = urllib.request.urlopen(f"http://127.0.0.1:{nport}/", timeout=5).read()
            assert served == page, "nginx serves a different page"
            measure("nginx-light, 1 worker", f"http://127.0.0.1:{nport}/", results)
        finally:
            srv.stop()
        port = free_tcp_port()
        sbx = os.path.join(SBX_BUILD, "hosted", "sbx", "mote.elf")
        srv = start_server([sbx, f"hostfwd={port}:8080"], "ready on tcp port 8080")
        try:
            measure("mote Wasm httpd (sandboxed; 32-byte page)", f"http://127.0.0.1:{port}/",
                    results)
        finally:
            srv.stop()
        why = httpvm.usable()
        if why is None:
            results += httpvm.measure(tmp, wrk, free_tcp_port)
        else:
            print(f"skipping the x64 VM rows: {why}")
    lines = ["| server | mode | requests/s | p50 ms | p99 ms | errors |",
             "|---|---|---|---|---|---|"]
    for name, mode, r in results:
        lines.append(f"| {name} | {mode} | {r['rps']:.0f} | {r['p50']:.3f} | "
                     f"{r['p99']:.3f} | {r['errors']} |")
    by = {(n, m): r for n, m, r in results}
    lines.append("")
    pairs = [("hosted", "mote httpd (hosted)", "nginx-light, 1 worker"),
             ("x64 VM", httpvm.MOTE_ROW, httpvm.LINUX_ROW)]
    for where, mote, peer in pairs:
        for mode in ("keep-alive", "one connection per request"):
            m, n = by.get((mote, mode)), by.get((peer, mode))
            if m and n and n["rps"] and n["p99"]:
                lines.append(f"- {where}, {mode}: mote/nginx requests/s "
                             f"{m['rps'] / n['rps']:.2f}x, p99 {m['p99'] / n['p99']:.2f}x "
                             "(requests/s: higher is better; p99: lower is better).")
    print("\n".join(lines))
    path = write_results(
        "http-hosted", "HTTP: mote httpd vs nginx-light (one worker), hosted and in the x64 VM",
        "make bench BENCH=http", lines,
        f"wrk -t1 -c{CONNS} -d{SECONDS}s --latency against GET / (the same {len(page)}-byte "
        "static page from both servers; nginx adds Date, ETag, Last-Modified and "
        "Accept-Ranges fields, so its answers are ~150 bytes longer). "
        "'One connection per request' adds `-H 'Connection: close'`. nginx: "
        "worker_processes 1, master_process off, access_log off, keepalive_requests "
        "1000000. The Wasm row serves its own 32-byte page (apps/wasm/httpd). Server and "
        "wrk share this machine's CPUs over loopback. Load average (1 min) when the run "
        f"started: {load0}, at its end: {open('/proc/loadavg').read().split()[0]} "
        "(other jobs on the machine add noise: compare rows of one run, not runs). "
        "The x64 VM rows (when run as root; bench/http/vm.py): apps/httpd on the mote "
        "TCP in the x64 microvm under TCG versus nginx-light (the same configuration, "
        "one worker, the same page) in bench/linuxvm's Linux microVM, both booted with "
        "the command `make print-run PLATFORM=x64` prints (same machine, CPU model, "
        "memory, devices), each on a TAP device in a network namespace with wrk inside "
        "it; one VM at a time.")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
