#!/usr/bin/env python3
"""TCP bulk benchmark: mote's TCP (apps/tcpecho) in the x64 VM against
Linux's (bench/linuxvm's /init runs a TCP echo server) in the same VM.

Both VMs are booted with the command `make print-run PLATFORM=x64`
prints, as in bench/vm (machine, CPU model, memory, devices, netdev
identical; Linux gets its kernel, arguments and -initrd swapped in), on
two networks: "user" (QEMU user networking: the host's 127.0.0.1:PORT
forwarded to the guest's TCP port 8080) and "tap" (-netdev tap on tap0 of
a namespace, mote-tcpbench-PID, that is 10.0.2.2/24; the guest is
10.0.2.15 either way, the client runs in the namespace). Per VM and
machine (microvm: virtio-mmio; q35: virtio-pci), under TCG:

  echo   the host sends TCPBENCH_MIB (16) MiB on one connection while it
         reads the echo; MiB/s = size / time to the last echoed byte, so
         both directions run at that rate at once. SHA-256 checked.
         Median of TCPBENCH_RUNS (3).

Writes bench/results/tcp.md. Environment: TCPBENCH_MIB, TCPBENCH_RUNS,
TCPBENCH_ROWS (comma list like mote-microvm-user).
"""
import hashlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "bench", "vm"))
from benchlib import write_results  # noqa: E402
from motetest import free_udp_port  # noqa: E402
import vmrun  # noqa: E402
import run as vmbench  # noqa: E402  bench/vm/run.py: the shared commands

MIB = int(os.environ.get("TCPBENCH_MIB", 16))
RUNS = int(os.environ.get("TCPBENCH_RUNS", 3))
ONLY = [r for r in os.environ.get("TCPBENCH_ROWS", "").split(",") if r]
MOTE_KERNEL = os.path.join(ROOT, "build", "bench", "tcp-mote.elf")


def build():
    subprocess.check_call(["make", "-s", "--no-print-directory", "-C", ROOT, "linuxvm"])
    subprocess.check_call(["make", "-s", "--no-print-directory", "-C", ROOT,
                           "PLATFORM=x64", "APP=tcpecho", "kernel"])
    os.makedirs(os.path.dirname(MOTE_KERNEL), exist_ok=True)
    shutil.copyfile(os.path.join(ROOT, "build", "x64", "tcpecho", "mote.elf"), MOTE_KERNEL)


CLIENT = r"""
import hashlib, os, socket, sys, threading, time
host, port, mib, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = os.urandom(mib << 20)
for _ in range(runs):
    got = bytearray()
    s = socket.create_connection((host, port), timeout=300)
    def rd():
        try:
            while True:
                b = s.recv(1 << 16)
                if not b:
                    break
                got.extend(b)
        except OSError:
            pass
    t = threading.Thread(target=rd)
    t0 = time.monotonic()
    t.start()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    t.join(300)
    dt = time.monotonic() - t0
    s.close()
    ok = hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    print("%.3f" % dt if ok else "BAD", flush=True)
"""
NS = f"mote-tcpbench-{os.getpid()}"


def ns_sh(*args, check=True):
    return subprocess.run(["ip", "netns", "exec", NS, *args], check=check,
                          capture_output=True, text=True)


def tap_setup():
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    for cmd in (["ip", "link", "set", "lo", "up"],
                ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
                ["ip", "addr", "add", "10.0.2.2/24", "dev", "tap0"],
                ["ip", "link", "set", "tap0", "up"]):
        ns_sh(*cmd)


def echo_once(port, data, timeout):
    """Send (data), read the echo; seconds, or None if it came back wrong."""
    got = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        def rd():
            try:
                while True:
                    b = s.recv(1 << 16)
                    if not b:
                        break
                    got.extend(b)
            except OSError:
                pass
        t = threading.Thread(target=rd)
        t0 = time.monotonic()
        t.start()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        t.join(timeout)
        dt = time.monotonic() - t0
    if hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
        return None
    return dt


