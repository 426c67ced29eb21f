#!/usr/bin/env python3
"""UDP echo over a TAP device in a network namespace: mote as an x64 VM
next to the same job done by other peers, all measured in this run by the
same client (bench/echo/udpload, run inside the namespace).

Rows (NETBENCH_ROWS=name,name picks some):
  mote-x64      mote's echo app, QEMU -machine microvm (virtio-mmio),
                -netdev tap on the namespace's tap0 (make print-run NET=tap:tap0)
  linux-x64     Debian's kernel + a one-program initramfs (bench/linuxvm,
                `make linuxvm`) under the very same QEMU command, only
                KERNEL, ARGS and -initrd swapped in (as bench/vm does)
  mote-hosted   mote's hosted build, a Linux process owning tap0
  native        bench/echo/epoll_echo in the namespace, over its loopback:
                Linux's own UDP path with no TAP and no VM (the floor)

The namespace (mote-netbench-PID) holds tap0 = 10.0.2.2/24; guests are
10.0.2.15 (the Linux /init's fixed address, so mote gets ip=10.0.2.15/24
too). Nothing leaves the namespace. It is deleted at the end.

Latency: p50/p99 over BENCH_COUNT (10000) sequential 64-byte round trips.
Rate: datagrams/s with 32 in flight for BENCH_SECONDS (10).
NETBENCH_ACCEL: tcg (default) or kvm for the VMs. Writes
bench/results/net-tap.md.
"""
import importlib.util
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from benchlib import OUT, build_udpload, write_results  # noqa: E402

COUNT = int(os.environ.get("BENCH_COUNT", 10000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 10))
ACCEL = os.environ.get("NETBENCH_ACCEL", "tcg")
ROWS = ("mote-x64", "linux-x64", "mote-hosted", "native")
ONLY = [r for r in os.environ.get("NETBENCH_ROWS", "").split(",") if r]
NS = f"mote-netbench-{os.getpid()}"
GUEST, HOST = "10.0.2.15", "10.0.2.2"
BOOT_S = 60
LINUX_DIR = os.path.join(ROOT, "build", "linuxvm")
PEER = {
    "mote-x64": f"mote echo app, x64 VM (microvm, virtio-mmio, {ACCEL})",
    "linux-x64": f"Linux VM, same QEMU command ({ACCEL})",
    "mote-hosted": "mote echo app, hosted (Linux process on the TAP)",
    "native": "epoll C echo in the namespace (loopback, no TAP, no VM)",
}


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check)


def make(*args):
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, *args],
                          capture_output=True, text=True)


