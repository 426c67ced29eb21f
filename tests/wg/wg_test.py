#!/usr/bin/env python3
"""mote's WireGuard against Linux's: wireguard-go and wireguard-tools in a
network namespace (the host kernel has no WireGuard module).

Usage: wg_test.py [--platform hosted[,x64][,arm64]]   (root; `make wg-test`
builds the kernels first: APP=wgtest from tests/wg/wgapp.c; VMs under TCG)

For each platform the script makes a namespace (mote-wg-PID-PLATFORM) with
a TAP device tap0 (10.9.0.1/24; the kernel is 10.9.0.2) and re-runs itself
inside it (--inner), where it starts wireguard-go on wg0 (10.77.0.1/24,
UDP 51821) and boots the kernel on tap0 with its WireGuard configuration
as the boot argument wg= (tunnel address 10.77.0.2, UDP 51820, a preshared
key). Checks, each asserting what a broken implementation would get wrong:

  keys       tools/wg-keys makes a key pair `wg pubkey` agrees with
  handshake  Linux initiates: ping 10.77.0.2 through the tunnel
  echo       UDP echo through the tunnel, byte for byte, 0..1392 bytes
             (the largest that fits wg0's MTU 1420)
  mote_ping  mote's ICMP echo client pings Linux's tunnel address: the
             reply arrives (RTT printed) as WireGuard data packets; pings to an address with no peer and to one with no
             route get no reply and are reported as failures
  only       wg_only=7777: port 7777 answers through the tunnel only, and
             sends from it leave only through the tunnel
  replay     a captured data packet sent again: dropped and counted, no
             second answer; tampered and truncated copies likewise
  reorder    three data packets held by a relay and delivered 3, 1, 2: all
             accepted and answered; the first once more: a replay
  flood      200 initiations with a valid mac1 from a stranger: cookie
             replies, the under-load mode, and the tunnel keeps working
  wrongkey   a wireguard-go peer with a key mote does not know: never a
             single packet back
  roaming    Linux changes its UDP port: mote answers at the new one
  rekey      Linux drops its session and handshakes again: mote rotates
             to the new keypair and the tunnel works on
  initiate   a fresh kernel sends first: mote initiates, the packet it
             staged arrives at a Linux socket
  rekey_timer the same kernel with Rekey-After-Time cut to 3 s (wg_rekey=3):
             it rekeys as the initiator and rotates to the new keys
  cookie     a kernel always under load (wg_load=0): wireguard-go gets a
             cookie reply, retries with mac2, and the handshake completes
  sandbox    (hosted) a Wasm guest granted `udp wg:7000` answers through
             the tunnel only, and cannot send to the outer side
  kvd_only_tunnel (hosted) apps/kvd with wg_only=7000 answers through the
             tunnel only, and stays closed when its configuration is refused
  mote_to_mote (hosted) two kernels, a tunnel between them: a datagram
             across, and the ICMP port unreachable back, both encrypted
  walkthrough (hosted) docs/wireguard.md's "Bringing up a tunnel from
             Linux" as written: mote.conf and wg0.conf taken from the page,
             its `make run` and `wg-quick up` commands, ping and UDP echo
             to mote's tunnel address, `wg-quick down`

Prints PASS/FAIL per check and ends with "N passed, N failed".
"""
import argparse
import hashlib
import os
import random
import shlex
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HOST, MOTE = "10.9.0.1", "10.9.0.2"
LTUN, MTUN = "10.77.0.1", "10.77.0.2"
LPORT, MPORT = 51821, 51820
BOOT_S = {"hosted": 10, "x64": 60, "arm64": 60}
results = []


def log(msg):
    print(msg, flush=True)


def check(name, ok, why=""):
    results.append(bool(ok))
    log(f"PASS {PLAT}/{name}" if ok else f"FAIL {PLAT}/{name}: {why}")
    return ok


def sh(*args, check_rc=False, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True, **kw)
    if check_rc and r.returncode:
        raise RuntimeError(f"{' '.join(args)}: {r.stderr.strip()}")
    return r


def genkey():
    priv = sh("wg", "genkey", check_rc=True).stdout.strip()
    pub = sh("wg", "pubkey", input=priv + "\n", check_rc=True).stdout.strip()
    return priv, pub


