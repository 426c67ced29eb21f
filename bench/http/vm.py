"""The VM rows of `make bench BENCH=http`: apps/httpd on the mote TCP in
the x64 VM (TCG, microvm: virtio-mmio) and nginx-light in the Linux VM,
each booted with the command `make print-run PLATFORM=x64` prints (as
bench/tcp and bench/vm do), on a TAP device in a network namespace of its
own (mote-httpbench-PID; tap0 is 10.0.2.2/24, the guest 10.0.2.15), and
wrk run inside the namespace; one VM at a time.

The peer: nginx-light (Debian's, one worker, as in the hosted rows) in the
Linux microVM of bench/linuxvm, under the same QEMU command and devices.
Its initramfs is the plain one with a second archive appended (the kernel
unpacks both): /usr/sbin/nginx, the shared libraries `ldd` names, a
configuration and the page mote's httpd serves; its /init starts nginx on
TCP port 80 when it is there.
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
import importlib.util  # noqa: E402
import gzip  # noqa: E402
import re  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "linuxvm_build", os.path.join(ROOT, "bench", "linuxvm", "build.py"))
linuxvm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(linuxvm)

NGINX_CONF = """worker_processes 1;
daemon off;
master_process off;
pid /tmp/nginx.pid;
error_log /dev/console;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path /tmp/body;
  proxy_temp_path /tmp/proxy;
  fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi;
  scgi_temp_path /tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  default_type text/html;
  server {
    listen 80 backlog=128;
    root /www;
    location = / { try_files /index.html =404; }
  }
}
"""

NS = f"mote-httpbench-{os.getpid()}"
KERNEL = os.path.join(ROOT, "build", "bench", "httpd-x64.elf")
GUEST = "10.0.2.15"


def nginx_initrd(tmp, page):
    """The Linux VM's initramfs with nginx-light appended; its path."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    libs = re.findall(r"(/\S+) \(0x", subprocess.check_output(["ldd", nginx], text=True))
    files, dirs = [], set()

    def add(path, mode, data):
        parts = path.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                files.append((d, 0o40755, b"", (0, 0)))
        files.append((path, mode, data, (0, 0)))

    with open(nginx, "rb") as f:
        add("usr/sbin/nginx", 0o100755, f.read())
    for lib in libs:
        with open(os.path.realpath(lib), "rb") as f:
            add(lib.lstrip("/"), 0o100755, f.read())
    add("etc/nginx/bench.conf", 0o100644, NGINX_CONF.encode())
    add("etc/passwd", 0o100644, b"root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n")
    add("etc/group", 0o100644, b"root:x:0:\nnogroup:x:65534:\n")
    add("www/index.html", 0o100644, page)
    files.append(("tmp", 0o41777, b"", (0, 0)))
    path = os.path.join(tmp, "initramfs-nginx.cpio.gz")
    with open(os.path.join(vmbench.LINUX_DIR, "initramfs.cpio.gz"), "rb") as f:
        base = f.read()
    with open(path, "wb") as f:
        f.write(base + gzip.compress(linuxvm.write_cpio(files), 6, mtime=0))
    return path


def build():
    subprocess.check_call(["make", "-s", "--no-print-directory", "-C", ROOT, "linuxvm"])
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


def boot(cmd, url):
    """The VM in the namespace, once url answers 200; (vm, page)."""
    vm = vmrun.VM(f"ip netns exec {NS} {cmd}")
    end = time.monotonic() + 120
    while time.monotonic() < end and vm.proc.poll() is None:
        r = subprocess.run(["ip", "netns", "exec", NS, "curl", "-s", "-m", "2", url],
                           capture_output=True)
        if r.returncode == 0 and r.stdout:
            return vm, r.stdout
        time.sleep(0.3)
    vm.stop()
    raise RuntimeError(f"{url} did not answer: " + vm.text()[-800:])


def measure(tmp, wrk, free_port):
    """[(name, mode, wrk result)] for httpd in the x64 VM and nginx in the
    Linux VM; wrk(url, close, prefix) runs wrk with the argv prefix (the
    namespace)."""
    build()
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    results = []
    prefix = ["ip", "netns", "exec", NS]
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
        url = f"http://{GUEST}:8080/"
        vm, page = boot(cmd, url)
        try:
            for close in (False, True):
                results.append((MOTE_ROW, "one connection per request" if close
                                else "keep-alive", wrk(url, close, prefix)))
        finally:
            vm.stop()
        initrd = nginx_initrd(tmp, page)
        drive = os.path.join(tmp, "linux-vm.img")
        open(drive, "wb").truncate(16 << 20)
        cmd = vmbench.print_run("microvm", "tcg", free_port(), drive,
                                KERNEL=os.path.join(vmbench.LINUX_DIR, vmbench.LINUX_KERNEL),
                                ARGS=vmbench.linux_args("microvm"),
                                QEMU_EXTRA="-initrd " + initrd, NET="tap:tap0")
        url = f"http://{GUEST}:80/"
        vm, served = boot(cmd, url)
        try:
            if served != page:
                raise RuntimeError("nginx in the Linux VM serves a different page")
            for close in (False, True):
                results.append((LINUX_ROW, "one connection per request" if close
                                else "keep-alive", wrk(url, close, prefix)))
        finally:
            vm.stop()
    finally:
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    return results


MOTE_ROW = "mote httpd, x64 VM (TCG, microvm, TAP)"
LINUX_ROW = "nginx-light in the Linux x64 VM (TCG, microvm, TAP)"
