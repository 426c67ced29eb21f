#!/usr/bin/env python3
"""Boot mote under QEMU on every (platform, transport, accelerator) row and
drive it from the host.

For each row: build with `make kernel PLATFORM=...`, take the QEMU command
from `make -s print-run ...` (so it lives in one place, the platform's
platform.mk) with a fresh image and a free UDP port, boot, and check

  boot      the echo app reports ready within BOOT_TIMEOUT
  wall      its "wall: <unix seconds>" (the platform's RTC) is the host's
            time within WALL_SLACK; the reboot runs with printk_wall=1 and
            its UTC log prefix must agree (wall-prefix)
  rng       the serial log shows 32 device random bytes
  dhcp      the IP stack got 10.0.2.15 from QEMU user networking's DHCP
  blk       "blk: boot count 1 ok", and after shutdown the image holds
            exactly the sector the app wrote (apps/echo/echo.h layout)
  irq       echo round trips are interrupt-driven (median far below the
            1 s a lost interrupt costs)
  echo      UDP datagrams of sizes 1..1472 (sampled) come back byte for byte
  burst     a burst larger than the receive ring, then the next datagram is
            echoed again ("never stops serving")
  quiet     nothing is printed per packet
  reboot    a second boot on the same image counts 2 and writes it

and, on one row per platform (and x64's q35 PCI row), apps/httpd on the
mote TCP fetched with curl through the forwarded PORT (the page, a PUT and
GET of /kv/a); then the device self-check app (tests/qemu/devcheck: multi-segment and
queued block requests, cancellation, validation, RNG lengths, net info,
checked against the image file), UDP echo and ping over a TAP device in a
network namespace the test creates (some rows), and, on chosen rows, the
extra and bad-input cases (no devices, a zero-capacity disk, a CPU
exception, a legacy-only PCI device, host I/O errors, a read-only drive,
PCI BARs above 4 GiB, INTx instead of MSI-X). With no row filter it first
runs the drivers' host tests (HOST_TESTS: virtq.c and virtio_net.c against
simulated devices, under ASan/UBSan).

Adding a platform or transport is adding a Row to ROWS (and, for the extra
cases, entries in EXTRA). Usage: run.py [ROW-SUBSTRING...];
QEMU_TEST_VERBOSE=1 prints every serial log. Each platform builds in
build/qemu-test/<platform>; disk images live in a per-run directory.
"""
import datetime
import os
import random
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from motetest import Results, free_udp_port  # noqa: E402
BUILD = "build/qemu-test"
BOOT_TIMEOUT = {"tcg": 60, "kvm": 60}
IMAGE_MB = 16
VERBOSE = os.environ.get("QEMU_TEST_VERBOSE") == "1"
READY = re.compile(r"echo: ready on udp port 8080")
# Stripped kernel with the echo app, per platform.
SIZE_LIMIT = {p: 64 << 10 for p in ("x64", "x32", "arm64", "arm32", "rv64", "rv32")}
# Host exit status for guest exit code c: x64's isa-debug-exit reports
# (c << 1) | 1; arm64's semihosting SYS_EXIT reports c itself.
EXIT_STATUS = {"x64": lambda c: (c << 1) | 1, "x32": lambda c: (c << 1) | 1}


def exit_status(platform, code):
    return EXIT_STATUS.get(platform, lambda c: c)(code)


class Row:
    """One way to boot: a platform, its make variables, an accelerator."""

    def __init__(self, name, platform, accel, **make_vars):
        self.name, self.platform, self.accel = name, platform, accel
        self.vars = dict(make_vars, ACCEL=accel)


def _host_arch_rows():
    rows = []
    for accel in ("tcg", "kvm"):
        rows += [
            Row(f"x64-microvm-mmio-{accel}", "x64", accel, USE_PCI="0"),
            Row(f"x64-microvm-mmio-legacy-{accel}", "x64", accel, USE_PCI="0",
                MMIO_LEGACY="1"),
            Row(f"x64-q35-pci-{accel}", "x64", accel, USE_PCI="1"),
        ]
    return rows


# The table. The other arches add their rows here.
# arm64 under KVM only exists on an arm64 host (no row to skip elsewhere).
ROWS = _host_arch_rows() + [
    Row(f"arm64-virt-{t}-{accel}", "arm64", accel, USE_PCI=pci)
    for accel in (("tcg", "kvm") if os.uname().machine == "aarch64" else ("tcg",))
    for t, pci in (("mmio", "0"), ("pci", "1"))
] + [
    # The 32-bit and RISC-V ports run under TCG here (KVM cannot run them on
    # an x86-64 host; x32 cannot run under this host's nested KVM: docs/x32.md).
    Row(f"{p}-virt-{t}-tcg", p, "tcg", USE_PCI=pci)
    for p in ("arm32", "rv64", "rv32")
    for t, pci in (("mmio", "0"), ("pci", "1"))
] + [
    Row("x32-microvm-mmio-tcg", "x32", "tcg", USE_PCI="0"),
    Row("x32-q35-pci-tcg", "x32", "tcg", USE_PCI="1"),
]
# Accelerators a platform can use on this host (kvm only for the host arch).
KVM_PLATFORMS = {"x86_64": {"x64"}, "aarch64": {"arm64"}}.get(os.uname().machine, set())


