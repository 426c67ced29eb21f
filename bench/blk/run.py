#!/usr/bin/env python3
"""Hosted block I/O: apps/blkbench through the kernel's block requests on
the io_uring back end and on the epoll back end (4 worker threads), beside
bench/blk/psync_peer.c (QD threads of blocking pread/pwrite/fdatasync, the
plain way), all on the same image file in this run.

Phases (see apps/blkbench/main.c): random 4 KiB reads, random 4 KiB writes
(no flush), and durable batches (QD writes, then fdatasync), QD in flight,
on a 256 MiB image file written out first (no holes) under build/.
The three take turns, ROUNDS times; each figure is the median of its rounds.
Environment: BENCH_SECONDS (2 per phase), BENCH_ROUNDS (3), BENCH_QD (32).
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from benchlib import OUT, write_results  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", 2))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
QD = int(os.environ.get("BENCH_QD", 32))
BS = 4096
SPAN_MIB = 256
PHASES = ("randread", "randwrite", "commit")
KERNEL = os.path.join(ROOT, "build", "hosted", "blkbench", "mote.elf")
PEER = os.path.join(OUT, "psync_peer")
LINE = re.compile(r"blkbench: (\w+) qd=\d+ bs=\d+ ops_per_s=(\d+) p50_us=(\d+) p99_us=(\d+)")


def build():
    subprocess.check_call(["make", "-s", "-C", ROOT, "PLATFORM=hosted", "APP=blkbench",
                           "kernel"])
    os.makedirs(OUT, exist_ok=True)
    subprocess.check_call(["clang", "-O2", "-pthread", "-o", PEER,
                           os.path.join(ROOT, "bench", "blk", "psync_peer.c")])


def mote(image, io):
    out = subprocess.run([KERNEL, f"drive={image}", f"io={io}", f"secs={SECONDS:g}",
                          f"qd={QD}", f"bs={BS}", f"span={SPAN_MIB}"],
                         capture_output=True, text=True, timeout=120)
    got = {m[1]: dict(ops_per_s=float(m[2]), p50_us=float(m[3]), p99_us=float(m[4]))
           for m in LINE.finditer(out.stdout)}
    if out.returncode or set(got) != set(PHASES):
        raise RuntimeError(f"blkbench io={io} failed (exit {out.returncode}):\n"
                           + out.stdout + out.stderr)
    return got


def peer(image):
    got = {}
    for ph in PHASES:
        out = subprocess.check_output([PEER, image, ph, f"{SECONDS:g}", str(QD), str(BS),
                                       str(SPAN_MIB)], text=True, timeout=120)
        got[ph] = {k: float(v) for k, v in (kv.split("=") for kv in out.split())}
    return got


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def main():
    build()
    image = os.path.join(ROOT, "build", "blkbench.img")
    with open(image, "wb") as f:  # real blocks, not a sparse file's holes
        chunk = bytes(range(256)) * 4096
        for _ in range(SPAN_MIB):
            f.write(chunk)
        os.fsync(f.fileno())
    rows = [("mote hosted, io_uring", lambda: mote(image, "uring")),
            ("mote hosted, epoll (4 worker threads)", lambda: mote(image, "epoll")),
            (f"psync peer ({QD} threads)", lambda: peer(image))]
    runs = {}
    try:
        for rnd in range(ROUNDS):
            for name, run in rows[rnd % 3:] + rows[:rnd % 3]:
                runs.setdefault(name, []).append(run())
                print(f"round {rnd + 1}: {name}: {runs[name][-1]}", flush=True)
    finally:
        os.unlink(image)
    res = {name: {ph: {k: median([r[ph][k] for r in rs]) for k in rs[0][ph]} for ph in PHASES}
           for name, rs in runs.items()}
    base = res[rows[2][0]]
    lines = ["| phase | " + " | ".join(f"{n}: ops/s, p50/p99 µs" for n, _ in rows)
             + " | io_uring / peer ops | epoll / peer ops |",
             "|---|" + "---|" * (len(rows) + 2)]
    for ph in PHASES:
        cells = [f"{res[n][ph]['ops_per_s']:.0f}, {res[n][ph]['p50_us']:.0f}/"
                 f"{res[n][ph]['p99_us']:.0f}" for n, _ in rows]
        ratios = [f"{res[n][ph]['ops_per_s'] / base[ph]['ops_per_s']:.2f}x" for n, _ in rows[:2]]
        lines.append(f"| {ph} | " + " | ".join(cells + ratios) + " |")
    print("\n".join(lines))
    path = write_results(
        "blk-hosted", "Hosted block I/O: mote on io_uring and on epoll vs plain threads",
        "make bench BENCH=blk", lines,
        f"{BS}-byte blocks at random over a {SPAN_MIB} MiB image file (written out first) "
        f"under build/, {QD} requests in flight, {SECONDS:g} s per phase; each figure the "
        f"median of {ROUNDS} rounds, the three taking turns. randread: reads (page-cache "
        "hits after the first touch); randwrite: buffered writes, no flush; commit: "
        f"{QD} writes then one fdatasync, ops = blocks written, latency per batch. "
        "mote: apps/blkbench (build/hosted/blkbench/mote.elf io=uring|epoll); peer: "
        "bench/blk/psync_peer.c. Latency means different things: mote's runs from "
        "ksubmit to the callback (queueing in the loop among the requests in flight "
        "included), the peer's is the time inside one blocking call.")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
