#!/usr/bin/env python3
"""Every platform under QEMU: boot-to-first-echo, UDP echo latency and
throughput, and the stripped size of the echo kernel.

For each row (every platform on both virtio transports under TCG; x64 also
under KVM when usable) with the QEMU command from `make print-run` (the
same one tests use):

  boot    wall time from starting QEMU to the first UDP echo received on
          the host (a datagram every 5 ms until one comes back), median of
          BENCH_BOOTS (5) boots; includes QEMU start-up and firmware
          (SeaBIOS on q35, qboot on microvm)
  latency p50/p99 round trip over BENCH_COUNT (2000) sequential 64-byte
          datagrams (bench/echo/udpload.c)
  rate    datagrams/s with 32 in flight for BENCH_SECONDS (5), 64 and 1472
          bytes, through QEMU user networking (slirp) on loopback

Results: bench/results/qemu.md. The Linux-microVM peer comparison is
bench/vm/ (bench/results/vm-x64.md).
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from benchlib import write_results  # noqa: E402
from motetest import free_udp_port  # noqa: E402

BUILD = "build/bench-qemu"
OUT = os.path.join(ROOT, BUILD)
BOOTS = int(os.environ.get("BENCH_BOOTS", 5))
COUNT = int(os.environ.get("BENCH_COUNT", 2000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 5))
# (platform, machine and transport as shown, make variables)
ROWS = [("x64", "microvm, virtio-mmio", {"USE_PCI": "0"}),
        ("x64", "q35, virtio-pci", {"USE_PCI": "1"}),
        ("x32", "microvm, virtio-mmio", {"USE_PCI": "0"}),
        ("x32", "q35, virtio-pci", {"USE_PCI": "1"})] + [
    (p, f"virt, virtio-{t}", {"USE_PCI": pci})
    for p in ("arm64", "arm32", "rv64", "rv32") for t, pci in (("mmio", "0"), ("pci", "1"))]
PLATFORMS = os.environ.get("BENCH_PLATFORMS", "x64 x32 arm64 arm32 rv64 rv32").split()


def kvm_usable():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
        return True
    except OSError:
        return False


def qemu_cmd(mvars, image, port):
    args = ["make", "-s", "--no-print-directory", "print-run",
            f"BUILD={BUILD}", f"DRIVE={image}", f"PORT={port}"]
    args += [f"{k}={v}" for k, v in mvars.items()]
    return subprocess.check_output(args, cwd=ROOT, text=True).strip()


def start(cmd):
    return subprocess.Popen("exec " + cmd, shell=True, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def first_echo(port, t0, limit=120.0):
    """Seconds from (t0) until an echo comes back, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.005)
    try:
        while time.monotonic() - t0 < limit:
            s.sendto(b"boot?", ("127.0.0.1", port))
            try:
                if s.recvfrom(64)[0] == b"boot?":
                    return time.monotonic() - t0
            except socket.timeout:
                pass
        return None
    finally:
        s.close()


def udpload(*args):
    out = subprocess.check_output([os.path.join(OUT, "udpload"), *map(str, args)], text=True)
    return {k: float(v) for k, v in (kv.split("=") for kv in out.split())}


def bench_row(mvars, tmp):
    image = os.path.join(tmp, "disk.img")
    boots = []
    for _ in range(BOOTS):
        open(image, "wb").truncate(16 << 20)
        port = free_udp_port()
        cmd = qemu_cmd(mvars, image, port)
        t0 = time.monotonic()
        p = start(cmd)
        try:
            boots.append(first_echo(port, t0))
        finally:
            stop(p)
        if boots[-1] is None:
            raise RuntimeError(f"no echo from: {cmd}")
    port = free_udp_port()
    p = start(qemu_cmd(mvars, image, port))
    try:
        if first_echo(port, time.monotonic()) is None:
            raise RuntimeError("no echo")
        r = udpload("latency", port, COUNT, 64)
        r.update({k + "_64": v for k, v in udpload("rate", port, 32, SECONDS, 64).items()})
        r.update({k + "_1472": v for k, v in udpload("rate", port, 32, SECONDS, 1472).items()})
    finally:
        stop(p)
    r["boot_s"] = statistics.median(boots)
    r["boot_min"], r["boot_max"] = min(boots), max(boots)
    return r


def stripped_size(platform):
    kernel = subprocess.check_output(["make", "-s", "--no-print-directory", "print-kernel",
                                      f"PLATFORM={platform}", f"BUILD={BUILD}"], cwd=ROOT,
                                     text=True).strip()
    out = os.path.join(OUT, f"{platform}.stripped")
    subprocess.check_call(["llvm-strip", "-o", out, os.path.join(ROOT, kernel)])
    return os.path.getsize(out)


