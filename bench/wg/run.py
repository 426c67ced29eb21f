#!/usr/bin/env python3
"""WireGuard benchmarks (make bench BENCH=wg), each beside a peer measured
in the same run. Writes bench/results/wg.md.

1. Crypto on the host (bench/wg/crypto_bench.c): mote's ChaCha20-Poly1305
   at 64 B, 1420 B and 64 KiB, X25519, and complete handshakes, beside
   libsodium.
2. UDP echo through the tunnel, in a network namespace (tap0 10.9.0.1,
   the kernel 10.9.0.2, tunnel 10.77.0.1 <-> 10.77.0.2, wireguard-go on
   the Linux side), measured by bench/echo/udpload: p50/p99 of sequential
   64-byte round trips (WG_BENCH_COUNT, 3000) and datagrams/s with 32 in
   flight (WG_BENCH_SECONDS, 5). Rows, for each of WG_BENCH_PLATFORMS
   (hosted x64; x64 under TCG): mote's echo app on its plain address and
   through the tunnel. Reference row: the same echo through a
   wireguard-go <-> wireguard-go tunnel over a veth pair, with a plain
   Linux echo server (bench/wg/echo_any.c) behind it.
"""
import os
import shlex
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from benchlib import OUT, build_udpload, write_results  # noqa: E402

COUNT = int(os.environ.get("WG_BENCH_COUNT", 3000))
SECONDS = float(os.environ.get("WG_BENCH_SECONDS", 5))
PLATFORMS = os.environ.get("WG_BENCH_PLATFORMS", "hosted x64").split()
NS = f"mote-wgbench-{os.getpid()}"
PEER_NS = NS + "-peer"


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, check=check, **kw)


def ns(*args, check=True, **kw):
    return sh("ip", "netns", "exec", NS, *args, check=check, **kw)


def genkey():
    priv = sh("wg", "genkey").stdout.strip()
    return priv, sh("wg", "pubkey", input=priv + "\n").stdout.strip()


def crypto_rows():
    exe = os.path.join(OUT, "wg_crypto_bench")
    os.makedirs(OUT, exist_ok=True)
    subprocess.check_call(["clang", "-std=gnu11", "-O2", "-Iinclude", "-I.",
                           "bench/wg/crypto_bench.c", *sorted(
                               os.path.join("crypto", f) for f in os.listdir("crypto")
                               if f.endswith(".c")),
                           "net/wg_noise.c", "net/wg_replay.c", "-lsodium", "-o", exe],
                          cwd=ROOT)
    rows = []
    for line in subprocess.check_output([exe], text=True).splitlines():
        name, ours, theirs, unit = line.split()
        rows.append((name, float(ours), float(theirs), unit))
    return rows


def udpload(netns, *args, timeout):
    out = sh("ip", "netns", "exec", netns, os.path.join(OUT, "udpload"),
             *map(str, args), timeout=timeout, check=False).stdout
    return {k: float(v) for k, v in (kv.split("=") for kv in out.split())}


def wait_echo(target, deadline, netns=None):
    while time.time() < deadline:
        try:
            if udpload(netns or NS, "latency", 8080, 3, 64, target, timeout=10).get("lost", 3) < 3:
                return True
        except (subprocess.TimeoutExpired, ValueError):
            pass
        time.sleep(0.3)
    return False


def measure(target, netns=None):
    r = udpload(netns or NS, "latency", 8080, COUNT, 64, target, timeout=COUNT * 0.05 + 60)
    r.update(udpload(netns or NS, "rate", 8080, 32, SECONDS, 64, target, timeout=SECONDS + 60))
    return r


