#!/usr/bin/env python3
"""The mote IP stack against real Linux peers, inside a network namespace.

Usage: net_test.py     (as root, from the top of the tree; `make net-test`
builds the two hosted kernels first: APP=echo and APP=nettest)

The hosted build runs as a process that owns a TAP device (boot argument
tap=tap0) in a namespace this script creates and deletes; the namespace's
side of the TAP is 10.9.0.1/24. Nothing leaves the namespace.

  A  apps/echo, static ip=10.9.0.2: ping, UDP echo with socat and nc, a
     maximum-size datagram, ICMP port unreachable for a closed port.
  B  tests/net/netapp.c with no ip=: DHCP from dnsmasq (lease file checked
     against what the stack reports), ping the leased address, DNS A record,
     NXDOMAIN, the cache, and a datagram sent by the stack to a host socket.
  C  netapp, static, dns=10.9.0.4,10.9.0.3 arp_ttl=2: 10.9.0.4 answers
     nothing (port unreachable), 10.9.0.3 is a proxy to dnsmasq that drops
     every other query (this kernel has no sch_netem, so loss is made in
     user space): every lookup still succeeds by retrying across servers.
     A send to an address nobody holds ends KERR_UNREACHABLE after the ARP
     retries; ARP entries expire and are resolved again.
  D  netapp without TAP (UDP from host sockets), dns=127.0.0.1: the same
     resolver over the hosted platform's UDP service.

Prints PASS/FAIL per test and ends with "N passed, N failed".
"""
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

NS = f"mote-net-{os.getpid()}"
HOST = "10.9.0.1"
results = []


def log(msg):
    print(msg, flush=True)