def wait_ready(port, vm, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end and vm.proc.poll() is None:
        try:
            if echo_once(port, b"ready?", 3) is not None:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def command(vm, machine, accel, port, drive, net):
    over = {"NET": "tap:tap0"} if net == "tap" else {}
    if vm == "mote":
        if net == "tap":
            over["ARGS"] = "ip=10.0.2.15/24"
        return vmbench.print_run(machine, accel, port, drive, KERNEL=MOTE_KERNEL, **over)
    return vmbench.print_run(machine, accel, port, drive,
                             KERNEL=os.path.join(vmbench.LINUX_DIR, vmbench.LINUX_KERNEL),
                             ARGS=vmbench.linux_args(machine),
                             QEMU_EXTRA="-initrd " + os.path.join(vmbench.LINUX_DIR,
                                                                  "initramfs.cpio.gz"),
                             **over)


def measure(host, port, ns):
    """Median seconds of RUNS echoes of MIB MiB, and the note."""
    args = [sys.executable, "-c", CLIENT, host, str(port), str(MIB), str(RUNS)]
    if ns:
        args = ["ip", "netns", "exec", NS] + args
    try:
        out = subprocess.run(args, capture_output=True, text=True,
                             timeout=RUNS * 320).stdout.split()
    except subprocess.TimeoutExpired:
        return None, "timed out"
    if len(out) != RUNS or "BAD" in out:
        return None, f"echo failed ({out})"
    times = [float(x) for x in out]
    return statistics.median(times), f"runs {', '.join(f'{t:.2f}' for t in times)} s"


def row(vm, machine, accel, net, tmp):
    port = free_udp_port()
    drive = os.path.join(tmp, f"{vm}-{machine}-{accel}-{net}.img")
    with open(drive, "wb") as f:
        f.truncate(16 << 20)
    cmd = command(vm, machine, accel, port, drive, net)
    if net == "tap":
        tap_setup()
        cmd = f"ip netns exec {NS} {cmd}"
    v = vmrun.VM(cmd)
    try:
        if net == "user":
            if not wait_ready(port, v, 90):
                return None, "did not echo"
            return measure("127.0.0.1", port, False)
        end = time.monotonic() + 90
        while time.monotonic() < end:
            r = ns_sh(sys.executable, "-c", CLIENT, "10.0.2.15", "8080", "0", "1",
                      check=False)
            if r.stdout.strip() and r.stdout.strip() != "BAD":
                break
            time.sleep(0.5)
        else:
            return None, "did not echo"
        return measure("10.0.2.15", 8080, True)
    finally:
        v.stop()
        if net == "tap":
            subprocess.run(["ip", "netns", "del", NS], capture_output=True)


def main():
    build()
    accel = "tcg"
    lines = ["| VM | machine | net | accel | MiB/s each way (echo) | notes |",
             "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for net in ("tap", "user"):
            for machine in ("microvm", "q35"):
                for vm in ("mote", "linux"):
                    key = f"{vm}-{machine}-{net}"
                    if ONLY and key not in ONLY:
                        continue
                    dt, note = row(vm, machine, accel, net, tmp)
                    rate = f"{MIB / dt:.1f}" if dt else "-"
                    print(f"{key}: {rate} MiB/s ({note})", flush=True)
                    lines.append(f"| {vm} | {machine} | {net} | {accel} | {rate} | {note} |")
    notes = (f"One TCP connection to the guest's port 8080 (tap: from the namespace "
             f"over tap0; user: through QEMU's slirp from 127.0.0.1): the host sends {MIB} MiB while reading the echo (SHA-256 "
             f"checked); the rate is size / time to the last echoed byte, i.e. both "
             f"directions at once. Median of {RUNS}. mote: apps/tcpecho (16 KiB "
             f"buffer per connection, 32 KiB rings); Linux: bench/linuxvm's /init "
             f"echo (64 KiB read/write loop), Debian's kernel, defaults otherwise.")
    path = write_results("tcp", "TCP bulk echo: mote x64 VM vs Linux VM",
                         "make bench BENCH=tcp", lines, notes)
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