def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
        return True, ""
    except OSError as e:
        return False, f"/dev/kvm not usable ({e.strerror})"


def make(*args):
    return subprocess.run(["make", "--no-print-directory", "-s", *args], cwd=ROOT,
                          capture_output=True, text=True)


def build_dir(platform):
    """Each platform builds apart: an app's kernel path does not name the
    platform (build/<platform>/../<app> for an APP outside apps/)."""
    return f"{BUILD}/{platform}"


def make_vars(row, **extra):
    v = dict(row.vars, PLATFORM=row.platform, BUILD=build_dir(row.platform), **extra)
    return [f"{k}={val}" for k, val in v.items()]


class Guest:
    """A running QEMU; collects the serial log in a thread."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.p = subprocess.Popen("exec " + cmd, shell=True, cwd=ROOT,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.buf = bytearray()
        self.lock = threading.Lock()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for chunk in iter(lambda: self.p.stdout.read1(4096), b""):
            with self.lock:
                self.buf += chunk

    @property
    def log(self):
        with self.lock:
            return self.buf.decode("utf-8", "replace").replace("\r", "")

    def wait_for(self, pattern, timeout):
        """Wait until (pattern) appears or QEMU exits; returns the match."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(pattern, self.log)
            if m:
                return m
            if self.p.poll() is not None:
                self.t.join(2)
                return re.search(pattern, self.log)
            time.sleep(0.05)
        return None

    def wait_exit(self, timeout):
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self.t.join(2)
        return rc

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.t.join(2)


def expected_sector0(count):
    b = bytearray(512)
    b[0:8] = b"MOTEBLK1"
    b[8:16] = count.to_bytes(8, "little")
    for i in range(16, 512):
        b[i] = (i * 7 + count) & 0xFF
    return bytes(b)


def check_image(res, name, path, count):
    with open(path, "rb") as f:
        data = f.read()
    want = expected_sector0(count)
    if data[:512] != want:
        first = next(i for i in range(512) if data[i] != want[i])
        return res.fail(name, f"sector 0 differs from the app's layout at byte {first} "
                        f"(count {count})")
    rest = len(data) - 512 - data.count(0, 512)
    res.check(name, rest == 0, f"{rest} non-zero bytes outside sector 0")


def udp_echo(sock, port, payload, tries=3, wait=2.0):
    """Send (payload), return True once the same bytes come back."""
    for _ in range(tries):
        sock.sendto(payload, ("127.0.0.1", port))
        end = time.monotonic() + wait
        while time.monotonic() < end:
            sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                data, _ = sock.recvfrom(65536)
            except socket.timeout:
                break
            if data == payload:
                return True
    return False