def check(name, ok, why=""):
    results.append(bool(ok))
    log(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def sh(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def in_ns(*args, **kw):
    return sh("ip", "netns", "exec", NS, *args, **kw)


def setup():
    sh("ip", "netns", "add", NS).check_returncode()
    for cmd in (["ip", "link", "set", "lo", "up"],
                ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
                ["ip", "addr", "add", f"{HOST}/24", "dev", "tap0"],
                ["ip", "addr", "add", "10.9.0.3/24", "dev", "tap0"],
                ["ip", "addr", "add", "10.9.0.4/24", "dev", "tap0"],
                ["ip", "link", "set", "tap0", "up"]):
        in_ns(*cmd).check_returncode()


def run_command(app, args, drive, tap):
    """The platform's own command line (make print-run), so the way a
    hosted kernel is started lives in one place."""
    cmd = ["make", "-s", "--no-print-directory", "PLATFORM=hosted",
           f"APP={app}", f"DRIVE={drive}", f"ARGS={' '.join(args)}",
           f"NET={'tap:tap0' if tap else 'user'}", "print-run"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return shlex.split(out.stdout.strip())


class Mote:
    """One hosted mote process in the namespace."""

    def __init__(self, app, args, tmp, name, tap=True):
        self.logpath = os.path.join(tmp, f"{name}.log")
        drive = os.path.join(tmp, "disk.img")
        with open(drive, "wb") as f:
            f.truncate(1 << 20)
        self.log = open(self.logpath, "w")
        self.p = subprocess.Popen(
            ["ip", "netns", "exec", NS, *run_command(app, args, drive, tap)],
            stdout=self.log, stderr=subprocess.STDOUT)

    def wait_log(self, pattern, secs):
        end = time.time() + secs
        while time.time() < end:
            with open(self.logpath) as f:
                m = re.search(pattern, f.read())
            if m:
                return m
            time.sleep(0.05)
        return None

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(3)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.log.close()


def udp_ask(ip, port, data, timeout=2.0, src=None):
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
    r = subprocess.run(["ip", "netns", "exec", NS, "python3", "-c", code],
                       input=data, capture_output=True)
    out = r.stdout
    if out.startswith(b"R"):
        return out[1:]
    if out == b"X":
        return "refused"
    return None


def ctl(ip, cmd, timeout=20.0):
    r = udp_ask(ip, 8081, cmd.encode(), timeout)
    return r.decode(errors="replace") if isinstance(r, bytes) else ""


def stats(ip):
    out = {}
    for line in ctl(ip, "stats").splitlines():
        k, _, v = line.partition(" ")
        if v.isdigit():
            out[k] = int(v)
    return out


def phase_a(tmp):
    m = Mote("echo", ["ip=10.9.0.2/24", f"gw={HOST}"], tmp, "echo")
    try:
        ready = m.wait_log(r"echo: ready", 10)
        check("echo_boots", ready, "no 'echo: ready' in the log")
        p = in_ns("ping", "-c", "3", "-i", "0.2", "-W", "2", "10.9.0.2")
        check("ping_static", " 3 received" in p.stdout, p.stdout[-200:])
        r = in_ns("socat", "-t", "1", "-T", "2", "-", "UDP:10.9.0.2:8080",
                  input="hello via socat\n")
        check("udp_echo_socat", r.stdout == "hello via socat\n",
              repr(r.stdout))
        r = in_ns("nc", "-u", "-w", "1", "10.9.0.2", "8080",
                  input="hello via nc\n")
        check("udp_echo_nc", r.stdout == "hello via nc\n", repr(r.stdout))
        big = bytes((i * 7) & 255 for i in range(1472))
        r = udp_ask("10.9.0.2", 8080, big)
        check("udp_echo_1472_bytes", r == big,
              f"got {len(r) if isinstance(r, bytes) else r}")
        r = udp_ask("10.9.0.2", 9999, b"anyone?")
        check("closed_port_icmp_unreachable", r == "refused", repr(r))
    finally:
        m.stop()


def start_dnsmasq(tmp):
    leases = os.path.join(tmp, "leases")
    conf = [
        "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        f"--listen-address={HOST},127.0.0.1", "--bind-interfaces",
        "--dhcp-range=10.9.0.50,10.9.0.60,255.255.255.0,2m", "--no-ping",
        f"--dhcp-leasefile={leases}",
        f"--dhcp-option=option:router,{HOST}",
        f"--dhcp-option=option:dns-server,{HOST}",
        "--dhcp-option=option:T1,4", "--dhcp-option=option:T2,100",
        "--no-resolv", "--no-hosts", "--local=/test/", "--local-ttl=60",
        "--host-record=host.test,10.9.0.77",
        "--log-queries", "--log-dhcp",
        f"--log-facility={os.path.join(tmp, 'dnsmasq.log')}",
    ]
    for i in range(1, 5):
        conf.append(f"--host-record=loss{i}.test,10.9.1.{i}")
    p = subprocess.Popen(["ip", "netns", "exec", NS, *conf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return p, leases


def phase_b(tmp):
    dns, leases = start_dnsmasq(tmp)
    m = Mote("nettest", [], tmp, "dhcp")
    try:
        got = m.wait_log(r"DHCP lease (\d+\.\d+\.\d+\.\d+)", 15)
        check("dhcp_bound", got, "no 'DHCP lease' in the log")
        if not got:
            return dns
        ip = got.group(1)
        with open(leases) as f:
            lease = f.read().split()
        mac = m.wait_log(r"IP stack on ([0-9a-f:]{17})", 1).group(1)
        check("dhcp_lease_matches", len(lease) >= 3 and lease[1] == mac and
              lease[2] == ip and ctl(ip, "ip") == f"ip {ip}",
              f"lease {lease} stack {ip} {mac}")
        p = in_ns("ping", "-c", "2", "-i", "0.2", "-W", "2", ip)
        check("ping_dhcp_address", " 2 received" in p.stdout, p.stdout[-200:])
        r = ctl(ip, "resolve host.test")
        check("dns_a_record", r.startswith("ok 10.9.0.77 "), r)
        r = ctl(ip, "resolve nope.test")
        check("dns_nxdomain_not_found", r == "err KERR_NOT_FOUND", r)
        r = ctl(ip, "resolve HOST.test")
        s = stats(ip)
        check("dns_cache", r.startswith("ok 10.9.0.77 ") and
              s.get("dns_cache_hit") == 1 and s.get("dns_tx") == 2,
              f"{r} {s}")
        check_stack_sends(ip)
        check_renewal(ip, mac, os.path.join(tmp, "dnsmasq.log"))
    finally:
        m.stop()
    return dns


def check_stack_sends(ip):
    """The stack sends to a host socket (the other way round from echo)."""
    code = (
        "import socket\n"
        "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        f"s.bind(({HOST!r},9999))\n"
        "s.settimeout(5)\n"
        "d,a=s.recvfrom(2048)\n"
        "print(d.decode(),a[0],a[1])\n")
    lst = subprocess.Popen(["ip", "netns", "exec", NS, "python3", "-c", code],
                           stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    r = ctl(ip, f"send {HOST} 9999 hello-from-mote")
    out, _ = lst.communicate(timeout=10)
    check("udp_send_to_host", r == "sent KERR_OK" and
          out.strip() == f"hello-from-mote {ip} 8081", f"{r!r} {out!r}")


def check_renewal(ip, mac, logpath):
    """dnsmasq sets T1 = 4 s: the stack renews by unicast and keeps its
    address."""
    acks = []
    end = time.time() + 10
    while time.time() < end:
        with open(logpath) as f:
            acks = re.findall(rf"DHCPACK\(tap0\) {re.escape(ip)} {mac}", f.read())
        if len(acks) >= 2:
            break
        time.sleep(0.2)
    with open(logpath) as f:
        renew = re.search(rf"DHCPREQUEST\(tap0\) {re.escape(ip)} {mac}",
                          f.read().split("DHCPACK", 1)[-1])
    check("dhcp_renews_at_t1", len(acks) >= 2 and renew and
          ctl(ip, "ip") == f"ip {ip}", f"{len(acks)} ACKs")


LOSSY_PROXY = r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.9.0.3", 53))
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


def phase_c(tmp):
    proxy = subprocess.Popen(["ip", "netns", "exec", NS, "python3", "-c",
                              LOSSY_PROXY])
    m = Mote("nettest", ["ip=10.9.0.2/24", f"gw={HOST}", "dns=10.9.0.4,10.9.0.3",
                   "arp_ttl=2"], tmp, "lossy")
    try:
        m.wait_log(r"netapp: ready", 10)
        answers = [ctl("10.9.0.2", f"resolve loss{i}.test") for i in (1, 2, 3)]
        want = [f"ok 10.9.1.{i} " for i in (1, 2, 3)]
        s = stats("10.9.0.2")
        check("dns_retry_through_loss",
              all(a.startswith(w) for a, w in zip(answers, want)) and
              s.get("dns_tx", 0) >= 3 * 3, f"{answers} {s}")
        t = time.time()
        r = ctl("10.9.0.2", "send 10.9.0.99 9 nobody-home")
        dt = time.time() - t
        check("send_to_absent_host_unreachable",
              r == "sent KERR_UNREACHABLE" and 2.5 < dt < 6, f"{r!r} {dt:.1f}s")
        before = stats("10.9.0.2")
        r1 = udp_ask("10.9.0.2", 8080, b"one")
        time.sleep(3)
        r2 = udp_ask("10.9.0.2", 8080, b"two")
        after = stats("10.9.0.2")
        check("arp_expires_and_re_resolves",
              r1 == b"one" and r2 == b"two" and
              after.get("arp_expired", 0) > before.get("arp_expired", 0) and
              after.get("arp_resolved", 0) > before.get("arp_resolved", 0),
              f"{r1} {r2} {before} {after}")
    finally:
        m.stop()
        proxy.kill()
        proxy.wait()


def phase_d(tmp):
    """No TAP: UDP is the hosted platform's host sockets, and the resolver
    runs over them unchanged (dnsmasq also listens on 127.0.0.1)."""
    m = Mote("nettest", ["dns=127.0.0.1"], tmp, "hostudp", tap=False)
    try:
        m.wait_log(r"netapp: ready", 10)
        a = ctl("127.0.0.1", "resolve host.test")
        b = ctl("127.0.0.1", "resolve nope.test")
        check("dns_over_host_sockets", a.startswith("ok 10.9.0.77 ") and
              b == "err KERR_NOT_FOUND", f"{a!r} {b!r}")
    finally:
        m.stop()


def main():
    if len(sys.argv) != 1:
        sys.exit(__doc__)
    t0 = time.time()
    dns = None
    with tempfile.TemporaryDirectory(prefix="mote-net-") as tmp:
        try:
            setup()
            phase_a(tmp)
            dns = phase_b(tmp)
            phase_c(tmp)
            phase_d(tmp)
        except Exception as e:  # a broken harness is a failure, not a skip
            check("harness", False, repr(e))
        finally:
            if dns:
                dns.terminate()
                dns.wait()
            sh("ip", "netns", "del", NS)
    log(f"net-test: {time.time() - t0:.0f}s")
    ok = sum(results)
    log(f"{ok} passed, {len(results) - ok} failed")
    sys.exit(0 if ok == len(results) else 1)


if __name__ == "__main__":
    main()