def vm_bench():
    """bench/vm/run.py, for the Linux peer's kernel command line."""
    spec = importlib.util.spec_from_file_location(
        "vmbench", os.path.join(ROOT, "bench", "vm", "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def setup():
    sh("ip", "netns", "add", NS)
    for cmd in (["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"],
                ["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"],
                ["ip", "link", "set", "lo", "up"]):
        sh("ip", "netns", "exec", NS, *cmd)


def fresh_tap():
    """A new tap0 for every row. A persistent TAP keeps the offloads the
    last QEMU enabled for its guest (a Linux guest negotiates checksum
    offload): the namespace would then send the next server frames with
    unfinished UDP checksums, which a reader without a vnet header (the
    hosted mote) rightly drops. And the neighbour entry goes with it."""
    sh("ip", "netns", "exec", NS, "ip", "link", "del", "tap0", check=False)
    for cmd in (["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
                ["ip", "addr", "add", f"{HOST}/24", "dev", "tap0"],
                ["ip", "link", "set", "tap0", "up"]):
        sh("ip", "netns", "exec", NS, *cmd)


def command(row, drive):
    """The shell command of a row's server (a string), or raise why not."""
    if row == "native":
        return shlex.join([os.path.join(OUT, "epoll_echo"), "8080"])
    if row == "mote-hosted":
        return make("PLATFORM=hosted", "APP=echo", f"DRIVE={drive}", "NET=tap:tap0",
                    f"ARGS=ip={GUEST}/24 gw={HOST}", "print-run").stdout.strip()
    common = ["PLATFORM=x64", "USE_PCI=0", f"ACCEL={ACCEL}", f"DRIVE={drive}",
              "NET=tap:tap0"]
    if row == "mote-x64":
        return make(*common, f"ARGS=ip={GUEST}/24 gw={HOST}", "print-run").stdout.strip()
    if not os.path.exists(os.path.join(LINUX_DIR, "vmlinux")):
        raise RuntimeError("no build/linuxvm/vmlinux (make linuxvm)")
    return make(*common, f"KERNEL={os.path.join(LINUX_DIR, 'vmlinux')}",
                f"ARGS={vm_bench().linux_args('microvm')}",
                f"QEMU_EXTRA=-initrd {os.path.join(LINUX_DIR, 'initramfs.cpio.gz')}",
                "print-run").stdout.strip()


def udpload(*args, timeout):
    out = subprocess.run(["ip", "netns", "exec", NS, os.path.join(OUT, "udpload"),
                          *map(str, args)], capture_output=True, text=True,
                         timeout=timeout).stdout
    return {k: float(v) for k, v in (kv.split("=") for kv in out.split())}


def wait_echo(proc, target, deadline):
    """Probe until the server echoes (a few round trips answered)."""
    while time.time() < deadline and proc.poll() is None:
        try:
            r = udpload("latency", 8080, 5, 64, target, timeout=10)
            if r.get("lost", 5) < 5:
                return True
        except (subprocess.TimeoutExpired, ValueError):
            pass
        time.sleep(0.2)
    return False


def measure(row, tmp):
    """One row: start its server in the namespace, measure, stop it."""
    drive = os.path.join(tmp, f"{row}.img")
    with open(drive, "wb") as f:
        f.truncate(16 << 20)
    logpath = os.path.join(tmp, f"{row}.log")
    target = "127.0.0.1" if row == "native" else GUEST
    t0 = time.time()
    with open(logpath, "w") as log:
        proc = subprocess.Popen(["ip", "netns", "exec", NS, *shlex.split(command(row, drive))],
                                stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        if not wait_echo(proc, target, t0 + BOOT_S):
            tail = open(logpath, errors="replace").read().splitlines()[-5:]
            raise RuntimeError(f"no echo within {BOOT_S} s: {' / '.join(tail)}")
        r = udpload("latency", 8080, COUNT, 64, target, timeout=COUNT * 0.05 + 60)
        r.update(udpload("rate", 8080, 32, SECONDS, 64, target, timeout=SECONDS + 60))
        return r
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def table(results):
    mote = results.get("mote-x64")
    lines = ["| peer | p50 µs | p99 µs | datagrams/s (32 in flight) "
             "| lost | p50 vs mote-x64 | rate vs mote-x64 |",
             "|---|---|---|---|---|---|---|"]
    for row, r in results.items():
        if isinstance(r, str):
            lines.append(f"| {PEER[row]} | {r} | | | | | |")
            continue
        ratio = ""
        if isinstance(mote, dict) and mote["p50_us"] and mote["dgram_per_s"]:
            ratio = (f"| {r['p50_us'] / mote['p50_us']:.2f}× "
                     f"| {r['dgram_per_s'] / mote['dgram_per_s']:.2f}× ")
        else:
            ratio = "| | "
        lines.append(f"| {PEER[row]} | {r['p50_us']:.1f} | "
                     f"{r['p99_us']:.1f} | {r['dgram_per_s']:.0f} | "
                     f"{int(r['lost'])} {ratio}|")
    return lines


NOTES = """
Every datagram goes from udpload (run inside the namespace, given the
guest's address as its optional HOST argument) through tap0 to the server
and back, except in the `native` row, where it stays on the namespace's
loopback (epoll_echo binds 127.0.0.1): that row is Linux's own UDP path
with no TAP and no VM in the way. The VM rows pay for QEMU's TAP backend,
virtio-net and, under TCG, instruction translation of the guest's whole
stack. The Linux VM runs Debian's kernel and bench/linuxvm's /init (a
recvfrom/sendto loop) under the same QEMU command line as mote
(docs/benchmarks.md; bench/vm measures boot times). The ratio columns
divide each row by the mote x64 VM's (p50: below 1 is faster; rate: above
1 is faster). `lost` adds latency round trips unanswered within 500 ms and
rate datagrams unanswered within 200 ms. Each row gets a new tap0: a
persistent TAP keeps the offloads the previous QEMU enabled for its guest.
The machine has 2 CPUs shared with other work; QEMU's vCPU and I/O
threads and udpload compete for them, so p99 and the rates are noisy.
"""


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        sys.exit("bench/net: needs root (network namespace, TAP)")
    build_udpload()
    for args in (["PLATFORM=x64", "APP=echo", "kernel"],
                 ["PLATFORM=hosted", "APP=echo", "kernel"]):
        r = make(*args)
        if r.returncode:
            sys.exit(f"make {' '.join(args)} failed:\n{r.stderr}")
    make("linuxvm")  # a missing Linux peer is reported in its row
    rows = [r for r in ROWS if not ONLY or r in ONLY]
    results = {}
    with tempfile.TemporaryDirectory(prefix="mote-netbench-") as tmp:
        try:
            setup()
            for row in rows:
                print(f"bench/net: {row} ...", flush=True)
                try:
                    fresh_tap()
                    results[row] = measure(row, tmp)
                except Exception as e:  # the row says why, the run goes on
                    results[row] = re.sub(r"\s+", " ", str(e))[:200]
                print(f"bench/net: {row}: {results[row]}", flush=True)
        finally:
            sh("ip", "netns", "del", NS, check=False)
    cmd = "python3 bench/net/run.py"
    if COUNT != 10000 or SECONDS != 10 or ACCEL != "tcg":
        cmd = f"BENCH_COUNT={COUNT} BENCH_SECONDS={SECONDS:g} NETBENCH_ACCEL={ACCEL} " + cmd
    path = write_results("net-tap", "UDP echo over TAP in a network namespace", cmd,
                         table(results), NOTES)
    print("\n".join(table(results)))
    print(f"bench/net: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