def irq_check(res, name, port, log):
    """Round trips must be interrupt-driven: the median of 20 must beat
    any timer the stack might be woken by (a functional bound, not a speed
    goal: a lost interrupt shows up as seconds)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtts = []
    for i in range(20):
        t = time.monotonic()
        if udp_echo(sock, port, b"irq%d" % i, tries=1, wait=3.0):
            rtts.append(time.monotonic() - t)
    sock.close()
    med = statistics.median(rtts) if len(rtts) == 20 else None
    res.check(name, med is not None and med < 0.25,
              f"median round trip {med} s over {len(rtts)} echoes: interrupts lost?", log)


def echo_tests(res, row, guest, port):
    rnd = random.Random(1472)
    sizes = [1, 2, 3, 7, 8, 15, 16, 63, 64, 100, 127, 128, 255, 256, 511, 512,
             513, 1000, 1023, 1024, 1400, 1471, 1472]
    sizes += sorted(rnd.randrange(1, 1473) for _ in range(12))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    irq_check(res, f"{row.name}/irq", port, guest.log)
    bad = [n for n in sizes if not udp_echo(sock, port, rnd.randbytes(n))]
    res.check(f"{row.name}/echo", not bad,
              f"{len(bad)} of {len(sizes)} sizes not echoed byte for byte: {bad[:8]}",
              guest.log)

    # Burst: more datagrams than the receive ring holds, unread.
    n_burst = 600
    for i in range(n_burst):
        sock.sendto(b"burst%05d" % i + bytes(200), ("127.0.0.1", port))
    got = 0
    sock.settimeout(1.0)
    try:
        while True:
            data, _ = sock.recvfrom(65536)
            got += data.startswith(b"burst")
    except socket.timeout:
        pass
    final = b"after-burst-" + rnd.randbytes(16).hex().encode()
    res.check(f"{row.name}/burst", udp_echo(sock, port, final, tries=5),
              f"no echo after a burst of {n_burst} ({got} echoed)", guest.log)
    print(f"  burst: {got}/{n_burst} echoed, then service continued", flush=True)
    log = guest.log
    after_ready = log[READY.search(log).end():].split("\n")[1:]
    new = [line for line in after_ready if line.strip()]
    res.check(f"{row.name}/quiet", len(new) == 0,
              f"{len(new)} lines printed while echoing: {new[:3]}")
    sock.close()


def boot(row, image, port, args=""):
    cmd = make("print-run", *make_vars(row, DRIVE=image, PORT=str(port), ARGS=args))
    if cmd.returncode:
        raise RuntimeError(cmd.stderr)
    return Guest(cmd.stdout.strip())


WALL_SLACK = 5  # seconds; the RTCs keep whole seconds, QEMU starts them at host UTC
WALL_LINE = re.compile(r"^(?:\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})Z\]|\[ *[\d.]+\]) "
                       r"I: wall: (\d+|unknown.*)$", re.M)


def check_wall(res, tag, log, started, seen, dated):
    """The echo app's "wall: <unix seconds>" (the kernel's wall clock, from
    the platform's RTC) against the host's clock between QEMU's start and
    the line being read; with printk_wall=1 also the line's UTC prefix."""
    m = WALL_LINE.search(log)
    if not res.check(f"{tag}/wall", m and m[2].isdigit() and int(m[2]) != 0
                     and started - WALL_SLACK <= int(m[2]) <= seen + WALL_SLACK,
                     f"wall line {m[0] if m else None!r}, host {started:.0f}..{seen:.0f}",
                     log):
        return
    if dated:
        prefix = m[1] and datetime.datetime.strptime(m[1], "%Y-%m-%dT%H:%M:%S.%f").replace(
            tzinfo=datetime.timezone.utc).timestamp()
        res.check(f"{tag}/wall-prefix", prefix and 0 <= prefix - int(m[2]) < 2
                  and started - WALL_SLACK <= prefix <= seen + WALL_SLACK,
                  f"printk_wall=1 prefix {m[1]!r} vs wall {m[2]}", log)


