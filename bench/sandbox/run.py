#!/usr/bin/env python3
"""The sandbox's costs, hosted, in one run:
  * UDP echo: apps/wasm/echo (sandboxed) versus apps/echo (native C);
  * requests per second through the host API (bench/sandbox/hostcall.c)
    versus the same zero-delay timer loop in native C (apps/reqbench);
  * the cost of one host call (mote.now) seen from the guest.
Environment: BENCH_COUNT (10000), BENCH_SECONDS (10).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from benchlib import build_udpload, echo_measure, start_server, write_results  # noqa: E402
from motetest import free_udp_port  # noqa: E402

COUNT = int(os.environ.get("BENCH_COUNT", 10000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 10))
TMP = tempfile.mkdtemp(prefix="mote-bench-")


def kernel(app):
    subprocess.check_call(["make", "-s", "--no-print-directory", "-C", ROOT, "kernel",
                           "PLATFORM=hosted", f"APP={app}"], stdout=subprocess.DEVNULL)
    name = "sbx" if app.endswith((".wasm", ".manifest")) else app
    out = os.path.join(TMP, re.sub(r"\W", "_", app))
    shutil.copy(os.path.join(ROOT, "build", "hosted", name, "mote.elf"), out)
    return out


def echo(app, ready):
    k = kernel(app)
    port = free_udp_port()
    srv = start_server([k, f"hostfwd={port}:8080"], ready)
    try:
        return echo_measure(port, COUNT, SECONDS)
    finally:
        srv.stop()


def grab(cmd, key):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    m = re.search(rf"{key}=([0-9.]+)", out)
    if not m:
        raise RuntimeError(f"no {key} in output of {cmd}:\n{out}")
    return float(m.group(1))


def main():
    build_udpload()
    native = echo("echo", "echo: ready")
    wasm = echo("apps/wasm/echo/echo.manifest", "ready on udp port 8080")
    hc = kernel("bench/sandbox/hostcall.manifest")
    host_ns = grab([hc], "hostcall_ns")
    wasm_rps = grab([hc], "requests_per_s")
    native_rps = grab([kernel("reqbench")], "requests_per_s")
    lines = [
        "| measure | native C | Wasm (sandbox) | Wasm/native |",
        "|---|---|---|---|",
        f"| UDP echo datagrams/s (32 in flight) | {native['dgram_per_s']:.0f} | "
        f"{wasm['dgram_per_s']:.0f} | {wasm['dgram_per_s'] / native['dgram_per_s']:.2f} |",
        f"| UDP echo p50 µs | {native['p50_us']:.1f} | {wasm['p50_us']:.1f} | "
        f"{wasm['p50_us'] / native['p50_us']:.2f} |",
        f"| UDP echo p99 µs | {native['p99_us']:.1f} | {wasm['p99_us']:.1f} | "
        f"{wasm['p99_us'] / native['p99_us']:.2f} |",
        f"| timer requests/s, one in flight | {native_rps:.0f} | {wasm_rps:.0f} | "
        f"{wasm_rps / native_rps:.2f} |",
        f"| one host call (mote.now), ns | — | {host_ns:.1f} | — |",
    ]
    print("\n".join(lines))
    path = write_results(
        "sandbox", "Sandbox costs (hosted): Wasm apps versus native C", "make bench BENCH=sandbox",
        lines, f"Echo: {COUNT} sequential 64-byte round trips for latency; 32 in flight for "
        f"{SECONDS:g} s for throughput (bench/echo/udpload.c over loopback). Host call: 2,000,000 "
        "calls to mote.now minus the same loop without the call, timed by the guest.")
    print(f"wrote {path}")
    shutil.rmtree(TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
