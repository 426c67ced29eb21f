#!/usr/bin/env python3
"""tests/sandbox: Wasm applications on the kernel, hosted and in QEMU.

Each scenario builds a kernel with APP=<manifest or .wasm> (the module
sources are compiled by tools/embed.py), boots it, and checks what it
printed, what it answered on UDP, and how it exited. SBX_PLATFORMS picks
the platforms (default: hosted x64 arm64); QEMU runs under TCG.
"""
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from motetest import Console, Results, echo_sizes, free_udp_port, main_guard, udp_roundtrip  # noqa

TMP = tempfile.mkdtemp(prefix="mote-sbx-")
PLATFORM = "hosted"  # the one being tested; main() loops over SBX_PLATFORMS
# Host exit status for guest exit code c (x86's isa-debug-exit: (c<<1)|1).
EXIT = {"x64": lambda c: (c << 1) | 1}


def exit_status(code):
    return EXIT.get(PLATFORM, lambda c: c)(code)


def make(*args):
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, *args,
                           f"PLATFORM={PLATFORM}"], check=True, text=True,
                          stdout=subprocess.PIPE).stdout.strip()


def build(app, args=None):
    """Build the kernel for (app); the command that boots a private copy,
    as a function of (drive, port, boot arguments)."""
    extra = [f"ARGS={args}"] if args else []
    make("kernel", f"APP={app}", *extra)
    kernel = os.path.join(TMP, f"{PLATFORM}-" + re.sub(r"\W", "_", app))
    shutil.copy(os.path.join(ROOT, make("print-kernel", f"APP={app}")), kernel)

    def cmd(drive=None, port=None, bootargs=""):
        if drive is None:
            drive = os.path.join(TMP, "unused.img")
            with open(drive, "wb") as f:
                f.truncate(1 << 20)
        run = make("print-run", f"APP={app}", f"DRIVE={drive}", f"PORT={port or free_udp_port()}",
                   "ACCEL=tcg", f"ARGS={bootargs}", *extra)
        run = run.replace(make("print-kernel", f"APP={app}"), kernel)
        return shlex.split(run)
    return cmd


def run_to_exit(cmd, timeout=60):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, (p.stdout + p.stderr).replace("\x1b", "")


def test_wasi_hello(r):
    k = build("apps/wasm/hello/hello.wasm", "3 b")
    rc, out = run_to_exit(k())
    r.check("wasi_args", "hello from wasi: argc=3 [3] [b]" in out, out)
    r.check("wasi_sleep_clock", "slept at least 20 ms" in out, out)
    r.check("wasi_random", "random bytes: ok" in out, out)
    r.check("wasi_exit_code", rc == exit_status(3) and "exited with code 3" in out,
            f"exit {rc}\n{out}")
    k = build("tests/sandbox/hello.manifest")
    rc, out = run_to_exit(k())
    r.check("wasi_manifest_args_env", "[7] [second]" in out and "env MODE=fast" in out
            and rc == exit_status(7), f"exit {rc}\n{out}")


def test_wasi_realtime(r):
    """WASI realtime is the wall clock: a wasi-libc program's time() and
    clock_gettime(CLOCK_REALTIME) against the host's clock (+-5 s; the
    RTCs under QEMU keep whole seconds), a resolution that is neither 0
    nor coarse, and an absolute CLOCK_REALTIME sleep that ends on time."""
    k = build("tests/sandbox/clock.wasm")
    before = time.time()
    try:
        rc, out = run_to_exit(k())
    except subprocess.TimeoutExpired as e:  # e.g. a sleep that never ends
        rc, out = None, f"no exit within {e.timeout} s"
    after = time.time()
    t = re.search(r"clock: time (-?\d+)", out)
    rt = re.search(r"clock: realtime (-?\d+\.\d+)", out)
    res = re.search(r"clock: realtime resolution (-?\d+) ns", out)
    slept = re.search(r"absolute sleep err (-?\d+), (-?\d+) ms monotonic, woke (-?\d+) ms", out)
    for name, m in (("time", t), ("clock_gettime", rt)):
        v = float(m[1]) if m else 0.0
        r.check(f"wasi_realtime_{name}", v != 0 and before - 5 <= v <= after + 5,
                f"guest says {v:.3f}, host {before:.3f}..{after:.3f}\n{out}")
    r.check("wasi_realtime_resolution", res and 0 < int(res[1]) <= 1000000, out)
    r.check("wasi_realtime_absolute_sleep",
            slept and slept[1] == "0" and 250 <= int(slept[2]) < 5000
            and 0 <= int(slept[3]) < 5000, out)
    r.check("wasi_realtime_exit", rc == exit_status(0), f"exit {rc}\n{out}")