def mote_rows(plat, tmp, lpriv, lpub, mpriv, mpub):
    conf = (f"[Interface];PrivateKey={mpriv};ListenPort=51820;Address=10.77.0.2/24;"
            f"[Peer];PublicKey={lpub};AllowedIPs=10.77.0.1/32")
    drive = os.path.join(tmp, plat + ".img")
    with open(drive, "wb") as f:
        f.truncate(16 << 20)
    args = f"ip=10.9.0.2/24 wg={conf} wg_time={int(time.time())}"
    sh("make", "-s", "--no-print-directory", "-C", ROOT, f"PLATFORM={plat}", "APP=echo", "WG_LAYER=1", "kernel")
    cmd = sh("make", "-s", "--no-print-directory", "-C", ROOT, f"PLATFORM={plat}", "APP=echo", "WG_LAYER=1",
             f"DRIVE={drive}", "NET=tap:tap0", "ACCEL=tcg", f"ARGS={args}",
             "print-run").stdout.strip()
    log = open(os.path.join(tmp, plat + ".log"), "w")
    p = subprocess.Popen(["ip", "netns", "exec", NS, *shlex.split(cmd)], stdout=log,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    rows = []
    try:
        if not wait_echo("10.9.0.2", time.time() + 60):
            raise RuntimeError(f"{plat}: no echo")
        rows.append((f"mote {plat}, plain UDP", measure("10.9.0.2")))
        if not wait_echo("10.77.0.2", time.time() + 30):
            raise RuntimeError(f"{plat}: no echo through the tunnel")
        rows.append((f"mote {plat}, through the tunnel", measure("10.77.0.2")))
    finally:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
    return rows


def setup(tmp):
    sh("ip", "netns", "add", NS)
    sh("ip", "netns", "add", PEER_NS)
    for c in (["ip", "link", "set", "lo", "up"],
              ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
              ["ip", "addr", "add", "10.9.0.1/24", "dev", "tap0"],
              ["ip", "link", "set", "tap0", "up"],
              ["ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1",
               "netns", PEER_NS],
              ["ip", "addr", "add", "10.9.1.1/24", "dev", "veth0"],
              ["ip", "link", "set", "veth0", "up"]):
        ns(*c)
    for c in (["ip", "link", "set", "lo", "up"], ["ip", "addr", "add", "10.9.1.2/24", "dev", "veth1"],
              ["ip", "link", "set", "veth1", "up"]):
        sh("ip", "netns", "exec", PEER_NS, *c)


def wggo(netns, name, priv, port, addr, peer_pub, allowed, endpoint, tmp):
    env = dict(os.environ, WG_PROCESS_FOREGROUND="1", LOG_LEVEL="error")
    p = subprocess.Popen(["ip", "netns", "exec", netns, "wireguard-go", "-f", name], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    keyfile = os.path.join(tmp, name + ".key")
    with open(keyfile, "w") as f:
        f.write(priv + "\n")
    args = ["wg", "set", name, "private-key", keyfile, "listen-port", str(port), "peer",
            peer_pub, "allowed-ips", allowed]
    if endpoint:
        args += ["endpoint", endpoint]
    sh("ip", "netns", "exec", netns, *args)
    sh("ip", "netns", "exec", netns, "ip", "addr", "add", addr, "dev", name)
    sh("ip", "netns", "exec", netns, "ip", "link", "set", name, "up", "mtu", "1420")
    return p


def main():
    build_udpload()
    subprocess.check_call(["clang", "-O2", "-o", os.path.join(OUT, "echo_any"),
                           os.path.join(ROOT, "bench", "wg", "echo_any.c")])
    crypto = crypto_rows()
    tmp = tempfile.mkdtemp(prefix="mote-wgbench-")
    procs, echo_rows = [], []
    lpriv, lpub = genkey()
    mpriv, mpub = genkey()
    try:
        setup(tmp)
        procs.append(wggo(NS, "wg0", lpriv, 51821, "10.77.0.1/24", mpub, "10.77.0.2/32",
                          "10.9.0.2:51820", tmp))
        for plat in PLATFORMS:
            echo_rows += mote_rows(plat, tmp, lpriv, lpub, mpriv, mpub)
        # The reference: wireguard-go on both ends of a veth pair.
        apriv, apub = genkey()
        bpriv, bpub = genkey()
        procs.append(wggo(NS, "wg1", apriv, 51831, "10.78.0.1/24", bpub, "10.78.0.2/32",
                          "10.9.1.2:51832", tmp))
        procs.append(wggo(PEER_NS, "wg2", bpriv, 51832, "10.78.0.2/24", apub, "10.78.0.1/32",
                          None, tmp))
        procs.append(subprocess.Popen(["ip", "netns", "exec", PEER_NS,
                                       os.path.join(OUT, "echo_any"), "10.9.1.2", "8080"]))
        procs.append(subprocess.Popen(["ip", "netns", "exec", PEER_NS,
                                       os.path.join(OUT, "echo_any"), "10.78.0.2", "8080"]))
        if wait_echo("10.9.1.2", time.time() + 10):
            echo_rows.append(("Linux echo over veth, plain UDP", measure("10.9.1.2")))
        if wait_echo("10.78.0.2", time.time() + 20):
            echo_rows.append(("Linux echo, wireguard-go <-> wireguard-go", measure("10.78.0.2")))
    finally:
        for p in procs:
            p.terminate()
        for n in (NS, PEER_NS):
            for pid in sh("ip", "netns", "pids", n, check=False).stdout.split():
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            sh("ip", "netns", "del", n, check=False)
    lines = ["## Crypto on the host (one core)", "",
             "| operation | mote | libsodium | mote / libsodium |", "|---|---|---|---|"]
    names = {"aead_64": "ChaCha20-Poly1305 seal, 64 B", "aead_1420": "ChaCha20-Poly1305 seal, 1420 B",
             "aead_65536": "ChaCha20-Poly1305 seal, 64 KiB", "x25519": "X25519",
             "handshake": "complete handshake (both sides)",
             "handshake_ms": "one handshake, CPU time (both sides)"}
    for name, ours, theirs, unit in crypto:
        if unit == "bytes/s":
            o, t = f"{ours / 1e6:.0f} MB/s", f"{theirs / 1e6:.0f} MB/s"
        elif unit == "ms":
            o, t = f"{ours:.2f} ms", f"{theirs:.2f} ms (its 8 X25519 alone)"
        else:
            o, t = f"{ours:,.0f} {unit}", f"{theirs:,.0f} {unit}"
            if name == "handshake":
                t += " (8 X25519 alone)"
        ratio = theirs / ours if unit == "ms" else ours / theirs
        lines.append(f"| {names.get(name, name)} | {o} | {t} | {ratio:.2f} |")
    lines += ["", "## UDP echo through the tunnel (64-byte datagrams)", "",
              "| server | p50 | p99 | datagrams/s (32 in flight) | lost |", "|---|---|---|---|---|"]
    for name, r in echo_rows:
        lines.append(f"| {name} | {r.get('p50_us', 0):.0f} us | {r.get('p99_us', 0):.0f} us | "
                     f"{r.get('dgram_per_s', 0):,.0f} | {r.get('lost', 0):.0f} |")
    notes = """Crypto: mote's code is portable C built with -O2 as the kernel builds
it (no SIMD, 32-bit limbs in X25519 and Poly1305); libsodium picks its
SIMD/64-bit implementations for this CPU. A handshake is net/wg_noise.c's
own functions for both sides (8 X25519 operations; the static-static DH is
precomputed); libsodium has no WireGuard handshake, so its column is the
time of 8 of its X25519 operations.

Echo: the client is bench/echo/udpload in the namespace; the tunnel's Linux
end is wireguard-go (userspace; this host has no WireGuard module), so the
tunnel rows include wireguard-go's own cost on the client side. x64 runs
under TCG. All processes share the machine's CPUs with the client, so the
rates are noisy; compare rows of the same run."""
    print("\n".join(lines))
    print("wrote", write_results("wg", "WireGuard: crypto and tunnel echo",
                                 "make bench BENCH=wg", lines, notes))


if __name__ == "__main__":
    main()