def ask(ip, port, data, timeout=2.0, bind=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        if bind:
            s.bind(bind)
        s.settimeout(timeout)
        s.sendto(data, (ip, port))
        return s.recvfrom(65536)[0]
    except (socket.timeout, ConnectionRefusedError):
        return None
    finally:
        s.close()


def ping(ip, count=3, wait=2):
    r = sh("ping", "-c", str(count), "-i", "0.2", "-W", str(wait), ip)
    for line in r.stdout.splitlines():
        if "received" in line:
            return int(line.split(",")[1].split()[0])
    return 0


class Sniffer:
    """UDP packets on tap0 (both directions), from an AF_PACKET socket:
    (src, sport, dst, dport, payload) tuples."""

    def __init__(self, iface="tap0"):
        # ETH_P_ALL: a socket for one protocol sees only what comes in.
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        self.s.bind((iface, 0))
        self.s.settimeout(0.1)
        self.pkts, self.stop = [], False
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        while not self.stop:
            try:
                f = self.s.recv(65536)
            except socket.timeout:
                continue
            ip = f[14:]
            if f[12:14] != b"\x08\x00" or len(ip) < 28 or ip[9] != 17:
                continue
            hl = (ip[0] & 15) * 4
            total = struct.unpack(">H", ip[2:4])[0]
            u = ip[hl:total]
            sport, dport = struct.unpack(">HH", u[:4])
            self.pkts.append((socket.inet_ntoa(ip[12:16]), sport,
                              socket.inet_ntoa(ip[16:20]), dport, bytes(u[8:])))

    def close(self):
        self.stop = True
        self.t.join()
        self.s.close()
        return self.pkts


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f">{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def raw_udp(src, sport, dst, dport, payload):
    """Send a datagram from any source address and port (the port may be
    wireguard-go's own): a raw IPv4 socket with our own header."""
    ulen = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(">BBH", 0, 17, ulen)
    u = struct.pack(">HHHH", sport, dport, ulen, 0) + payload
    c = cksum(pseudo + u) or 0xffff
    u = u[:6] + struct.pack(">H", c) + u[8:]
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + ulen, random.randrange(65536),
                    0x4000, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack(">H", cksum(h)) + h[12:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(h + u, (dst, 0))
    s.close()


class Linux:
    """wireguard-go on one interface, configured with wg(8)."""

    def __init__(self, name, addr, port, tmp):
        self.name, self.port = name, port
        self.priv, self.pub = genkey()
        self.keyfile = os.path.join(tmp, name + ".key")
        with open(self.keyfile, "w") as f:
            f.write(self.priv + "\n")
        env = dict(os.environ, WG_PROCESS_FOREGROUND="1", LOG_LEVEL="error")
        self.p = subprocess.Popen(["wireguard-go", "-f", name], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(f"/sys/class/net/{name}"):
                break
            time.sleep(0.05)
        sh("wg", "set", name, "private-key", self.keyfile, "listen-port", str(port), check_rc=True)
        sh("ip", "addr", "add", addr, "dev", name, check_rc=True)
        sh("ip", "link", "set", name, "up", "mtu", "1420", check_rc=True)

    def set_peer(self, pub, allowed, endpoint, psk=None, tmp=None):
        args = ["wg", "set", self.name, "peer", pub, "allowed-ips", allowed,
                "endpoint", endpoint]
        if psk:
            pskfile = os.path.join(tmp, self.name + ".psk")
            with open(pskfile, "w") as f:
                f.write(psk + "\n")
            args += ["preshared-key", pskfile]
        sh(*args, check_rc=True)

    def show(self, what):
        return sh("wg", "show", self.name, what).stdout

    def stop(self):
        self.p.terminate()
        self.p.wait()


class Mote:
    """A kernel on tap0, started with the platform's own command. (app) a
    sandbox manifest: its boot arguments go on the hosted command line (the
    build's ARGS are the guest's)."""

    def __init__(self, tmp, name, conf, extra="", app=None, ready="wgapp: ready",
                 tap="tap0", ip=MOTE):
        self.ip = ip
        self.log = os.path.join(tmp, f"{PLAT}-{name}.log")
        drive = os.path.join(tmp, f"{PLAT}-{name}.img")
        with open(drive, "wb") as f:
            f.truncate(1 << 20)
        args = (f"ip={ip}/24 wg={conf} wg_time={int(time.time())} "
                f"wg_only=7777 {extra}").strip()
        sbx = bool(app and app.endswith(".manifest"))
        what = ([f"APP={app}"] if sbx else [f"APP={app}", f"ARGS={args}"] if app else
                ["APP=wgtest", "APP_SRCS=tests/wg/wgapp.c", f"ARGS={args}"])
        out = sh("make", "-s", "--no-print-directory", f"PLATFORM={PLAT}", "WG_LAYER=1", *what,
                 f"DRIVE={drive}", f"NET=tap:{tap}", "ACCEL=tcg", "print-run",
                 cwd=ROOT, check_rc=True).stdout
        cmd = shlex.split(out.strip()) + (args.split() if sbx else [])
        self.f = open(self.log, "w")
        self.p = subprocess.Popen(cmd, cwd=ROOT, stdout=self.f,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        end = time.time() + BOOT_S[PLAT]
        self.ready = False
        while time.time() < end and self.p.poll() is None:
            if ready in self.text():
                self.ready = True
                break
            time.sleep(0.05)

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def stats(self):
        r = ask(self.ip, 8081, b"wg", timeout=3)
        out = {}
        for line in (r or b"").decode().splitlines():
            k, _, v = line.partition(" ")
            out[k] = int(v)
        return out

    def ctl(self, cmd):
        r = ask(self.ip, 8081, cmd.encode(), timeout=12)
        return r.decode() if r else ""

    def stop(self, show_log=False):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.f.close()
        if show_log:
            log("---- kernel log " + self.log)
            log("".join(self.text().splitlines(True)[-60:]))


def mote_conf(mpriv, lpub, psk, keepalive=0):
    c = (f"[Interface];PrivateKey={mpriv};ListenPort={MPORT};Address={MTUN}/24;"
         f"[Peer];PublicKey={lpub};PresharedKey={psk};AllowedIPs={LTUN}/32;"
         f"Endpoint={HOST}:{LPORT}")
    return c + (f";PersistentKeepalive={keepalive}" if keepalive else "")


def mac1_init(mote_pub_b64, body):
    import base64
    key = hashlib.blake2s(b"mac1----" + base64.b64decode(mote_pub_b64)).digest()
    return hashlib.blake2s(body, key=key, digest_size=16).digest()


def test_keys():
    r = subprocess.run([os.path.join(ROOT, "tools", "wg-keys")], capture_output=True,
                       text=True, cwd=ROOT)
    lines = r.stdout.split()
    ok = r.returncode == 0 and len(lines) == 2
    if ok:
        theirs = sh("wg", "pubkey", input=lines[0] + "\n").stdout.strip()
        ok = theirs == lines[1]
    check("keys", ok, f"wg-keys printed {r.stdout!r} {r.stderr!r}")
    return lines if ok else genkey()


def echo_sizes():
    rnd = random.Random(7)
    bad = []
    for n in (0, 1, 15, 16, 17, 100, 1000, 1391, 1392):
        data = bytes(rnd.randrange(256) for _ in range(n))
        if ask(MTUN, 8080, data) != data:
            bad.append(n)
    return bad


def data_packets(sn):
    return [p for p in sn.pkts if p[0] == HOST and p[3] == MPORT and p[4][:1] == b"\4"
            and len(p[4]) > 32]


def test_mote_ping(m):
    """mote's own echo client (net_icmp_ping_send) pings Linux's tunnel
    address: the reply must come back through the tunnel. Then an address
    in the tunnel's subnet that no peer's allowed-IPs covers, and one with
    no route at all: no reply, reported as a failure."""
    before = m.stats()
    sn = Sniffer()
    r = m.ctl(f"ping {LTUN}")
    time.sleep(0.2)
    sn.close()
    after = m.stats()
    # The request and the reply crossed tap0 as WireGuard transport data.
    out = [p for p in sn.pkts if p[0] == MOTE and p[3] == LPORT and p[4][:1] == b"\4"]
    back = [p for p in sn.pkts if p[2] == MOTE and p[3] == MPORT and p[4][:1] == b"\4"]
    parts = r.split()
    ok = (len(parts) == 3 and parts[0] == "reply" and parts[1] == LTUN and
          parts[2].isdigit() and
          after.get("tun_tx", 0) > before.get("tun_tx", 0) and
          after.get("tun_rx", 0) > before.get("tun_rx", 0) and out and back)
    if check("mote_ping", ok, f"answer {r!r}, stats before {before} after {after}, "
             f"{len(out)} data packets out, {len(back)} back"):
        log(f"     mote -> {LTUN} through the tunnel: RTT {int(parts[2])} us")
    r1 = m.ctl("ping 10.77.0.99")   # tunnel subnet, no peer
    r2 = m.ctl("ping 192.0.2.1")    # outside every subnet, no gateway
    st = m.stats()
    check("mote_ping/no_peer", r1 == "ping failed KERR_TIMEOUT" and
          st.get("tx_no_peer", 0) > after.get("tx_no_peer", 0) and
          r2.startswith("ping failed KERR_"),
          f"10.77.0.99: {r1!r}, 192.0.2.1: {r2!r}, stats {st}")


def test_replay(m):
    sn = Sniffer()
    got = ask(MTUN, 8080, b"replay me")
    time.sleep(0.2)
    sn.close()
    pkts = data_packets(sn)
    if not check("replay/captured", got == b"replay me" and pkts, "no data packet seen"):
        return
    src, sport, dst, dport, payload = pkts[-1]
    before = m.stats()
    sn = Sniffer()
    raw_udp(src, sport, dst, dport, payload)
    time.sleep(0.5)
    sn.close()
    after = m.stats()
    answers = [p for p in sn.pkts if p[0] == MOTE and p[3] == LPORT and p[4][:1] == b"\4"]
    check("replay/dropped", after.get("peer_drop_replay", 0) == before.get("peer_drop_replay", 0) + 1
          and after.get("peer_rx_packets") == before.get("peer_rx_packets") and not answers,
          f"before {before} after {after}, {len(answers)} answers")
    tampered = bytearray(payload)
    tampered[20] ^= 1
    raw_udp(src, sport, dst, dport, bytes(tampered))
    raw_udp(src, sport, dst, dport, payload[:-5])
    raw_udp(src, sport, dst, dport, payload[:20])
    time.sleep(0.5)
    a2 = m.stats()
    check("replay/tampered+truncated",
          a2.get("peer_drop_auth", 0) == after.get("peer_drop_auth", 0) + 2 and
          a2.get("rx_bad_len", 0) == after.get("rx_bad_len", 0) + 1 and
          a2.get("peer_rx_packets") == after.get("peer_rx_packets"),
          f"after {after} then {a2}")


def test_reorder(m, lx, mote_pub):
    """Linux's endpoint for mote becomes a relay of ours (10.9.0.3): three
    data packets are held and handed to mote in the order 3, 1, 2, with
    wireguard-go's own source address. All three are accepted (inside the
    window) and answered; the first sent once more is a replay."""
    relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    relay.bind(("10.9.0.3", MPORT))
    relay.settimeout(2)
    sh("wg", "set", lx.name, "peer", mote_pub, "endpoint", f"10.9.0.3:{MPORT}", check_rc=True)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.settimeout(3)
    held, answers = [], set()
    try:
        before = m.stats()
        for i in range(3):
            client.sendto(b"order %d" % i, (MTUN, 8080))
        while len(held) < 3:
            try:
                data, src = relay.recvfrom(2048)
            except socket.timeout:
                break
            if data[:1] == b"\4" and len(data) > 32:
                held.append((data, src))
        if len(held) == 3:
            for i in (2, 0, 1):
                raw_udp(HOST, held[i][1][1], MOTE, MPORT, held[i][0])
                time.sleep(0.05)
            for _ in range(3):
                try:
                    answers.add(client.recvfrom(100)[0])
                except socket.timeout:
                    break
            raw_udp(HOST, held[0][1][1], MOTE, MPORT, held[0][0])
            time.sleep(0.3)
        after = m.stats()
    finally:
        sh("wg", "set", lx.name, "peer", mote_pub, "endpoint", f"{MOTE}:{MPORT}")
        relay.close()
        client.close()
    check("reorder", len(held) == 3 and answers == {b"order 0", b"order 1", b"order 2"} and
          after.get("peer_rx_packets", 0) == before.get("peer_rx_packets", 0) + 3 and
          after.get("peer_drop_replay", 0) == before.get("peer_drop_replay", 0) + 1,
          f"{len(held)} held, answers {sorted(answers)}, before {before}, after {after}")


def test_only(m):
    before = m.stats()
    outer = ask(MOTE, 7777, b"outer", timeout=1)
    inner = ask(MTUN, 7777, b"inner")
    after = m.stats()
    check("only/receive", outer is None and inner == b"inner" and
          after.get("tun_port_drops", 0) == before.get("tun_port_drops", 0) + 1,
          f"outer {outer!r} inner {inner!r} stats {after}")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    s.settimeout(1)
    r1 = m.ctl(f"send {HOST} {s.getsockname()[1]} escape")
    try:
        leaked = s.recvfrom(100)
    except socket.timeout:
        leaked = None
    s.close()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((LTUN, 0))
    s.settimeout(3)
    r2 = m.ctl(f"send {LTUN} {s.getsockname()[1]} inside")
    try:
        got = s.recvfrom(100)
    except socket.timeout:
        got = None
    s.close()
    check("only/send", r1 == "sent KERR_UNREACHABLE" and leaked is None and
          r2 == "sent KERR_OK" and got == (b"inside", (MTUN, 7777)),
          f"{r1!r} {leaked!r} {r2!r} {got!r}")


def test_flood(m, mote_pub):
    before = m.stats()
    sn = Sniffer()
    stranger = ("10.9.0.3", 40000)

    def flood():  # 200 in about a second: a VM's NIC ring keeps up
        for i in range(200):
            body = bytes([1, 0, 0, 0]) + struct.pack("<I", i) + os.urandom(108)
            msg = body + mac1_init(mote_pub, body) + bytes(16)
            raw_udp(stranger[0], stranger[1], MOTE, MPORT, msg)
            time.sleep(0.005)
    t = threading.Thread(target=flood)
    t.start()
    time.sleep(0.2)
    during = []
    for i in range(3):
        during.append(ask(MTUN, 8080, b"still here %d" % i, timeout=1) == b"still here %d" % i)
        time.sleep(0.1)
    t.join()
    time.sleep(0.5)
    sn.close()
    after = m.stats()
    cookies = [p for p in sn.pkts if p[0] == MOTE and p[2] == stranger[0] and
               p[4][:1] == b"\3" and len(p[4]) == 64]
    others = [p for p in sn.pkts if p[0] == MOTE and p[2] == stranger[0] and p[4][:1] != b"\3"]
    sent = after.get("cookies_tx", 0) - before.get("cookies_tx", 0)
    check("flood/cookies", sent >= 100 and 10 <= len(cookies) <= sent and not others and
          after.get("under_load_events", 0) > before.get("under_load_events", 0) and
          after.get("rx_hs_failed", 0) - before.get("rx_hs_failed", 0) < 60,
          f"{sent} cookie replies sent, {len(cookies)} seen, {len(others)} others, "
          f"stats {after}")
    check("flood/tunnel_works", sum(during) >= 2, f"echoes during the flood: {during}")
    # Out of the under-load mode again before the next checks (a VM under
    # TCG may still be working through the flood).
    end = time.time() + 20
    while time.time() < end and m.stats().get("under_load", 1):
        time.sleep(0.3)
    time.sleep(0.2)


def test_wrongkey(m, mote_pub, tmp):
    before = m.stats()
    w = Linux("wg1", "10.78.0.1/24", 51822, tmp)
    try:
        w.set_peer(mote_pub, "10.78.0.2/32", f"{MOTE}:{MPORT}")
        sn = Sniffer()
        n = ping("10.78.0.2", count=2, wait=1)
        time.sleep(0.5)
        sn.close()
        back = [p for p in sn.pkts if p[0] == MOTE and p[3] == 51822]
        sent = [p for p in sn.pkts if p[1] == 51822 and p[2] == MOTE]
        after = m.stats()
        check("wrongkey", n == 0 and sent and not back and
              after.get("rx_hs_failed", 0) > before.get("rx_hs_failed", 0),
              f"{n} pings answered, {len(sent)} sent, {len(back)} back, stats {after}")
    finally:
        w.stop()


def test_roaming(m, lx):
    sh("wg", "set", lx.name, "listen-port", "51831", check_rc=True)
    got = ask(MTUN, 8080, b"roamed", timeout=3)
    st = m.stats()
    check("roaming", got == b"roamed" and st.get("peer_endpoint_port") == 51831,
          f"echo {got!r}, mote's endpoint port {st.get('peer_endpoint_port')}")


def test_rekey(m, lx, mote_pub, psk, tmp):
    before = m.stats()
    sh("wg", "set", lx.name, "peer", mote_pub, "remove", check_rc=True)
    lx.set_peer(mote_pub, f"{MTUN}/32", f"{MOTE}:{MPORT}", psk, tmp)
    got = [ask(MTUN, 8080, b"rekeyed %d" % i, timeout=3) for i in range(3)]
    after = m.stats()
    check("rekey", got == [b"rekeyed %d" % i for i in range(3)] and
          after.get("peer_handshakes", 0) == before.get("peer_handshakes", 0) + 1 and
          after.get("peer_inits_rx", 0) == before.get("peer_inits_rx", 0) + 1,
          f"echoes {got}, stats before {before} after {after}")


def fresh_peer(lx, mote_pub, psk, tmp):
    sh("wg", "set", lx.name, "peer", mote_pub, "remove", check_rc=True)
    lx.set_peer(mote_pub, f"{MTUN}/32", f"{MOTE}:{MPORT}", psk, tmp)


def inner(tmp):
    for cmd in (["ip", "link", "set", "lo", "up"],
                ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
                ["ip", "addr", "add", f"{HOST}/24", "dev", "tap0"],
                ["ip", "addr", "add", "10.9.0.3/24", "dev", "tap0"],
                ["ip", "link", "set", "tap0", "up"]):
        sh(*cmd, check_rc=True)
    mpriv, mpub = test_keys()
    psk = sh("wg", "genpsk", check_rc=True).stdout.strip()
    lx = Linux("wg0", f"{LTUN}/24", LPORT, tmp)
    lx.set_peer(mpub, f"{MTUN}/32", f"{MOTE}:{MPORT}", psk, tmp)
    motes = []
    try:
        m = Mote(tmp, "main", mote_conf(mpriv, lx.pub, psk))
        motes.append(m)
        if not check("boot", m.ready, "no ready line"):
            return
        n = ping(MTUN)
        hs = lx.show("latest-handshakes").split()
        check("handshake", n == 3 and len(hs) == 2 and int(hs[1]) > 0,
              f"{n}/3 pings, latest-handshakes {hs}")
        bad = echo_sizes()
        check("echo", not bad, f"sizes that failed: {bad}")
        test_mote_ping(m)
        test_only(m)
        test_replay(m)
        test_reorder(m, lx, mpub)
        test_flood(m, mpub)
        test_wrongkey(m, mpub, tmp)
        test_roaming(m, lx)
        test_rekey(m, lx, mpub, psk, tmp)
        failed = results.count(False)
        m.stop(show_log=failed > 0)

        # A fresh kernel speaks first, to the endpoint in its configuration.
        sh("wg", "set", lx.name, "listen-port", str(LPORT), check_rc=True)
        fresh_peer(lx, mpub, psk, tmp)
        m = Mote(tmp, "initiate", mote_conf(mpriv, lx.pub, psk), "wg_rekey=3")
        motes.append(m)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((LTUN, 0))
        s.settimeout(5)
        r = m.ctl(f"send {LTUN} {s.getsockname()[1]} first") if m.ready else ""
        try:
            got = s.recvfrom(100)
        except socket.timeout:
            got = None
        st = m.stats()
        check("initiate", got == (b"first", (MTUN, 7777)) and r == "sent KERR_OK" and
              st.get("peer_inits_tx", 0) >= 1 and st.get("peer_resps_rx", 0) >= 1 and
              st.get("peer_inits_rx", 0) == 0,
              f"reply {r!r}, got {got!r}, stats {st}")
        # wg_rekey=3: a send on keys older than 3 s starts a new handshake
        # (it still goes out on the old keys); the next ones use the new.
        time.sleep(3.2)
        got = []
        for word in ("second", "third", "fourth"):
            m.ctl(f"send {LTUN} {s.getsockname()[1]} {word}")
            try:
                got.append(s.recvfrom(100)[0])
            except socket.timeout:
                got.append(None)
            time.sleep(0.5)
        s.close()
        st2 = m.stats()
        check("rekey_timer", got == [b"second", b"third", b"fourth"] and
              st2.get("peer_handshakes", 0) == st.get("peer_handshakes", 0) + 1 and
              st2.get("peer_resps_rx", 0) == st.get("peer_resps_rx", 0) + 1,
              f"got {got}, stats before {st} after {st2}")
        m.stop(show_log=results.count(False) > failed)
        failed = results.count(False)

        # Always under load: the first initiation gets a cookie reply.
        fresh_peer(lx, mpub, psk, tmp)
        m = Mote(tmp, "cookie", mote_conf(mpriv, lx.pub, psk), "wg_load=0")
        motes.append(m)
        ok = m.ready and ping(MTUN, count=1, wait=15) == 1
        st = m.stats()
        check("cookie", ok and st.get("cookies_tx", 0) >= 1 and
              st.get("peer_handshakes", 0) >= 1,
              f"ping {'answered' if ok else 'unanswered'}, stats {st}")
        m.stop(show_log=results.count(False) > failed)
        test_sandbox(tmp, mpriv, mpub, lx, psk)
        test_kvd(tmp, mpriv, mpub, lx, psk)
        test_m2m(tmp)
    finally:
        for m in motes:
            m.stop()
        lx.stop()


def test_kvd(tmp, mpriv, mpub, lx, psk):
    """apps/kvd with wg_only=7000 answers through the tunnel only; and with
    a configuration that is refused, port 7000 stays closed."""
    if PLAT != "hosted":
        return
    fresh_peer(lx, mpub, psk, tmp)
    m = Mote(tmp, "kvd", mote_conf(mpriv, lx.pub, psk), "wg_only=7000", app="kvd",
             ready="kvd: ready")
    try:
        time.sleep(0.5)
        outer = ask(MOTE, 7000, b"1 PUT a b", timeout=1.5)
        inner = ask(MTUN, 7000, b"2 PUT a b", timeout=5)
        ok = m.ready and outer is None and inner == b"2 OK"
        m.stop(show_log=not ok)
    finally:
        m.stop()
    m = Mote(tmp, "kvd-bad", "[Interface];PrivateKey=broken", "wg_only=7000", app="kvd",
             ready="kvd: ready")
    try:
        time.sleep(0.5)
        closed = ask(MOTE, 7000, b"3 PUT a b", timeout=1.5)
        refused = "wg: refused boot argument wg=: line 2: PrivateKey" in m.text()
    finally:
        m.stop()
    check("kvd_only_tunnel", ok and closed is None and refused,
          f"outer {outer!r}, tunnel {inner!r}, with a refused config {closed!r}, "
          f"refusal logged {refused}")


def test_m2m(tmp):
    """Two kernels with a tunnel between them (hosted: two TAP devices on a
    bridge, 10.9.2.2 and 10.9.2.3; tunnel 10.77.9.2 <-> 10.77.9.3). A sends
    a datagram through the tunnel to a closed port of B; B's ICMP port
    unreachable comes back through the tunnel. No Linux WireGuard at all."""
    if PLAT != "hosted":
        return
    for cmd in (["ip", "link", "add", "br1", "type", "bridge"],
                ["ip", "addr", "add", "10.9.2.1/24", "dev", "br1"],
                ["ip", "link", "set", "br1", "up"]):
        sh(*cmd, check_rc=True)
    for t in ("tap1", "tap2"):
        sh("ip", "tuntap", "add", "dev", t, "mode", "tap", check_rc=True)
        sh("ip", "link", "set", t, "master", "br1", check_rc=True)
        sh("ip", "link", "set", t, "up", check_rc=True)
    (apriv, apub), (bpriv, bpub) = genkey(), genkey()
    psk = sh("wg", "genpsk", check_rc=True).stdout.strip()

    def conf(priv, me, peer_pub, peer, peer_ip):
        return (f"[Interface];PrivateKey={priv};ListenPort={MPORT};Address={me}/24;"
                f"[Peer];PublicKey={peer_pub};PresharedKey={psk};AllowedIPs={peer}/32;"
                f"Endpoint={peer_ip}:{MPORT}")
    a = Mote(tmp, "m2m-a", conf(apriv, "10.77.9.2", bpub, "10.77.9.3", "10.9.2.3"),
             "mac=02:6d:6f:74:65:0a", tap="tap1", ip="10.9.2.2")
    b = Mote(tmp, "m2m-b", conf(bpriv, "10.77.9.3", apub, "10.77.9.2", "10.9.2.2"),
             "mac=02:6d:6f:74:65:0b", tap="tap2", ip="10.9.2.3")
    try:
        r = a.ctl("send 10.77.9.3 9 across") if a.ready and b.ready else ""
        time.sleep(1)
        sa, sb = a.stats(), b.stats()
        ok = (r == "sent KERR_OK" and sa.get("peer_handshakes", 0) == 1 and
              sb.get("peer_handshakes", 0) == 1 and sa.get("peer_inits_tx", 0) >= 1 and
              sb.get("peer_inits_rx", 0) >= 1 and sb.get("tun_rx", 0) >= 1 and
              sb.get("tun_tx", 0) >= 1 and sa.get("tun_rx", 0) >= 1)
        check("mote_to_mote", ok, f"send {r!r}, A {sa}, B {sb}")
        a.stop(show_log=not ok)
        b.stop(show_log=not ok)
    finally:
        a.stop()
        b.stop()


def test_sandbox(tmp, mpriv, mpub, lx, psk):
    """tests/wg/tunnel.manifest: a Wasm guest granted udp wg:7000 answers
    through the tunnel, hears nothing from outside, and its sends to the
    outer side are refused."""
    if PLAT != "hosted":
        return  # the guest's boot arguments ride on the hosted command line
    fresh_peer(lx, mpub, psk, tmp)
    m = Mote(tmp, "sandbox", mote_conf(mpriv, lx.pub, psk),
             app="tests/wg/tunnel.manifest", ready="wg: interface")
    try:
        time.sleep(0.3)
        outer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        outer.bind((HOST, 0))
        outer.settimeout(1.5)
        port = outer.getsockname()[1]
        via_outer = ask(MOTE, 7000, str(port).encode(), timeout=1.5)
        via_tunnel = ask(MTUN, 7000, str(port).encode(), timeout=5)
        try:
            leaked = outer.recvfrom(100)
        except socket.timeout:
            leaked = None
        outer.close()
        ok = (m.ready and via_outer is None and via_tunnel is not None and
              via_tunnel.startswith(b"leak=") and via_tunnel != b"leak=0" and
              leaked is None)
        check("sandbox", ok, f"outer answer {via_outer!r}, tunnel answer {via_tunnel!r}, "
              f"outer side got {leaked!r}")
        m.stop(show_log=not ok)
    finally:
        m.stop()


def doc_walkthrough():
    """From docs/wireguard.md's walkthrough: the mote.conf and wg0.conf
    blocks and the "# " command lines, in page order."""
    import re
    text = open(os.path.join(ROOT, "docs", "wireguard.md")).read()
    a = text.index("## Bringing up a tunnel from Linux")
    text = text[a:text.index("\n## ", a + 1)]
    blocks = re.findall(r"```\n(.*?)```", text, re.S)
    confs = [b for b in blocks if b.lstrip().startswith("[Interface]")]
    cmds = [ln.strip()[2:] for b in blocks for ln in b.splitlines()
            if ln.strip().startswith(("# ", "$ "))]
    return confs, cmds


def test_walkthrough(tmp):
    """docs/wireguard.md's walkthrough, step by step, with the page's own
    files and commands (placeholders filled in with fresh keys)."""
    confs, cmds = doc_walkthrough()
    want = ["ip tuntap add", "ip addr add", "ip link set", "make run",
            "WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go wg-quick up ./wg0.conf",
            "ping", "echo hello", "wg-quick down ./wg0.conf"]
    steps = [c for c in cmds if not c.startswith(("tools/wg-keys", "wg genkey"))]
    if not check("walkthrough/doc", len(confs) == 2 and len(steps) == len(want) and
                 all(c.startswith(w) for c, w in zip(steps, want)),
                 f"{len(confs)} configuration blocks, commands {steps}"):
        return
    # Free the names and addresses the page uses (the suite's own tap0 and
    # wireguard-go's wg0 are gone with their processes; tap0 stays).
    sh("ip", "link", "del", "tap0")
    for _ in range(100):
        if not os.path.exists("/sys/class/net/wg0"):
            break
        time.sleep(0.05)
    # wireguard-go's control socket lives in /run/wireguard, shared with
    # the host: give this namespace's mount namespace its own.
    os.makedirs("/run/wireguard", exist_ok=True)
    sh("mount", "-t", "tmpfs", "tmpfs", "/run/wireguard", check_rc=True)
    work = os.path.join(tmp, "walkthrough")
    os.makedirs(work)
    mpriv, mpub = sh(os.path.join(ROOT, "tools", "wg-keys"), check_rc=True).stdout.split()
    lpriv, lpub = genkey()
    fill = {"<mote's private key>": mpriv, "<linux.pub>": lpub,
            "<linux.key>": lpriv, "<mote's public key>": mpub}
    for name, text in zip(("mote.conf", "wg0.conf"), confs):
        for k, v in fill.items():
            text = text.replace(k, v)
        with open(os.path.join(work, name), "w") as f:
            f.write(text)
    os.chmod(os.path.join(work, "wg0.conf"), 0o600)
    # make run: from the repository, its mote.conf ours, its drive in tmp.
    for c in steps[:3]:
        sh("bash", "-c", c, check_rc=True)
    run = shlex.split(steps[3]) + [f"DRIVE={work}/drive.img"]
    run = [a.replace("WG=mote.conf", f"WG={work}/mote.conf") for a in run]
    logf = open(os.path.join(work, "mote.log"), "w")
    m = subprocess.Popen(run, cwd=ROOT, stdout=logf, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)
    up = None
    try:
        end = time.time() + 180  # it builds the kernel first
        text = ""
        while time.time() < end and m.poll() is None:
            text = open(logf.name, errors="replace").read()
            if "mote echo:" in text and "wg: interface 10.77.0.2/24" in text:
                break
            time.sleep(0.2)
        booted = "wg: interface 10.77.0.2/24 port 51820, 1 peer(s)" in text
        up = subprocess.run(["bash", "-c", steps[4]], cwd=work, capture_output=True,
                            text=True)
        pr = subprocess.run(["bash", "-c", steps[5]], capture_output=True, text=True)
        n = 0
        for line in pr.stdout.splitlines():
            if "received" in line:
                n = int(line.split(",")[1].split()[0])
        echo = subprocess.run(["bash", "-c", steps[6]], capture_output=True,
                              text=True).stdout
        for line in pr.stdout.splitlines():
            if line.startswith("rtt"):
                log(f"     walkthrough ping: {line}")
        hs = sh("wg", "show", "wg0", "latest-handshakes").stdout.split()
        check("walkthrough", booted and up.returncode == 0 and n == 3 and
              echo == "hello\n" and len(hs) == 2 and int(hs[1]) > 0,
              f"booted {booted}, wg-quick up rc {up.returncode} {up.stderr[-300:]!r}, "
              f"{n}/3 pings, echo {echo!r}, handshakes {hs}")
        down = subprocess.run(["bash", "-c", steps[7]], cwd=work, capture_output=True,
                              text=True)
        gone = False
        for _ in range(100):
            if not os.path.exists("/sys/class/net/wg0"):
                gone = True
                break
            time.sleep(0.05)
        check("walkthrough/down", down.returncode == 0 and gone and ping(MTUN, count=1, wait=1) == 0,
              f"wg-quick down rc {down.returncode} {down.stderr[-300:]!r}, wg0 gone {gone}")
    finally:
        if m.poll() is None:
            os.killpg(m.pid, 15)
            try:
                m.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(m.pid, 9)
                m.wait()
        logf.close()
        if results.count(False):
            log("---- walkthrough log")
            log("".join(open(logf.name, errors="replace").readlines()[-40:]))


def outer(plats):
    global PLAT
    total_ok = total_bad = 0
    for plat in plats:
        PLAT = plat
        ns = f"mote-wg-{os.getpid()}-{plat}"
        tmp = tempfile.mkdtemp(prefix=f"mote-wg-{plat}-")
        sh("ip", "netns", "add", ns, check_rc=True)
        try:
            r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, __file__,
                                "--inner", plat, tmp], stdout=subprocess.PIPE, text=True,
                               timeout=420)
            out = r.stdout
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            out += f"\nFAIL {plat}/suite: timed out\n"
        finally:
            # Whatever still runs in the namespace (wireguard-go, a kernel).
            pids = sh("ip", "netns", "pids", ns).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            sh("ip", "netns", "del", ns)
        for line in out.splitlines():
            if line.startswith("RESULT "):
                ok, bad = map(int, line.split()[1:])
                total_ok += ok
                total_bad += bad
            else:
                log(line)
        if "RESULT " not in out:
            total_bad += 1
    log(f"{total_ok} passed, {total_bad} failed")
    return 1 if total_bad else 0


PLAT = "hosted"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--platform", default="hosted")
    ap.add_argument("--inner", nargs=2)
    a = ap.parse_args()
    global PLAT
    if a.inner:
        PLAT = a.inner[0]
        try:
            inner(a.inner[1])
            if PLAT == "hosted":
                test_walkthrough(a.inner[1])
        except Exception as e:  # a broken setup is a failure, not a crash
            import traceback
            traceback.print_exc(file=sys.stdout)
            check("suite", False, repr(e))
        log(f"RESULT {results.count(True)} {results.count(False)}")
        return 0
    return outer(a.platform.split(","))


if __name__ == "__main__":
    sys.exit(main())
