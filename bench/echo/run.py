#!/usr/bin/env python3
"""Hosted UDP echo: mote's echo app as a Linux process, on its io_uring
and on its epoll back end, versus a plain epoll C echo server, all
measured in this run by the same C client.

Latency: p50/p99 round trip over COUNT sequential 64-byte datagrams.
Rate: datagrams/s with 32 in flight for SECONDS.
The servers take turns, ROUNDS times (each round in a different order), and
each figure is the median of its rounds, so that a burst of load from
elsewhere on the machine hits all of them alike.
Environment: BENCH_COUNT (10000), BENCH_SECONDS (10), BENCH_ROUNDS (3).
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
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
LOAD0 = 0.0


def build():
    build_udpload()
    subprocess.check_call(["make", "-s", "-C", ROOT, "hosted-kernel"])


def cpu_seconds(pid):
    """User + system CPU time of process (pid) so far, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(port, pid):
    """echo_measure, plus the server's CPU time over the whole run, so that
    datagrams per CPU second show the cost per datagram even when other
    load on the machine takes the CPUs away."""
    c0 = cpu_seconds(pid)
    r = echo_measure(port, COUNT, SECONDS)
    used = cpu_seconds(pid) - c0
    r["dgram_per_cpu_s"] = (COUNT + r["dgram_per_s"] * SECONDS) / used if used else 0.0
    return r


run_server = start_server


# The figures of the previous bench/results/echo-hosted.md (2026-11-21,
# before the io_uring back end: mote hosted then ran on epoll only), kept
# beside the new ones so the table shows what changed.
PREVIOUS = [
    "| mote hosted, epoll (2026-11-21) | 53.4 | 76.2 | 224441 | | 0 |",
    "| epoll C baseline (2026-11-21) | 56.1 | 104.1 | 264945 | | 0 |",
]

# The rows of this run: (name, how to start it, its ready line).
MOTE_ROWS = [("mote hosted, io_uring", "io=uring"), ("mote hosted, epoll", "io=epoll")]


def servers(image):
    """(name, command, ready line) of every row measured in this run."""
    kernel = os.path.join(ROOT, "build", "hosted", "echo", "mote.elf")
    rows = [(name, lambda port, io=io: [kernel, f"drive={image}", f"hostfwd={port}:8080", io],
             "echo: ready") for name, io in MOTE_ROWS]
    rows.append(("epoll C baseline", lambda port: [os.path.join(OUT, "epoll_echo"), str(port)],
                 "ready"))
    return rows


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def main():
    global LOAD0
    LOAD0 = os.getloadavg()[0]
    build()
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "disk.img")
        open(image, "wb").truncate(1 << 20)
        rows = servers(image)
        for rnd in range(ROUNDS):
            for name, cmd, ready in rows[rnd % len(rows):] + rows[:rnd % len(rows)]:
                port = free_udp_port()
                srv = run_server(cmd(port), ready)
                try:
                    runs.setdefault(name, []).append(measure(port, srv.proc.pid))
                finally:
                    srv.stop()
                print(f"round {rnd + 1}: {name}: {runs[name][-1]}", flush=True)
    results = {name: {k: median([r[k] for r in rs]) for k in rs[0]}
               for name, _, _ in rows for rs in [runs[name]]}
    base = results["epoll C baseline"]
    lines = ["| server | p50 µs | p99 µs | datagrams/s (32 in flight) | datagrams per "
             "server CPU second | lost |",
             "|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['p50_us']:.1f} | {r['p99_us']:.1f} | "
                     f"{r['dgram_per_s']:.0f} | {r['dgram_per_cpu_s']:.0f} | {int(r['lost'])} |")
    lines += PREVIOUS
    lines.append("")
    for name, _ in MOTE_ROWS:
        m = results[name]
        lines.append(f"Ratio {name} / epoll C baseline (this run): p50 latency "
                     f"{m['p50_us'] / base['p50_us']:.2f}x, "
                     f"p99 latency {m['p99_us'] / base['p99_us']:.2f}x, "
                     f"throughput {m['dgram_per_s'] / base['dgram_per_s']:.2f}x, "
                     f"per CPU second {m['dgram_per_cpu_s'] / base['dgram_per_cpu_s']:.2f}x.")
        lines.append("")
    lines.append("Latency: lower is better; throughput: higher is better. Rows marked "
                 "with a date are the previous results file, kept for comparison.")
    print("\n".join(lines))
    path = write_results(
        "echo-hosted", "Hosted UDP echo: mote (io_uring and epoll) vs a plain epoll server",
        "make bench BENCH=echo", lines,
        f"{COUNT} sequential 64-byte round trips for latency; 64-byte datagrams, "
        f"32 in flight for {SECONDS:g} s for throughput; client bench/echo/udpload.c "
        f"on the same machine over loopback. Each figure is the median of {ROUNDS} "
        "rounds, the servers taking turns. The mote rows are the same binary "
        "(build/hosted/echo/mote.elf) started with io=uring and io=epoll. "
        "Datagrams per server CPU second: every datagram of the run (latency and "
        "rate) over the server process's user+system time (/proc/PID/stat), which "
        "other load on a shared machine disturbs far less than the wall-clock rate. "
        f"Load average at the start: {LOAD0:.1f}.")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
