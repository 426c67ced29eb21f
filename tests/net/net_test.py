#!/usr/bin/env python3
"""The mote IP stack against real Linux peers, inside network namespaces.

Usage: net_test.py [--platform hosted,x64,arm64] [--accel tcg|kvm]
(as root, from the top of the tree; `make net-test` builds the kernels
first: APP=echo and APP=nettest for each platform)

Every platform runs the same scenarios, each in a namespace of its own
(mote-net-PID-PLATFORM) holding a TAP device tap0 whose namespace side is
10.9.0.1/24 (also 10.9.0.3 and .4), a dnsmasq, and the kernel:

  hosted  the hosted build, a process owning tap0 (boot argument tap=tap0)
  x64     QEMU -machine microvm, virtio-net over virtio-mmio
  arm64   QEMU -machine virt, virtio-net over virtio-mmio
  x64-pci, arm64-pci (only when named): the same VMs with USE_PCI=1 (q35
          with virtio-pci and MSI-X; virt's PCIe host)

The kernel is started with the platform's own command (make print-run,
NET=tap:tap0) under `ip netns exec`, so QEMU opens the namespace's tap0
(-netdev tap,ifname=tap0) and nothing leaves the namespace. VMs use TCG
unless --accel says otherwise.

  A  apps/echo, static ip=10.9.0.2: ping, UDP echo with socat and nc, a
     maximum-size datagram, ICMP port unreachable for a closed port.
  B  tests/net/netapp.c with no ip=: DHCP from dnsmasq (lease file checked
     against the MAC the stack reports, which for a VM is the one QEMU
     gives it, and against the namespace's neighbour table and the address
     the stack uses), ping the leased address, DNS A record, NXDOMAIN, the
     cache, a datagram sent by the stack to a host socket, renewal at T1.
  C  netapp, static, dns=10.9.0.4,10.9.0.3 arp_ttl=2: 10.9.0.4 answers
     nothing (port unreachable), 10.9.0.3 is a proxy to dnsmasq that drops
     every other query (this kernel has no sch_netem, so loss is made in
     user space): every lookup still succeeds by retrying across servers.
     A send to an address nobody holds ends KERR_UNREACHABLE after the ARP
     retries; ARP entries expire and are resolved again.
  D  (hosted only: it tests the hosted platform's own UDP service) netapp
     without TAP, dns=127.0.0.1: the resolver over host sockets.

Each kernel is killed if it still runs LIFE_S seconds after it started
(a hang), and its console log is printed when it hung, died early or any
check failed while it ran. Namespaces and their processes are removed at
the end, also on failure or SIGTERM.

Prints PASS/FAIL per test ("PLATFORM/name") and ends with
"N passed, N failed[, N skipped]".
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

# name -> (PLATFORM, USE_PCI). The -pci ones (x64: q35, virtio-pci with
# MSI-X; arm64: virt's PCIe host) are not run by default.
PLATFORMS = {"hosted": ("hosted", 0), "x64": ("x64", 0), "arm64": ("arm64", 0),
             "x64-pci": ("x64", 1), "arm64-pci": ("arm64", 1)}
DEFAULT = ("hosted", "x64", "arm64")
QEMU = {"x64": "qemu-system-x86_64", "arm64": "qemu-system-aarch64"}
QEMU_MAC = "52:54:00:12:34:56"   # QEMU's MAC for the first NIC
HOST = "10.9.0.1"
BOOT_S = 30      # to the app's "ready" line (TCG on a loaded machine)
LIFE_S = 75      # a kernel still running after this is a hang: killed
LOG_TAIL = 100   # console lines printed for a kernel that failed
KEEP = os.path.join("build", "net-test")  # where their whole logs stay
# Console lines not worth printing: vector/FPU registers, virtio feature
# lists and ring addresses, and the monitor's echo of our typing.
NOISE = re.compile(r"(XMM|FPR|Q\d\d=|FCW|DR\d|\tVIRTIO_|  VRing|"
                   r" +(num_default|align|desc|avail|used):)|.*\x1b\[")
results = []
skipped = []


def log(msg):
    print(msg, flush=True)


def check(name, ok, why=""):
    results.append(bool(ok))
    log(f"PASS {name}" if ok else f"FAIL {name}: {why}")
    return ok


def failures():
    return results.count(False)


def sh(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


class Run:
    """One platform's run: its namespace, peers and kernels."""

    def __init__(self, plat, accel, tmp):
        self.plat, self.accel, self.tmp = plat, accel, tmp
        self.base, self.pci = PLATFORMS[plat]
        self.vm = self.base in QEMU
        self.ns = f"mote-net-{os.getpid()}-{plat}"
        self.procs = []

    def check(self, name, ok, why=""):
        return check(f"{self.plat}/{name}", ok, why)

    def in_ns(self, *args, **kw):
        return sh("ip", "netns", "exec", self.ns, *args, **kw)

    def spawn(self, *args, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(["ip", "netns", "exec", self.ns, *args], **kw)
        self.procs.append(p)
        return p

    def setup(self):
        """No IPv6 on tap0: Linux's router solicitations and MLD reports
        at link-up land at random moments of the guest's boot; phase E
        makes boot-time traffic on purpose instead."""
        sh("ip", "netns", "add", self.ns).check_returncode()
        for cmd in (["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"],
                    ["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"],
                    ["ip", "link", "set", "lo", "up"],
                    ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
                    ["ip", "addr", "add", f"{HOST}/24", "dev", "tap0"],
                    ["ip", "addr", "add", "10.9.0.3/24", "dev", "tap0"],
                    ["ip", "addr", "add", "10.9.0.4/24", "dev", "tap0"],
                    ["ip", "link", "set", "tap0", "up"]):
            self.in_ns(*cmd).check_returncode()

    def teardown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        sh("ip", "netns", "del", self.ns)

    def command(self, app, args, drive, tap):
        """The platform's own command line (make print-run), so the way a
        kernel is started lives in one place."""
        cmd = ["make", "-s", "--no-print-directory", f"PLATFORM={self.base}",
               f"USE_PCI={self.pci}",
               f"APP={app}", f"DRIVE={drive}", f"ARGS={' '.join(args)}",
               f"NET={'tap:tap0' if tap else 'user'}", f"ACCEL={self.accel}",
               "print-run"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return shlex.split(out.stdout.strip())


class Mote:
    """One kernel in the namespace: a hosted process or a QEMU VM."""

    def __init__(self, run, app, args, name, tap=True):
        self.run, self.name = run, name
        base = os.path.join(run.tmp, f"{run.plat}-{name}")
        self.logpath = base + ".log"
        with open(base + ".img", "wb") as f:
            f.truncate(1 << 20)
        self.log = open(self.logpath, "w")
        self.failed_before = failures()
        self.hung = self.ip = None
        self.in_monitor = False
        # A VM's QEMU monitor is on stdio (Ctrl-A c): kept open to ask it
        # where a hung guest is.
        self.vm = run.vm
        self.p = run.spawn(*run.command(app, args, base + ".img", tap),
                           stdout=self.log, stderr=subprocess.STDOUT,
                           stdin=subprocess.PIPE if self.vm else subprocess.DEVNULL)
        self.dog = threading.Timer(LIFE_S, self.declare_hung,
                                   (f"still running {LIFE_S}s after start",))
        self.dog.daemon = True
        self.dog.start()

    def declare_hung(self, why):
        """Record why, whether it still answers ping and (a VM) its CPU
        registers, in its log; then kill it so the run goes on."""
        if self.p.poll() is not None or self.hung:
            return
        self.hung = why
        self.diagnose(why)
        self.p.kill()

    def diagnose(self, why):
        """Into its log: why, whether it answers ping, and (a VM) where
        its CPU is, from QEMU's monitor."""
        alive = ""
        if self.ip:
            p = self.run.in_ns("ping", "-c", "1", "-W", "1", self.ip)
            alive = "; answers ping" if " 1 received" in p.stdout else \
                "; does not answer ping"
        self.log.write(f"\n[net_test: {why}{alive}]\n")
        self.log.flush()
        if self.vm and self.p.poll() is None:
            try:
                self.monitor("info registers", "info virtio")
                net = re.findall(r"(/machine/\S+) \[virtio-net\]", self.text())
                if net:  # the device's view: ISR, ring indices
                    self.monitor(f"info virtio-status {net[-1]}",
                                 *(f"info virtio-queue-status {net[-1]} {q}"
                                   for q in (0, 1)))
            except OSError:
                pass

    def monitor(self, *cmds):
        """QEMU monitor commands (Ctrl-A c switches the console to it, and
        back); the answers land in the log."""
        switch = b"" if self.in_monitor else b"\x01c\n"
        self.in_monitor = True
        self.p.stdin.write(switch + "".join(c + "\n" for c in cmds).encode())
        self.p.stdin.flush()
        time.sleep(0.5)

    def alive(self):
        return self.p.poll() is None

    def text(self):
        with open(self.logpath, errors="replace") as f:
            return f.read()

    def wait_log(self, pattern, secs=BOOT_S):
        end = time.time() + secs
        while time.time() < end:
            m = re.search(pattern, self.text())
            if m or not self.alive():
                return m
            time.sleep(0.05)
        return None

    def ask(self, ip, port, data, timeout=2.0):
        self.ip = ip
        return udp_ask(self.run, ip, port, data, timeout) if self.alive() else None

    def ctl(self, ip, cmd, timeout=20.0):
        """netapp answers every command (its DNS lookups have a 15 s
        deadline): silence means the kernel is stuck, and it is stopped
        rather than costing every later command its timeout."""
        r = self.ask(ip, 8081, cmd.encode(), timeout)
        if r is None:
            self.declare_hung(f"no answer to {cmd!r} in {timeout:.0f}s")
        return r.decode(errors="replace") if isinstance(r, bytes) else ""

    def stats(self, ip):
        out = {}
        for line in self.ctl(ip, "stats").splitlines():
            k, _, v = line.partition(" ")
            if v.isdigit():
                out[k] = int(v)
        return out

    def stop(self):
        """Stop it; it must still have been running (not crashed, not
        killed as hung). Print its console if anything went wrong."""
        self.dog.cancel()
        self.dog.join()  # a watchdog that fired has finished declare_hung
        died = self.p.poll()
        if died is None and not self.hung and failures() > self.failed_before:
            self.diagnose("a check failed")
        if self.vm:
            self.p.stdin.close()
        if died is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(3)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()
        why = (f"hung ({self.hung}): killed" if self.hung else
               f"exited early with status {died}")
        self.run.check(f"{self.name}_ran_to_the_end",
                       died is None and not self.hung, why)
        if failures() > self.failed_before:
            lines = [x for x in self.text().splitlines()
                     if not NOISE.match(x)]
            os.makedirs(KEEP, exist_ok=True)
            kept = os.path.join(KEEP, os.path.basename(self.logpath))
            shutil.copyfile(self.logpath, kept)
            log(f"--- {self.run.plat} {self.name} console (last {LOG_TAIL} "
                f"of {len(lines)} lines; all of it in {kept}):")
            for line in lines[-LOG_TAIL:]:
                log(f"  | {line}")
            log("---")


def udp_ask(run, ip, port, data, timeout=2.0):
    """Send one datagram from inside the namespace and return the reply
    (bytes), or None; or the string 'refused' on ICMP port unreachable."""
    code = (
        "import socket,sys\n"
        "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        f"s.settimeout({timeout})\n"
        f"s.connect(({ip!r},{port}))\n"
        "s.send(sys.stdin.buffer.read())\n"
        "try:\n"
        "  sys.stdout.buffer.write(b'R'+s.recv(65536))\n"
        "except ConnectionRefusedError:\n"
        "  sys.stdout.buffer.write(b'X')\n"
        "except socket.timeout:\n"
        "  pass\n")
    try:
        r = subprocess.run(["ip", "netns", "exec", run.ns, "python3", "-c",
                            code], input=data, capture_output=True,
                           timeout=timeout + 10)
    except subprocess.TimeoutExpired:
        return None
    out = r.stdout
    if out.startswith(b"R"):
        return out[1:]
    if out == b"X":
        return "refused"
    return None


def phase_a(run):
    m = Mote(run, "echo", ["ip=10.9.0.2/24", f"gw={HOST}"], "echo")
    try:
        if not run.check("echo_boots", m.wait_log(r"echo: ready"),
                         "no 'echo: ready' in the log"):
            return
        p = run.in_ns("ping", "-c", "3", "-i", "0.2", "-W", "2", "10.9.0.2")
        run.check("ping_static", " 3 received" in p.stdout, p.stdout[-200:])
        r = run.in_ns("socat", "-t", "1", "-T", "2", "-", "UDP:10.9.0.2:8080",
                      input="hello via socat\n")
        run.check("udp_echo_socat", r.stdout == "hello via socat\n",
                  repr(r.stdout))
        r = run.in_ns("nc", "-u", "-w", "1", "10.9.0.2", "8080",
                      input="hello via nc\n")
        run.check("udp_echo_nc", r.stdout == "hello via nc\n", repr(r.stdout))
        big = bytes((i * 7) & 255 for i in range(1472))
        r = m.ask("10.9.0.2", 8080, big)
        run.check("udp_echo_1472_bytes", r == big,
                  f"got {len(r) if isinstance(r, bytes) else r}")
        r = m.ask("10.9.0.2", 9999, b"anyone?")
        run.check("closed_port_icmp_unreachable", r == "refused", repr(r))
    finally:
        m.stop()


def start_dnsmasq(run):
    run.leases = os.path.join(run.tmp, f"{run.plat}-leases")
    run.dnslog = os.path.join(run.tmp, f"{run.plat}-dnsmasq.log")
    conf = [
        "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        f"--listen-address={HOST},127.0.0.1", "--bind-interfaces",
        "--dhcp-range=10.9.0.50,10.9.0.60,255.255.255.0,2m", "--no-ping",
        f"--dhcp-leasefile={run.leases}",
        f"--dhcp-option=option:router,{HOST}",
        f"--dhcp-option=option:dns-server,{HOST}",
        "--dhcp-option=option:T1,4", "--dhcp-option=option:T2,100",
        "--no-resolv", "--no-hosts", "--local=/test/", "--local-ttl=60",
        "--host-record=host.test,10.9.0.77",
        "--log-queries", "--log-dhcp", f"--log-facility={run.dnslog}",
        f"--pid-file={os.path.join(run.tmp, run.plat + '-dnsmasq.pid')}",
    ]
    for i in range(1, 5):
        conf.append(f"--host-record=loss{i}.test,10.9.1.{i}")
    run.spawn(*conf, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.time() + 5  # listening once the DNS port answers
    while time.time() < end:
        if run.in_ns("ss", "-Hlun", "sport", "=", ":53").stdout.strip():
            return
        time.sleep(0.1)
    raise RuntimeError("dnsmasq did not start")


def lease_for(run, ip, secs=3):
    """dnsmasq's lease-file line for ip: [expiry, mac, ip, host, id]."""
    end = time.time() + secs
    while True:
        with open(run.leases) as f:
            for line in f:
                if line.split()[2:3] == [ip]:
                    return line.split()
        if time.time() > end:
            return []
        time.sleep(0.1)


def phase_b(run):
    m = Mote(run, "nettest", [], "dhcp")
    try:
        got = m.wait_log(r"DHCP lease (\d+\.\d+\.\d+\.\d+)")
        if not run.check("dhcp_bound", got, "no 'DHCP lease' in the log"):
            return
        ip = got.group(1)
        mac = m.wait_log(r"IP stack on ([0-9a-f:]{17})", 1).group(1)
        lease = lease_for(run, ip)
        run.check("dhcp_lease_matches", len(lease) >= 3 and lease[1] == mac and
                  m.ctl(ip, "ip") == f"ip {ip}",
                  f"lease {lease} stack {ip} {mac}")
        p = run.in_ns("ping", "-c", "2", "-i", "0.2", "-W", "2", ip)
        run.check("ping_dhcp_address", " 2 received" in p.stdout,
                  p.stdout[-200:])
        # What Linux saw on the wire: the leased address answers from the
        # leased MAC; a VM's is the one QEMU gave its NIC.
        neigh = run.in_ns("ip", "neigh", "show", ip, "dev", "tap0").stdout
        want = QEMU_MAC if run.vm else mac
        run.check("dhcp_mac_on_the_wire", f"lladdr {mac} " in neigh and
                  mac == want, f"neigh {neigh.strip()!r} stack {mac} want {want}")
        r = m.ctl(ip, "resolve host.test")
        run.check("dns_a_record", r.startswith("ok 10.9.0.77 "), r)
        r = m.ctl(ip, "resolve nope.test")
        run.check("dns_nxdomain_not_found", r == "err KERR_NOT_FOUND", r)
        r = m.ctl(ip, "resolve HOST.test")
        s = m.stats(ip)
        run.check("dns_cache", r.startswith("ok 10.9.0.77 ") and
                  s.get("dns_cache_hit") == 1 and s.get("dns_tx") == 2,
                  f"{r} {s}")
        check_stack_sends(run, m, ip)
        check_renewal(run, m, ip, mac)
    finally:
        m.stop()


def check_stack_sends(run, m, ip):
    """The stack sends to a host socket (the other way round from echo)."""
    code = (
        "import socket\n"
        "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        f"s.bind(({HOST!r},9999))\n"
        "s.settimeout(5)\n"
        "print('bound',flush=True)\n"
        "d,a=s.recvfrom(2048)\n"
        "print(d.decode(),a[0],a[1])\n")
    lst = run.spawn("python3", "-c", code, stdout=subprocess.PIPE, text=True)
    lst.stdout.readline()
    r = m.ctl(ip, f"send {HOST} 9999 hello-from-mote")
    out, _ = lst.communicate(timeout=10)
    run.check("udp_send_to_host", r == "sent KERR_OK" and
              out.strip() == f"hello-from-mote {ip} 8081", f"{r!r} {out!r}")


def check_renewal(run, m, ip, mac):
    """dnsmasq sets T1 = 4 s: the stack renews by unicast and keeps its
    address."""
    acks = []
    end = time.time() + 10
    while time.time() < end:
        with open(run.dnslog) as f:
            acks = re.findall(rf"DHCPACK\(tap0\) {re.escape(ip)} {mac}", f.read())
        if len(acks) >= 2:
            break
        time.sleep(0.2)
    with open(run.dnslog) as f:
        renew = re.search(rf"DHCPREQUEST\(tap0\) {re.escape(ip)} {mac}",
                          f.read().split("DHCPACK", 1)[-1])
    run.check("dhcp_renews_at_t1", len(acks) >= 2 and renew and
              m.ctl(ip, "ip") == f"ip {ip}", f"{len(acks)} ACKs")


LOSSY_PROXY = r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.9.0.3", 53))
print("bound", flush=True)
n = 0
while True:
    q, peer = s.recvfrom(4096)
    n += 1
    if n % 2:
        continue  # lose every other query
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(1)
    u.sendto(q, ("10.9.0.1", 53))
    try:
        s.sendto(u.recv(4096), peer)
    except socket.timeout:
        pass
    u.close()
"""


def phase_c(run):
    proxy = run.spawn("python3", "-c", LOSSY_PROXY, stdout=subprocess.PIPE,
                      text=True)
    proxy.stdout.readline()
    m = Mote(run, "nettest", ["ip=10.9.0.2/24", f"gw={HOST}",
                              "dns=10.9.0.4,10.9.0.3", "arp_ttl=2"], "lossy")
    try:
        if not run.check("lossy_boots", m.wait_log(r"netapp: ready"),
                         "no 'netapp: ready' in the log"):
            return
        answers = [m.ctl("10.9.0.2", f"resolve loss{i}.test") for i in (1, 2, 3)]
        want = [f"ok 10.9.1.{i} " for i in (1, 2, 3)]
        s = m.stats("10.9.0.2")
        run.check("dns_retry_through_loss",
                  all(a.startswith(w) for a, w in zip(answers, want)) and
                  s.get("dns_tx", 0) >= 3 * 3, f"{answers} {s}")
        t = time.time()
        r = m.ctl("10.9.0.2", "send 10.9.0.99 9 nobody-home")
        dt = time.time() - t
        run.check("send_to_absent_host_unreachable",
                  r == "sent KERR_UNREACHABLE" and 2.5 < dt < 6,
                  f"{r!r} {dt:.1f}s")
        before = m.stats("10.9.0.2")
        r1 = m.ask("10.9.0.2", 8080, b"one")
        time.sleep(3)
        r2 = m.ask("10.9.0.2", 8080, b"two")
        after = m.stats("10.9.0.2")
        run.check("arp_expires_and_re_resolves",
                  r1 == b"one" and r2 == b"two" and
                  after.get("arp_expired", 0) > before.get("arp_expired", 0) and
                  after.get("arp_resolved", 0) > before.get("arp_resolved", 0),
                  f"{r1} {r2} {before} {after}")
    finally:
        m.stop()
        proxy.kill()
        proxy.wait()


def phase_d(run):
    """No TAP: UDP is the hosted platform's host sockets, and the resolver
    runs over them unchanged (dnsmasq also listens on 127.0.0.1)."""
    m = Mote(run, "nettest", ["dns=127.0.0.1"], "hostudp", tap=False)
    try:
        if not run.check("hostudp_boots", m.wait_log(r"netapp: ready"),
                         "no 'netapp: ready' in the log"):
            return
        a = m.ctl("127.0.0.1", "resolve host.test")
        b = m.ctl("127.0.0.1", "resolve nope.test")
        run.check("dns_over_host_sockets", a.startswith("ok 10.9.0.77 ") and
                  b == "err KERR_NOT_FOUND", f"{a!r} {b!r}")
    finally:
        m.stop()


FLOOD = r"""
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
print("flooding", flush=True)
n = 0
while True:  # until killed: ~4000 broadcasts/s
    s.sendto(b"flood", ("10.9.0.255", 9))
    n += 1
    if n % 4 == 0:
        time.sleep(0.001)
"""
FLOOD_BOOTS = 3


def phase_e(run):
    """Frames arriving while the kernel boots (as they do on a real LAN):
    it boots under a broadcast flood, and must then answer ping and
    echo. Several boots, as the window is a matter of timing."""
    for i in range(FLOOD_BOOTS):
        flood = run.spawn("python3", "-c", FLOOD, stdout=subprocess.PIPE)
        flood.stdout.readline()
        m = Mote(run, "nettest", ["ip=10.9.0.2/24"], f"flood{i}")
        try:
            ready = m.wait_log(r"netapp: ready")
            time.sleep(0.5)
            flood.kill()
            flood.wait()
            p = run.in_ns("ping", "-c", "2", "-i", "0.2", "-W", "1", "10.9.0.2")
            got = re.findall(r"(\d+) received", p.stdout)
            r = m.ask("10.9.0.2", 8080, b"after the flood")
            run.check(f"boot_under_broadcast_flood_{i}",
                      ready and got == ["2"] and r == b"after the flood",
                      f"ready {bool(ready)}, ping replies {got}, echo {r!r}")
        finally:
            m.stop()


def runnable(plat):
    """Why plat cannot run here (a skip), or None."""
    qemu = QEMU.get(PLATFORMS[plat][0])
    if qemu and not shutil.which(qemu):
        return f"{qemu} is not installed"
    return None


def run_platform(plat, accel, tmp):
    why = runnable(plat)
    if why:
        log(f"SKIP {plat}: {why}")
        skipped.append(plat)
        return
    t0 = time.time()
    how = "a process" if plat == "hosted" else f"QEMU, {accel}"
    log(f"=== {plat} ({how}) in namespace mote-net-{os.getpid()}-{plat}")
    run = Run(plat, accel, tmp)
    phases = [phase_a, phase_b, phase_c, phase_e] + \
        ([phase_d] if plat == "hosted" else [])
    try:
        run.setup()
        start_dnsmasq(run)
        for phase in phases:
            try:
                phase(run)
            except Exception as e:  # a broken harness is a failure
                run.check(f"{phase.__name__}_harness", False, repr(e))
    except Exception as e:
        run.check("setup", False, repr(e))
    finally:
        run.teardown()
    log(f"=== {plat}: {time.time() - t0:.0f}s")


def remove_stale_namespaces():
    """Namespaces of earlier runs of this script that were killed (SIGKILL
    skips the clean-up): only our own names, only for dead PIDs."""
    for line in sh("ip", "netns", "list").stdout.splitlines():
        m = re.match(r"(mote-net-(\d+)-[\w-]+)", line)
        if m and not os.path.exists(f"/proc/{m.group(2)}"):
            sh("ip", "netns", "del", m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--platform", default=",".join(DEFAULT),
                    help="comma-separated, of " + ",".join(PLATFORMS) +
                    " (default: " + ",".join(DEFAULT) + ")")
    ap.add_argument("--accel", default="tcg", choices=("tcg", "kvm"),
                    help="QEMU accelerator for the VMs (default tcg)")
    opt = ap.parse_args()
    plats = [p for p in opt.platform.split(",") if p]
    bad = [p for p in plats if p not in PLATFORMS]
    if bad:
        ap.error(f"unknown platform {bad}")
    # SIGTERM (a test runner's timeout) unwinds through the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    remove_stale_namespaces()
    shutil.rmtree(KEEP, ignore_errors=True)
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="mote-net-") as tmp:
        for plat in plats:
            run_platform(plat, opt.accel, tmp)
    log(f"net-test: {time.time() - t0:.0f}s ({', '.join(plats)})")
    ok = sum(results)
    tail = f", {len(skipped)} skipped" if skipped else ""
    log(f"{ok} passed, {len(results) - ok} failed{tail}")
    sys.exit(0 if ok == len(results) else 1)


if __name__ == "__main__":
    main()