def bigalloc_checksum(mib):
    """What tests/sandbox/bigalloc.c prints for (mib), computed here."""
    s = 0
    for i in range(0, mib << 20, 512):
        w = (i * 2654435761) & 0xffffffff if i % 4096 == 0 else 0x5a5a5a5a
        s = (s * 31 + w + 0x5a) & 0xffffffff
    return f"{s:08x}"


def test_big_memory(r):
    """A .wasm given alone gets a generous limit (issue 14): a plain
    wasi-libc program mallocs and touches 32 MiB; the limit is printed."""
    k = build("tests/sandbox/bigalloc.wasm", "32")
    rc, out = run_to_exit(k(), timeout=180)
    want = f"bigalloc: 32 MiB ok, checksum {bigalloc_checksum(32)}"
    r.check("wasm_32mib_malloc", want in out and rc == exit_status(0), f"exit {rc}\n{out}")
    m = re.search(r"memory limit (\d+) MiB \((\d+) pages\): ([^;]*)", out)
    r.check("wasm_memory_limit_printed", m is not None and int(m[1]) >= 40, out)


def test_echo(r, rng):
    k = build("apps/wasm/echo/echo.manifest")
    port = free_udp_port()
    vm = Console(k(port=port))
    ok = vm.wait_for("ready on udp port 8080", 60)
    r.check("wasm_echo_ready", ok is not None, vm.log)
    bad = echo_sizes(port, sorted(rng.sample(range(1, 1473), 200)) + [1, 1472], rng)
    r.check("wasm_echo_bytes", not bad, f"mismatched sizes {bad[:10]}")
    vm.stop()


PROBE_EXPECT = {
    "lookup_missing": -9, "forged_handle": 1, "zero_handle": 1, "negative_handle": 1,
    "missing_right_send": 14, "wrong_kind": 1, "bad_pointer": 1, "bad_peer_pointer": 1,
    "oversize_udp": 12, "oversize_random": 12, "dup_more_rights": -14,
    "dup_without_dup_right": -14, "dup_ok_positive": 1, "close_dup": 0, "use_closed": 1,
    "close_twice": 1, "transfer_without_right": 14, "too_many_handles": 1,
    "blk_write_read_only": 14, "blk_read_past_region": 1, "blk_read_unaligned_len": 1,
    "timer_ok": 0, "random_ok": 0, "blk_read_ok": 0, "cancel_missing": 9,
    "recv_then_cancel": 0, "cancel_ok": 0,
}
PROBE_DONE = {"100": "0 0", "101": "0 32", "102": "0 512", "103": "4 0"}


def test_probe(r):
    k = build("tests/sandbox/probe.manifest")
    image = os.path.join(TMP, "probe.img")
    with open(image, "wb") as f:
        f.truncate(1 << 20)
    rc, out = run_to_exit(k(drive=image))
    got = dict(re.findall(r"CHECK (\w+) (-?\d+)", out))
    for name, want in PROBE_EXPECT.items():
        r.check(f"probe_{name}", got.get(name) == str(want),
                f"got {got.get(name)}, want {want}")
    done = dict(re.findall(r"DONE (\d+) (-?\d+ -?\d+)", out))
    r.check("probe_completions", done == PROBE_DONE, f"{done}")
    r.check("probe_exit", rc == exit_status(0), f"exit {rc}\n{out}")


