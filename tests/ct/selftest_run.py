#!/usr/bin/env python3
"""Boot tests/ct/selftest.c (APP=cryptoself) on every platform under QEMU
(TCG) and hosted: the crypto known-answer tests and an in-memory WireGuard
handshake on each architecture. Prints PASS/FAIL per platform and
"N passed, N failed"."""
import os
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PLATFORMS = os.environ.get("SELFTEST_PLATFORMS",
                           "hosted x64 x32 arm64 arm32 rv64 rv32").split()


def make(*args):
    return subprocess.run(["make", "-s", "--no-print-directory", "APP=cryptoself", "WG_LAYER=1",
                           "APP_SRCS=tests/ct/selftest.c", *args], cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout.strip()


def main():
    ok = bad = 0
    tmp = tempfile.mkdtemp(prefix="mote-selftest-")
    for plat in PLATFORMS:
        drive = os.path.join(tmp, plat + ".img")
        with open(drive, "wb") as f:
            f.truncate(1 << 20)
        try:
            make(f"PLATFORM={plat}", "kernel")
            cmd = shlex.split(make(f"PLATFORM={plat}", f"DRIVE={drive}", "ACCEL=tcg",
                                   "print-run"))
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                               stdin=subprocess.DEVNULL, cwd=ROOT)
            out = r.stdout + r.stderr
        except subprocess.TimeoutExpired as e:
            out = str(e.stdout or "") + "\n(timed out)"
        except subprocess.CalledProcessError as e:
            out = e.stdout + e.stderr
        lines = [l for l in out.splitlines() if "selftest:" in l]
        good = any("selftest: 10 passed, 0 failed" in l for l in lines)
        if good:
            ok += 1
            print(f"PASS selftest/{plat}", flush=True)
        else:
            bad += 1
            print(f"FAIL selftest/{plat}:", flush=True)
            print("\n".join((lines or out.splitlines())[-20:]), flush=True)
    print(f"{ok} passed, {bad} failed")
    return 1 if bad else 0


sys.exit(main())
