#!/usr/bin/env python3
"""Hosted UDP echo: mote's echo app as a Linux process versus a plain
epoll C echo server, both measured in this run by the same C client.

Latency: p50/p99 round trip over COUNT sequential 64-byte datagrams.
Rate: datagrams/s with 32 in flight for SECONDS.
Environment: BENCH_COUNT (10000), BENCH_SECONDS (10).
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from benchlib import OUT, build_udpload, echo_measure, start_server, write_results  # noqa: E402
from motetest import free_udp_port  # noqa: E402

COUNT = int(os.environ.get("BENCH_COUNT", 10000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 10))


def build():
    build_udpload()
    subprocess.check_call(["make", "-s", "-C", ROOT, "hosted-kernel"])


def measure(port):
    return echo_measure(port, COUNT, SECONDS)


run_server = start_server


def main():
    build()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "disk.img")
        open(image, "wb").truncate(1 << 20)
        port = free_udp_port()
        kernel = os.path.join(ROOT, "build", "hosted", "echo", "mote.elf")
        srv = run_server([kernel, f"drive={image}", f"hostfwd={port}:8080"], "echo: ready")
        try:
            results["mote hosted"] = measure(port)
        finally:
            srv.stop()
        port = free_udp_port()
        srv = run_server([os.path.join(OUT, "epoll_echo"), str(port)], "ready")
        try:
            results["epoll C baseline"] = measure(port)
        finally:
            srv.stop()
    base = results["epoll C baseline"]
    lines = ["| server | p50 µs | p99 µs | datagrams/s (32 in flight) | lost |",
             "|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['p50_us']:.1f} | {r['p99_us']:.1f} | "
                     f"{r['dgram_per_s']:.0f} | {int(r['lost'])} |")
    m = results["mote hosted"]
    lines.append("")
    lines.append(f"Ratio mote/baseline: p50 latency {m['p50_us'] / base['p50_us']:.2f}x, "
                 f"p99 latency {m['p99_us'] / base['p99_us']:.2f}x, "
                 f"throughput {m['dgram_per_s'] / base['dgram_per_s']:.2f}x "
                 f"(latency: lower is better; throughput: higher is better).")
    print("\n".join(lines))
    path = write_results(
        "echo-hosted", "Hosted UDP echo: mote vs a plain epoll server",
        "make bench BENCH=echo", lines,
        f"{COUNT} sequential 64-byte round trips for latency; 64-byte datagrams, "
        f"32 in flight for {SECONDS:g} s for throughput; client bench/echo/udpload.c "
        "on the same machine over loopback.")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
