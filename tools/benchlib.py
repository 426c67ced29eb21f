"""Helpers for mote's benchmarks: machine description, results files, and
the UDP echo measurements several benchmarks share."""
import datetime
import os
import platform
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "build", "bench")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from motetest import Console  # noqa: E402


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(open("/proc/meminfo").readline().split()[1])
        mem = f", {kb / 1048576:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    kvm = "usable" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "not usable"
    qemu = ""
    try:
        qemu = subprocess.check_output(["qemu-system-x86_64", "--version"], text=True)
        qemu = ", " + qemu.splitlines()[0].replace("QEMU emulator version", "QEMU")
    except (OSError, subprocess.CalledProcessError):
        pass
    return (f"{model}, {os.cpu_count()} CPUs{mem}, Linux {platform.release()}"
            f"{qemu}, /dev/kvm {kvm}")


def write_results(name, title, command, table_lines, notes=""):
    """Write bench/results/<name>.md and return its path."""
    root = os.path.join(os.path.dirname(__file__), "..", "bench", "results")
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, f"{name}.md")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(path, "w") as f:
        f.write(f"# {title}\n\n")
        f.write(f"- machine: {machine()}\n- date: {now}\n- command: `{command}`\n\n")
        f.write("\n".join(table_lines) + "\n")
        if notes:
            f.write("\n" + notes.strip() + "\n")
    return os.path.normpath(path)


def build_udpload():
    os.makedirs(OUT, exist_ok=True)
    for prog in ("udpload", "epoll_echo"):
        subprocess.check_call(["clang", "-O2", "-o", os.path.join(OUT, prog),
                               os.path.join(ROOT, "bench", "echo", prog + ".c")])


def echo_measure(port, count, seconds):
    """p50/p99 latency over (count) sequential 64-byte round trips and
    datagrams/s with 32 in flight for (seconds), by bench/echo/udpload."""
    load = os.path.join(OUT, "udpload")
    lat = subprocess.check_output([load, "latency", str(port), str(count), "64"], text=True)
    rate = subprocess.check_output([load, "rate", str(port), "32", str(seconds), "64"],
                                   text=True)
    vals = dict(kv.split("=") for kv in (lat + " " + rate).split())
    return {k: float(v) for k, v in vals.items()}


def start_server(cmd, ready, timeout=10):
    srv = Console(cmd)
    if not srv.wait_for(ready, timeout):
        srv.stop()
        raise RuntimeError(f"server did not start: {cmd}\n{srv.log}")
    return srv