def test_isolation(r):
    k = build("tests/sandbox/isolation.manifest")
    port = free_udp_port()
    vm = Console(k(port=port))
    vm.wait_for("instance trap ended", 60)
    reasons = {
        "spin": "out of fuel in mote_start",
        "trap": "trap in mote_complete: unreachable",
        "oob": "trap in mote_start: out of bounds memory access",
        "badprint": "trap in mote_start: out of bounds memory access",
        "grow": "trap in mote_start: unreachable",
    }
    for name, why in reasons.items():
        r.check(f"isolation_{name}_ended", f"instance {name} ended: {why}" in vm.log, vm.log)
    r.check("isolation_grow_saw_limit", "malloc failed cleanly at the memory limit" in vm.log)
    r.check("isolation_echo_survives", udp_roundtrip(port, b"still here") == b"still here")
    r.check("isolation_kernel_alive", vm.proc.poll() is None)
    vm.stop()


def test_relay(r):
    k = build("tests/sandbox/relay.manifest")
    port = free_udp_port()
    vm = Console(k(port=port))
    vm.wait_for("started back", 60)
    ok = all(udp_roundtrip(port, p) == p[::-1] for p in (b"abcdef", b"x", b"0123456789" * 40))
    r.check("channel_handle_transfer", ok, vm.log)
    r.check("transferred_rights_enforced", "could receive" not in vm.log, vm.log)
    vm.stop()


def test_module_from_disk(r):
    """A module read from the block device (module blk:FIRST:BYTES), and a
    region holding no module: a clear error, the instance not started."""
    wasm = os.path.join(TMP, "hello.wasm")
    subprocess.run(["clang", "--target=wasm32-wasi", "-O2", "-o", wasm,
                    os.path.join(ROOT, "apps/wasm/hello/hello.c")], check=True)
    data = open(wasm, "rb").read()
    image = os.path.join(TMP, "mods.img")
    with open(image, "wb") as f:
        f.truncate(4 << 20)
        f.seek(2048 * 512)
        f.write(data)
    manifest = os.path.join(TMP, "disk.manifest")
    with open(manifest, "w") as f:
        f.write(f"instance fromdisk\n  module blk:2048:{len(data)}\n  memory 64\n"
                f"  fuel 0\n  args 5 disk\n"
                f"instance garbage\n  module blk:6000:100\n")
    rc, out = run_to_exit(build(manifest)(drive=image))
    r.check("module_from_block_device", "hello from wasi: argc=3 [5] [disk]" in out
            and "instance fromdisk exited with code 5" in out, out)
    r.check("garbage_module_refused", "garbage: bad module" in out
            and "instance garbage ended: failed to start" in out, out)


def test_bad_inputs(r):
    k = build("tests/sandbox/badimport.manifest")
    port = free_udp_port()
    vm = Console(k(port=port))
    vm.wait_for("ready on udp", 60)
    r.check("unlinkable_import_refused",
            "cannot link import mote.no_such_call" in vm.log and "instance bad ended" in vm.log,
            vm.log)
    r.check("unlinkable_beside_healthy", udp_roundtrip(port, b"ok") == b"ok")
    vm.stop()
    k = build("tests/sandbox/badmanifest.manifest")
    rc, out = run_to_exit(k())
    r.check("bad_manifest_clear_error", rc == exit_status(1) and "line 3: unknown right" in out,
            out)


class Prefixed:
    """Results that name the platform in each test."""

    def __init__(self, r, prefix):
        self.r, self.prefix = r, prefix

    def check(self, name, cond, why=""):
        return self.r.check(f"{self.prefix}/{name}", cond, why)


def main():
    global PLATFORM
    r = Results()
    seed = int(os.environ.get("MOTE_SEED", random.randrange(1 << 30)))
    platforms = os.environ.get("SBX_PLATFORMS", "hosted x64 arm64").split()
    print(f"tests/sandbox: seed {seed}, platforms {' '.join(platforms)}")
    try:
        for PLATFORM in platforms:
            p = Prefixed(r, PLATFORM)
            test_wasi_hello(p)
            test_wasi_realtime(p)
            test_big_memory(p)
            test_echo(p, random.Random(seed))
            test_probe(p)
            test_isolation(p)
            test_relay(p)
            test_module_from_disk(p)
            test_bad_inputs(p)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return r.finish()


if __name__ == "__main__":
    main_guard(main)