def run_row(res, row, workdir):
    image = os.path.join(workdir, f"{row.name}.img")
    with open(image, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    timeout = BOOT_TIMEOUT[row.accel]
    for count in (1, 2):
        port = free_udp_port()
        started = time.time()
        # The reboot also shows the UTC log prefix (printk_wall=1).
        g = boot(row, image, port, "" if count == 1 else "printk_wall=1")
        tag = row.name if count == 1 else f"{row.name}/reboot"
        try:
            ready = g.wait_for(READY, timeout)
            if not res.check(f"{tag}/boot", ready, f"no 'echo: ready' within {timeout}s",
                             g.log):
                return
            log = g.log
            check_wall(res, tag, log, started, time.time(), dated=count == 2)
            if VERBOSE:
                print(log)
            if count == 1:
                m = re.search(r"rng: ([0-9a-f]{64})\b", log)
                res.check(f"{tag}/rng", m and m[1] != "0" * 64,
                          "no 32-byte hex line from the RNG", log)
            if count == 1:
                res.check(f"{tag}/dhcp", "DHCP lease 10.0.2.15" in log,
                          "no DHCP lease for 10.0.2.15 from QEMU user networking", log)
            res.check(f"{tag}/blk", f"blk: boot count {count} ok" in log,
                      f"no 'blk: boot count {count} ok'", log)
            if count == 1:
                echo_tests(res, row, g, port)
            else:
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                res.check(f"{tag}/echo", udp_echo(sock, port, b"again"),
                          "no echo", g.log)
                sock.close()
        finally:
            g.stop()
        check_image(res, f"{tag}/image", image, count)


# --- device self-check app ----------------------------------------------------

DEVCHECK_APP = "../tests/qemu/devcheck"
DEVCHECK_OKS = 12  # "devcheck: ok" lines a full pass prints


def run_devcheck(res, row, workdir):
    """Boot tests/qemu/devcheck: multi-segment and queued block requests,
    cancellation, validation, RNG lengths, net info; then check the image."""
    image = os.path.join(workdir, f"{row.name}-devcheck.img")
    with open(image, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    cmd = make("print-run", *make_vars(row, DRIVE=image, PORT=str(free_udp_port()),
                                       APP=DEVCHECK_APP))
    g = Guest(cmd.stdout.strip())
    rc = g.wait_exit(BOOT_TIMEOUT[row.accel])
    g.stop()
    log = g.log
    if VERBOSE:
        print(log)
    tag = f"{row.name}/devcheck"
    want_rc = exit_status(row.platform, 0)
    if not res.check(f"{tag}/exit", rc == want_rc and "devcheck: done 0 failed" in log,
                     f"exit status {rc} (want {want_rc}: guest code 0)", log):
        for line in log.splitlines():
            if "devcheck: FAIL" in line:
                res.fail(tag, line.split("devcheck: ", 1)[1])
    names = re.findall(r"devcheck: ok (\S+)", log)
    print(f"  devcheck: {len(names)} guest checks ok: {' '.join(names)}")
    res.check(f"{tag}/all-ran", len(names) == DEVCHECK_OKS,
              f"{len(names)} guest checks passed, want {DEVCHECK_OKS}")
    with open(image, "rb") as f:
        data = f.read()
    first, n = 8 * 512, 64 * 4 * 512
    want = bytes(((o // 512) * 7 + (o % 512) * 13 + 5) & 0xFF
                 for o in range(first, first + n))
    res.check(f"{tag}/image-multiseg", data[first:first + n] == want,
              "sectors 8..263 do not hold the written pattern")
    res.check(f"{tag}/image-cancelled", data[1000 * 512:1001 * 512] == bytes(512),
              "the cancelled write reached the disk")
    others = data[:first] + data[first + n:]
    res.check(f"{tag}/image-rest", others.count(0) == len(others),
              "bytes written outside the test range")


# --- TAP networking in a private network namespace -------------------------

TAP_CLIENT = r"""
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
bad = 0
for n in (1, 64, 1472):
    d = os.urandom(n)
    for _ in range(3):
        s.sendto(d, ("10.0.2.15", 8080))
        try:
            if s.recvfrom(2048)[0] == d:
                break
        except socket.timeout:
            pass
    else:
        bad += 1
print("bad", bad)
"""


def run_tap(res, row, workdir):
    """NET=tap:IFNAME: the guest on a TAP device in a network namespace this
    test creates (static ip= boot argument), answering UDP echo and ping
    from inside that namespace only."""
    tag = f"{row.name}/tap"
    if os.geteuid() != 0 or not shutil.which("ip"):
        return res.skip(tag, "needs root and iproute2 to create a network namespace")
    ns = f"moteq{os.getpid()}"
    setup = [f"ip netns add {ns}",
             f"ip -n {ns} link set lo up",
             f"ip -n {ns} tuntap add dev tap0 mode tap",
             f"ip -n {ns} addr add 10.0.2.2/24 dev tap0",
             f"ip -n {ns} link set tap0 up"]
    g = None
    try:
        for c in setup:
            r = subprocess.run(c.split(), capture_output=True, text=True)
            if r.returncode:
                return res.skip(tag, f"'{c}' failed: {r.stderr.strip()}")
        image = os.path.join(workdir, f"{row.name}-tap.img")
        with open(image, "wb") as f:
            f.truncate(IMAGE_MB << 20)
        cmd = make("print-run", *make_vars(row, DRIVE=image, NET="tap:tap0",
                                           ARGS="ip=10.0.2.15/24 gw=10.0.2.2"))
        g = Guest(f"ip netns exec {ns} " + cmd.stdout.strip())
        if not res.check(f"{tag}/boot", g.wait_for(READY, BOOT_TIMEOUT[row.accel]),
                         "no 'echo: ready'", g.log):
            return
        c = subprocess.run(["ip", "netns", "exec", ns, "python3", "-c", TAP_CLIENT],
                           capture_output=True, text=True, timeout=60)
        res.check(f"{tag}/echo", c.stdout.strip() == "bad 0",
                  f"client said {c.stdout.strip()!r} {c.stderr.strip()[-200:]}", g.log)
        p = subprocess.run(["ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.2",
                            "-W", "2", "10.0.2.15"], capture_output=True, text=True,
                           timeout=30)
        res.check(f"{tag}/ping", p.returncode == 0, p.stdout.strip()[-200:], g.log)
    finally:
        if g:
            g.stop()
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


# --- bad input -------------------------------------------------------------

def strip_devices(cmd):
    """The QEMU command without any virtio device, drive or netdev."""
    words = shlex.split(cmd)
    out, skip = [], False
    for i, w in enumerate(words):
        if skip:
            skip = False
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in ("-netdev", "-drive") or (w == "-device" and nxt.startswith("virtio-")):
            skip = True
            continue
        out.append(w)
    return shlex.join(out)


def bad_nodev(res, row, workdir):
    """No virtio devices: clear log lines, KERR_NO_DEVICE, and the app
    ends (it cannot open its port) with guest code 1 -> host status 3."""
    cmd = make("print-run", *make_vars(row, DRIVE="/dev/null", PORT="1"))
    g = Guest(strip_devices(cmd.stdout.strip()))
    rc = g.wait_exit(BOOT_TIMEOUT[row.accel])
    g.stop()
    log = g.log
    want = ["no rng device", "no usable blk device", "no net device",
            "rng: KERR_NO_DEVICE"]
    missing = [w for w in want if w not in log]
    want_rc = exit_status(row.platform, 1)
    res.check(f"{row.name}/bad/no-devices", rc == want_rc and not missing,
              f"exit status {rc} (want {want_rc}), missing lines {missing}", log)


def bad_zero_capacity(res, row, workdir):
    image = os.path.join(workdir, "zero.img")
    open(image, "wb").close()
    port = free_udp_port()
    g = boot(row, image, port)
    ready = g.wait_for(READY, BOOT_TIMEOUT[row.accel])
    g.stop()
    log = g.log
    res.check(f"{row.name}/bad/zero-capacity",
              ready and "capacity 0" in log and "blk: no device" in log,
              "want 'capacity 0' logged, 'blk: no device', and echo still ready", log)


# Per platform: the boot argument that makes a CPU exception, and lines
# the panic report must hold (reason, faulting address, registers).
PANIC = {
    "x64": ("x64.crash=pf", ["PANIC", "CPU exception 14 (page fault)",
                             "cr2=0x10000000000", "rip=", "rax="]),
    "arm64": ("arm64.fault=1", ["PANIC", "data abort (EC 0x25)", "ESR 0x96",
                                "FAR 0x20000000000", "ELR 0x", "x30 ", "elr "]),
    "arm32": ("arm32.fault=1", ["PANIC", "data abort: translation fault (section) (write)",
                                "DFSR 0x805", "DFAR 0x10", "PC 0x", "r12 ", "spsr "]),
    "rv64": ("riscv.fault=1", ["PANIC", "S-mode exception 7: store/AMO access fault",
                               "tval 0x8", "epc 0x", "ra ", "t6 ", "cause "]),
    "rv32": ("riscv.fault=1", ["PANIC", "M-mode exception 7: store/AMO access fault",
                               "tval 0x8", "epc 0x", "ra ", "t6 ", "cause "]),
    "x32": ("x32.crash=ud", ["PANIC", "CPU exception 6 (invalid opcode)", "eip=",
                             "eax=", "eflags="]),
}


def bad_panic(res, row, workdir):
    """A CPU exception: reason, faulting address, registers, and kpanic's
    guest code 0x7f as the exit status."""
    arg, want = PANIC[row.platform]
    cmd = make("print-run", *make_vars(row, DRIVE="/dev/null", PORT="1", ARGS=arg))
    g = Guest(strip_devices(cmd.stdout.strip()))
    rc = g.wait_exit(BOOT_TIMEOUT[row.accel])
    g.stop()
    log = g.log
    missing = [w for w in want if w not in log]
    want_rc = exit_status(row.platform, 0x7F)
    res.check(f"{row.name}/bad/panic", rc == want_rc and not missing,
              f"exit status {rc} (want {want_rc}), missing {missing}", log)


def bad_legacy_pci(res, row, workdir):
    """A legacy-only (pre-1.0) virtio-pci device is refused with a log line;
    its requests fail with KERR_NO_DEVICE; everything else still works."""
    image = os.path.join(workdir, "legacy.img")
    with open(image, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    port = free_udp_port()
    cmd = make("print-run", *make_vars(row, DRIVE=image, PORT=str(port)))
    g = Guest(cmd.stdout.strip().replace("-device virtio-rng-pci",
                                         "-device virtio-rng-pci,disable-modern=on"))
    ready = g.wait_for(READY, BOOT_TIMEOUT[row.accel])
    g.stop()
    log = g.log
    res.check(f"{row.name}/bad/legacy-only-pci",
              ready and "legacy-only device" in log and "rng: KERR_NO_DEVICE" in log,
              "want the legacy-only line, rng KERR_NO_DEVICE, echo ready", log)


# Rows that also run the TAP test (ping needs a real link; slirp has none).
TAP_ROWS = {"x64-microvm-mmio-tcg", "x64-q35-pci-kvm", "arm32-virt-mmio-tcg",
            "arm32-virt-pci-tcg", "rv64-virt-mmio-tcg", "rv32-virt-pci-tcg",
            "x32-microvm-mmio-tcg"}

def bar_above_4g(res, row, workdir):
    """SeaBIOS moves 64-bit BARs above 4 GiB when a 2 GiB BAR does not fit
    below: the platform must map them, and the devices must still work."""
    image = os.path.join(workdir, "bar4g.img")
    with open(image, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    port = free_udp_port()
    cmd = make("print-run", *make_vars(row, DRIVE=image, PORT=str(port)))
    g = Guest(cmd.stdout.strip() + " -m 3G -device pci-testdev,membar=2G")
    ready = g.wait_for(READY, BOOT_TIMEOUT[row.accel])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    echoed = ready and udp_echo(sock, port, b"high BARs")
    sock.close()
    g.stop()
    log = g.log
    res.check(f"{row.name}/bar-above-4g",
              echoed and "mapped above 4 GiB" in log and "blk: boot count 1 ok" in log,
              "want BARs mapped above 4 GiB, the block check and an echo", log)


def boot_with_drive(row, image, drive_fmt):
    """Boot with the block device's -drive argument (the one with id=d0, in
    any option order) replaced by drive_fmt % image; None if there is none."""
    port = free_udp_port()
    cmd = make("print-run", *make_vars(row, DRIVE=image, PORT=str(port))).stdout.strip()
    words = shlex.split(cmd)
    for i in range(len(words) - 1):
        opts = words[i + 1].split(",")
        if words[i] == "-drive" and "id=d0" in opts:
            words[i + 1] = drive_fmt % image
            return Guest(shlex.join(words)), port
    return None, port


def bad_io_error(res, row, workdir):
    """Every read fails in the host's block layer (blkdebug, EIO): the
    device reports VIRTIO_BLK_S_IOERR, the driver KERR_IO, and the rest of
    the system goes on (echo still ready)."""
    image = os.path.join(workdir, "ioerr.img")
    with open(image, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    g, _ = boot_with_drive(row, image, "if=none,id=d0,format=raw,file.driver=blkdebug,"
                           "file.inject-error.0.event=read_aio,file.inject-error.0.errno=5,"
                           "file.image.filename=%s")
    if g is None:
        return res.fail(f"{row.name}/bad/io-error", "no -drive argument to rewrite")
    ready = g.wait_for(READY, BOOT_TIMEOUT[row.accel])
    g.stop()
    log = g.log
    res.check(f"{row.name}/bad/io-error",
              ready and "blk: FAILED at read: KERR_IO" in log,
              "want 'blk: FAILED at read: KERR_IO' and echo ready", log)


def blk_read_only(res, row, workdir):
    """A read-only drive: info says so, the app skips its write, the image
    stays untouched."""
    image = os.path.join(workdir, "ro.img")
    with open(image, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    g, _ = boot_with_drive(row, image, "file=%s,format=raw,if=none,id=d0,readonly=on")
    if g is None:
        return res.fail(f"{row.name}/read-only", "no -drive argument to rewrite")
    ready = g.wait_for(READY, BOOT_TIMEOUT[row.accel])
    g.stop()
    log = g.log
    with open(image, "rb") as f:
        untouched = f.read().count(0) == IMAGE_MB << 20
    res.check(f"{row.name}/read-only",
              ready and "read-only" in log and "check skipped" in log and untouched,
              "want the read-only lines, an untouched image, echo ready", log)


def pci_intx(res, row, workdir):
    """PCI functions without MSI-X (vectors=0) fall back to INTx, routed by
    the platform: everything still works, interrupt-driven."""
    image = os.path.join(workdir, "intx.img")
    with open(image, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    port = free_udp_port()
    cmd = make("print-run", *make_vars(row, DRIVE=image, PORT=str(port))).stdout.strip()
    for dev in ("virtio-rng-pci", "virtio-blk-pci", "virtio-net-pci"):
        cmd = cmd.replace(f"-device {dev}", f"-device {dev},vectors=0")
    g = Guest(cmd)
    ready = g.wait_for(READY, BOOT_TIMEOUT[row.accel])
    if ready:
        irq_check(res, f"{row.name}/intx/irq", port, g.log)
    g.stop()
    log = g.log
    msi = re.findall(r"virtio: \w+ pci irq (\d+)", log)
    res.check(f"{row.name}/intx", ready and len(msi) == 3 and "blk: boot count 1 ok" in log
              and re.search(r"rng: [0-9a-f]{64}", log),
              f"want 3 devices on INTx lines (got irqs {msi}), rng, blk, echo ready", log)


def tcp_user_echo(res, row, workdir):
    """apps/tcpecho on QEMU user networking: the host's 127.0.0.1:PORT is
    forwarded to the guest's TCP port 8080 as well (Makefile QEMU_NETDEV);
    an echo of 64 KiB through it comes back byte for byte."""
    name = f"{row.name}/tcp-user-echo"
    b = make("kernel", f"PLATFORM={row.platform}", f"BUILD={build_dir(row.platform)}",
             "APP=tcpecho")
    if not res.check(f"{name}/build", b.returncode == 0, (b.stdout + b.stderr)[-2000:]):
        return
    image = os.path.join(workdir, f"{row.name}-tcp.img")
    with open(image, "wb") as f:
        f.truncate(1 << 20)
    port = free_udp_port()
    cmd = make("print-run", *make_vars(row, DRIVE=image, PORT=str(port), APP="tcpecho"))
    g = Guest(cmd.stdout.strip())
    try:
        if not res.check(f"{name}/boot", g.wait_for(r"tcpecho: ready", BOOT_TIMEOUT[row.accel]),
                         "no 'tcpecho: ready'", g.log):
            return
        data = bytes(random.Random(7).getrandbits(8) for _ in range(64 << 10))
        got = bytearray()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
        except OSError as e:
            got = repr(e).encode()
        res.check(name, bytes(got) == data, f"echoed {len(got)} of {len(data)} bytes",
                  g.log)
    finally:
        g.stop()


HTTPD_READY = r"httpd: ready on tcp port 8080 \(\d+ connections, store open\)"


def curl(*args):
    """curl's body and status (-w) as (status, body); (0, error) on failure."""
    r = subprocess.run(["curl", "-s", "-m", "20", "-o", "-", "-w", "\n%{http_code}", *args],
                       capture_output=True, text=True)
    if r.returncode:
        return 0, f"curl exit {r.returncode}: {r.stderr[-200:]}"
    body, _, status = r.stdout.rpartition("\n")
    return int(status or 0), body


def http_user_fetch(res, row, workdir):
    """apps/httpd (on the mote TCP) over QEMU user networking: curl fetches
    the static page through the forwarded PORT, then a PUT to /kv/a is
    acknowledged (once durable) and a GET reads the value back."""
    name = f"{row.name}/http-curl"
    b = make("kernel", f"PLATFORM={row.platform}", f"BUILD={build_dir(row.platform)}",
             "APP=httpd")
    if not res.check(f"{name}/build", b.returncode == 0, (b.stdout + b.stderr)[-2000:]):
        return
    image = os.path.join(workdir, f"{row.name}-httpd.img")
    with open(image, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    port = free_udp_port()
    cmd = make("print-run", *make_vars(row, DRIVE=image, PORT=str(port), APP="httpd"))
    g = Guest(cmd.stdout.strip())
    try:
        if not res.check(f"{name}/boot", g.wait_for(HTTPD_READY, BOOT_TIMEOUT[row.accel]),
                         "no 'httpd: ready ... store open'", g.log):
            return
        url = f"http://127.0.0.1:{port}"
        st, body = curl(url + "/")
        res.check(f"{name}/page", st == 200 and "<h1>mote httpd</h1>" in body,
                  f"GET / -> {st} {body[:200]!r}", g.log)
        value = f"v{port}"
        st, body = curl("-X", "PUT", "--data", value, url + "/kv/a")
        st2, body2 = curl(url + "/kv/a")
        res.check(f"{name}/kv", st == 200 and st2 == 200 and body2 == value,
                  f"PUT -> {st} {body[:80]!r}; GET -> {st2} {body2[:80]!r}", g.log)
    finally:
        g.stop()


# Extra and bad-input cases per platform: (row-name suffix to run on, test).
EXTRA = {
    "x64": [("microvm-mmio-tcg", bad_nodev), ("microvm-mmio-tcg", bad_zero_capacity),
            ("q35-pci-tcg", bad_zero_capacity), ("microvm-mmio-tcg", bad_panic),
            ("q35-pci-kvm", bad_panic), ("q35-pci-tcg", bad_legacy_pci),
            ("q35-pci-tcg", bar_above_4g), ("microvm-mmio-tcg", bad_io_error),
            ("q35-pci-tcg", bad_io_error), ("microvm-mmio-legacy-tcg", blk_read_only),
            ("q35-pci-tcg", blk_read_only), ("q35-pci-tcg", pci_intx),
            ("q35-pci-kvm", pci_intx), ("microvm-mmio-tcg", tcp_user_echo),
            ("microvm-mmio-tcg", http_user_fetch), ("q35-pci-tcg", http_user_fetch)],
    "arm64": [("virt-mmio-tcg", bad_nodev), ("virt-mmio-tcg", bad_zero_capacity),
              ("virt-pci-tcg", bad_zero_capacity), ("virt-mmio-tcg", bad_panic),
              ("virt-pci-kvm", bad_panic), ("virt-pci-tcg", bad_legacy_pci),
              ("virt-mmio-tcg", http_user_fetch)],
    "arm32": [("virt-mmio-tcg", bad_nodev), ("virt-mmio-tcg", bad_zero_capacity),
              ("virt-pci-tcg", bad_zero_capacity), ("virt-mmio-tcg", bad_panic),
              ("virt-pci-tcg", bad_panic), ("virt-pci-tcg", bad_legacy_pci),
              ("virt-mmio-tcg", bad_io_error), ("virt-pci-tcg", bad_io_error),
              ("virt-mmio-tcg", blk_read_only), ("virt-pci-tcg", blk_read_only),
              ("virt-pci-tcg", pci_intx), ("virt-mmio-tcg", http_user_fetch)],
    "rv64": [("virt-mmio-tcg", bad_nodev), ("virt-mmio-tcg", bad_zero_capacity),
             ("virt-pci-tcg", bad_zero_capacity), ("virt-mmio-tcg", bad_panic),
             ("virt-pci-tcg", bad_legacy_pci), ("virt-mmio-tcg", http_user_fetch)],
    "rv32": [("virt-mmio-tcg", bad_nodev), ("virt-pci-tcg", bad_zero_capacity),
             ("virt-mmio-tcg", bad_panic), ("virt-pci-tcg", bad_legacy_pci),
             ("virt-mmio-tcg", http_user_fetch)],
    "x32": [("microvm-mmio-tcg", bad_nodev), ("microvm-mmio-tcg", bad_zero_capacity),
            ("q35-pci-tcg", bad_zero_capacity), ("microvm-mmio-tcg", bad_panic),
            ("q35-pci-tcg", bad_legacy_pci), ("q35-pci-tcg", pci_intx),
            ("microvm-mmio-tcg", http_user_fetch)],
}


# Host-side tests of the portable drivers (ASan/UBSan, simulated devices):
# name -> sources. They cover what a QEMU boot rarely shows.
HOST_TESTS = {
    "virtq": ["tests/qemu/virtq_test.c", "drivers/virtio/virtq.c"],
    "virtio-net": ["tests/qemu/virtio_net_test.c", "drivers/virtio/virtio.c",
                   "drivers/virtio/virtq.c", "drivers/virtio/virtio_net.c", "kernel/kqueue.c"],
}


def run_host_tests(res):
    for name, srcs in HOST_TESTS.items():
        exe = os.path.join(ROOT, BUILD, f"{name}-host-test")
        cc = subprocess.run(["clang", "-std=c11", "-g", "-O1",
                             "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                             "-Wall", "-Wextra", "-Werror", "-Itests/qemu/host",
                             "-Iinclude", "-I.", *srcs, "-o", exe],
                            cwd=ROOT, capture_output=True, text=True)
        if not res.check(f"{name}-host/build", cc.returncode == 0, cc.stderr[-2000:]):
            continue
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        r = subprocess.run([exe], capture_output=True, text=True, env=env, timeout=120)
        for line in r.stdout.splitlines():
            if line.startswith("PASS "):
                res.ok(f"{name}-host/{line[5:]}")
            elif line.startswith("FAIL "):
                res.fail(f"{name}-host/{line[5:]}", f"see {srcs[0]}")
        if r.returncode and "FAIL" not in r.stdout:
            res.fail(f"{name}-host/run", f"exit {r.returncode}: {r.stderr[-2000:]}")


def check_size(res, platform):
    kernel = make("print-kernel", f"PLATFORM={platform}",
                  f"BUILD={build_dir(platform)}").stdout.strip()
    stripped = os.path.join(ROOT, build_dir(platform), "stripped.elf")
    subprocess.run(["llvm-strip", "-o", stripped, os.path.join(ROOT, kernel)], check=True)
    size, limit = os.path.getsize(stripped), SIZE_LIMIT[platform]
    print(f"  {platform}: stripped kernel {size} bytes (limit {limit})")
    res.check(f"{platform}/size", size <= limit, f"{size} bytes > {limit}")


def main():
    only = sys.argv[1:]
    res = Results()
    kvm_ok, kvm_why = kvm_usable()
    os.makedirs(os.path.join(ROOT, BUILD), exist_ok=True)
    # Images are per run: two runs at once must not share a disk.
    workdir = tempfile.mkdtemp(prefix="images-", dir=os.path.join(ROOT, BUILD))
    built = {}
    t0 = time.monotonic()
    if not only:
        run_host_tests(res)
    for row in ROWS:
        if only and not any(o in row.name for o in only):
            continue
        if row.accel == "kvm" and row.platform not in KVM_PLATFORMS:
            res.skip(row.name, f"KVM cannot run {row.platform} on this host")
            continue
        if row.accel == "kvm" and not kvm_ok:
            res.skip(row.name, kvm_why)
            continue
        if row.platform not in built:
            b = make("kernel", f"PLATFORM={row.platform}", f"BUILD={build_dir(row.platform)}")
            built[row.platform] = b.returncode == 0
            res.check(f"{row.platform}/build", b.returncode == 0,
                      (b.stdout + b.stderr)[-2000:])
            if built[row.platform] and row.platform in SIZE_LIMIT:
                check_size(res, row.platform)
            d = make("kernel", f"PLATFORM={row.platform}", f"BUILD={build_dir(row.platform)}",
                     f"APP={DEVCHECK_APP}")
            res.check(f"{row.platform}/build-devcheck", d.returncode == 0,
                      (d.stdout + d.stderr)[-2000:])
        if not built[row.platform]:
            res.fail(row.name, "kernel did not build")
            continue
        print(f"== {row.name}", flush=True)
        run_row(res, row, workdir)
        run_devcheck(res, row, workdir)
        if row.name in TAP_ROWS:
            run_tap(res, row, workdir)
        for suffix, test in EXTRA.get(row.platform, []):
            if row.name.endswith(suffix):
                test(res, row, workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"qemu tests took {time.monotonic() - t0:.0f}s")
    tail = f", {res.skipped} skipped" if res.skipped else ""
    print(f"{res.passed} passed, {res.failed} failed{tail}")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