LOAD0 = os.getloadavg()[0]


def previous_rows():
    """The rows of the results file this run replaces, their platform cell
    marked with its date, to stand beside the new ones."""
    path = os.path.join(ROOT, "bench", "results", "qemu.md")
    try:
        text = open(path).read().splitlines()
    except OSError:
        return []
    date = next((ln.split(":", 1)[1].strip().split()[0] for ln in text
                 if ln.startswith("- date:")), "before")
    rows = []
    for ln in text:
        cells = ln.split("|")
        if (len(cells) > 3 and ln.startswith("| ") and not ln.startswith("| platform")
                and "(" not in cells[1]):
            cells[1] = f" {cells[1].strip()} ({date}) "
            rows.append("|".join(cells))
    return rows


def main():
    previous = previous_rows()
    os.makedirs(OUT, exist_ok=True)
    sizes = {}
    for platform in PLATFORMS:
        subprocess.check_call(["make", "-s", "--no-print-directory", "kernel",
                               f"PLATFORM={platform}", f"BUILD={BUILD}"], cwd=ROOT)
        sizes[platform] = stripped_size(platform)
    subprocess.check_call(["clang", "-O2", "-o", os.path.join(OUT, "udpload"),
                           os.path.join(ROOT, "bench", "echo", "udpload.c")])
    rows = [(p, n, dict(v, ACCEL="tcg")) for p, n, v in ROWS if p in PLATFORMS]
    if kvm_usable() and "x64" in PLATFORMS:
        rows += [(p, n, dict(v, ACCEL="kvm")) for p, n, v in ROWS if p == "x64"]
    lines = ["| platform | machine | accel | boot to first echo, s (median of %d; min-max) | "
             "p50 µs | p99 µs | 64 B dgram/s | 1472 B dgram/s (Mbit/s) | lost | "
             "stripped kernel, bytes |" % BOOTS,
             "|---|---|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for platform, name, mvars in rows:
            accel = mvars["ACCEL"]
            r = bench_row(dict(mvars, PLATFORM=platform), tmp)
            mbit = r["dgram_per_s_1472"] * 1472 * 8 / 1e6
            lost = int(r["lost"] + r["lost_64"] + r["lost_1472"])
            lines.append(
                f"| {platform} | {name} | {accel} | {r['boot_s']:.3f} ({r['boot_min']:.3f}-"
                f"{r['boot_max']:.3f}) | {r['p50_us']:.0f} | {r['p99_us']:.0f} | "
                f"{r['dgram_per_s_64']:.0f} | {r['dgram_per_s_1472']:.0f} "
                f"({mbit:.0f}) | {lost} | {sizes[platform]} |")
            print(lines[-1], flush=True)
    lines += previous
    notes = f"""
Rows whose platform cell carries a date are the previous results file's,
kept beside this run's. Load average at the start of this run: {LOAD0:.1f}
(a shared machine).

Client bench/echo/udpload.c on the host over loopback into QEMU user
networking (hostfwd); the guest runs apps/echo with 32 receives armed.
Latency: {COUNT} sequential 64-byte round trips. Rate: 32 datagrams in
flight for {SECONDS:g} s; a datagram unanswered for 200 ms counts as lost.
Boot: QEMU start to the first echo seen by the host, including firmware
and the DHCP exchange with QEMU's server (the echo app has no address
before it). rv64 boots through OpenSBI; the others have no firmware
between QEMU and the kernel except SeaBIOS on q35.

KVM here is nested (kvm_pvm), which emulates batches of guest instructions
after every exit: it is correct but far slower than TCG for this
exit-heavy load (docs/x64.md), and the cost grows with the instructions
run after each exit (1472-byte echoes are several times slower than 64-byte
ones). An experiment with a `rep movsb` memcpy cut 1472-byte latency from
about 60 ms to 35 ms there; lib/mem.c's portable loops were kept. Numbers
from a machine with hardware KVM will differ completely.

The side-by-side comparison with a Linux microVM (Debian linux-image-amd64
on the same QEMU command) is bench/vm/ (`make bench BENCH=vm`), results in
bench/results/vm-x64.md; this file is mote alone, row by row.
"""
    path = write_results("qemu", "Every platform under QEMU: boot, UDP echo, size",
                         "python3 bench/qemu/run.py",
                         lines, notes)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
