"""The VM rows of `make bench BENCH=http`: apps/httpd on the mote TCP in
the x64 VM (TCG, microvm: virtio-mmio), booted with the command
`make print-run PLATFORM=x64` prints (as bench/tcp and bench/vm do), on a
TAP device in a network namespace of its own (mote-httpbench-PID; tap0 is
10.0.2.2/24, the guest 10.0.2.15), and wrk run inside the namespace.

The fair peer, nginx-light in the Linux microVM (bench/linuxvm) under the
same QEMU command, is not built yet: the initramfs holds only the static
/init (its UDP and TCP echo servers), and an echo is not an HTTP server.
So these rows stand beside the hosted ones without a same-run VM peer.
"""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "vm"))
import vmrun  # noqa: E402
import run as vmbench  # noqa: E402  bench/vm/run.py: print_run

NS = f"mote-httpbench-{os.getpid()}"
KERNEL = os.path.join(ROOT, "build", "bench", "httpd-x64.elf")
GUEST = "10.0.2.15"


def build():
    subprocess.check_call(["make", "-s", "--no-print-directory", "-C", ROOT,
                           "PLATFORM=x64", "APP=httpd", "kernel"])
    os.makedirs(os.path.dirname(KERNEL), exist_ok=True)
    shutil.copyfile(os.path.join(ROOT, "build", "x64", "httpd", "mote.elf"), KERNEL)


def ns_run(*args, **kw):
    return subprocess.run(["ip", "netns", "exec", NS, *args], capture_output=True,
                          text=True, **kw)


def usable():
    """None, or why the VM rows cannot run here."""
    if os.geteuid() != 0:
        return "needs root (network namespace and TAP)"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    return None


def measure(tmp, wrk, free_port):
    """[(name, mode, wrk result)] for httpd in the x64 VM; wrk(url, close,
    prefix) runs wrk with the argv prefix (the namespace)."""
    build()
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    results = []
    vm = None
    try:
        for cmd in (["ip", "link", "set", "lo", "up"],
                    ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
                    ["ip", "addr", "add", "10.0.2.2/24", "dev", "tap0"],
                    ["ip", "link", "set", "tap0", "up"]):
            ns_run(*cmd).check_returncode()
        drive = os.path.join(tmp, "httpd-vm.img")
        open(drive, "wb").truncate(16 << 20)
        cmd = vmbench.print_run("microvm", "tcg", free_port(), drive, KERNEL=KERNEL,
                                NET="tap:tap0", ARGS=f"ip={GUEST}/24")
        vm = vmrun.VM(f"ip netns exec {NS} {cmd}")
        url = f"http://{GUEST}:8080/"
        end = time.monotonic() + 90
        while time.monotonic() < end:
            r = ns_run("curl", "-s", "-m", "2", "-o", "/dev/null", "-w", "%{http_code}", url)
            if r.stdout == "200":
                break
            time.sleep(0.3)
        else:
            raise RuntimeError("httpd in the x64 VM did not answer: " + vm.text()[-500:])
        prefix = ["ip", "netns", "exec", NS]
        for close in (False, True):
            results.append(("mote httpd, x64 VM (TCG, microvm, TAP)",
                            "one connection per request" if close else "keep-alive",
                            wrk(url, close, prefix)))
    finally:
        if vm:
            vm.stop()
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    return results
