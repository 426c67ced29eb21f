#!/usr/bin/env python3
"""The build system's promises to a new user (issue 14), checked.

    make build-test        (tests/suites.txt: build)

1. `make` with no target builds the selected kernel (PLATFORM, APP): the
   same commands as `make all`, ending in that kernel's ELF; and really
   does so for the hosted echo kernel.
2. Test suites are immune to the variables of a kernel build and boot
   (APP, PLATFORM, ARGS, PORT, ...): each suite's driver runs with none of
   them, whether they come from make's command line or the environment.
   Checked with a stand-in python3 first on PATH that records what each
   driver would have seen and reports "1 passed, 0 failed".
3. Every command named in a "try:" line an app prints is one that the
   ensure-deps groups of `make run` (its `deps` target) probe and install.
4. The kernel's Wasm interpreter accesses guest memory with inline moves
   on every platform (the object the kernel build makes for
   wasm/interp.c calls memcpy & co only for variable sizes).
Ends with "N passed, N failed".
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import motetest  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PLATFORMS = sorted(d for d in os.listdir(os.path.join(ROOT, "platform"))
                   if os.path.exists(os.path.join(ROOT, "platform", d, "platform.mk")))
# What a user might have set for `make run`; none may reach a suite.
HOSTILE = {"APP": "kvd", "PLATFORM": "x64", "ARGS": "hostile=1", "PORT": "1",
           "USE_PCI": "1", "NET": "tap:nosuch0", "ACCEL": "kvm", "DRIVE": "/nonexistent",
           "QEMU_EXTRA": "-S"}
# Suites whose recipe goes straight to a driver (no prerequisite to build).
DRIVER_SUITES = ["arm32-test", "arm64-boot-test", "qemu-test", "kvd-test", "kvd-qemu-test",
                 "sandbox-test", "sbx-kvd-test", "bench-vm-test"]
SHELL_BUILTINS = {"echo", "printf", "cd", "test", "true", "false", "exec"}


def make(*args, env=None):
    """Run make in the repository with a clean MAKEFLAGS; (rc, output)."""
    e = dict(env if env is not None else os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", "MAKELEVEL"):
        e.pop(k, None)
    p = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=e,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def check_default_goal(r, tmp):
    for vars_ in ([], ["PLATFORM=x64"], ["PLATFORM=x64", "APP=kvd"], ["PLATFORM=hosted"]):
        build = os.path.join(tmp, "b")
        args = vars_ + ["BUILD=" + build]
        rc, bare = make("-n", *args)
        rc2, full = make("-n", "all", *args)
        plat = next((v.split("=")[1] for v in vars_ if v.startswith("PLATFORM=")), None)
        plat = plat or make("-s", "print-var-PLATFORM")[1].strip()
        app = next((v.split("=")[1] for v in vars_ if v.startswith("APP=")), "echo")
        elf = f"{build}/{plat}/{app}/mote.elf"
        name = "make -n " + " ".join(vars_) if vars_ else "make -n"
        r.check(f"{name}: the same commands as `make all`", rc == 0 and rc2 == 0 and bare == full,
                f"exit {rc}/{rc2}; first lines: {bare.splitlines()[:3]}")
        r.check(f"{name}: links {elf} and runs no test", f"-o {elf}" in bare and
                "python3" not in bare and "boot_test" not in bare,
                f"output: {bare.splitlines()[:3]}")
    build = os.path.join(tmp, "real")
    rc, out = make("-s", "-j2", "PLATFORM=hosted", "BUILD=" + build)
    elf = os.path.join(build, "hosted", "echo", "mote.elf")
    r.check("bare `make PLATFORM=hosted` builds the hosted echo kernel",
            rc == 0 and os.access(elf, os.X_OK), f"exit {rc}: {out[-400:]}")


SHIM = """#!/bin/sh
# Stand-in for python3 (tests/build/run.py): record what the driver sees.
env > "{dir}/$$.env"
echo "$*" > "{dir}/$$.args"
echo "1 passed, 0 failed"
"""


def check_suites_immune(r, tmp):
    shim_dir = os.path.join(tmp, "shim")
    rec = os.path.join(tmp, "rec")
    os.makedirs(shim_dir)
    with open(os.path.join(shim_dir, "python3"), "w") as f:
        f.write(SHIM.format(dir=rec))
    os.chmod(os.path.join(shim_dir, "python3"), 0o755)
    for target in DRIVER_SUITES:
        shutil.rmtree(rec, ignore_errors=True)
        os.makedirs(rec)
        env = dict(os.environ, PATH=shim_dir + ":" + os.environ["PATH"], **HOSTILE)
        rc, out = make("-s", target, *[f"{k}={v}" for k, v in HOSTILE.items()], env=env)
        seen = [open(os.path.join(rec, f)).read() for f in sorted(os.listdir(rec))
                if f.endswith(".env")]
        leaks = set()
        for text in seen:
            env_seen = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
            leaks |= {k for k in HOSTILE if k in env_seen}
            flags = env_seen.get("MAKEFLAGS", "") + env_seen.get("MAKEOVERRIDES", "")
            leaks |= {k + " in MAKEFLAGS" for k in HOSTILE if k + "=" in flags}
        r.check(f"make {target} APP=kvd PLATFORM=x64 ...: its driver sees none of them",
                rc == 0 and seen and not leaks,
                f"exit {rc}, {len(seen)} driver runs, leaked: {sorted(leaks)}; {out[-300:]}")


def try_commands():
    """{app source: [commands]} of every "try:" line under apps/."""
    found = {}
    for dirpath, _, files in os.walk(os.path.join(ROOT, "apps")):
        for fn in files:
            if not fn.endswith(".c"):
                continue
            path = os.path.join(dirpath, fn)
            src = open(path, errors="replace").read()
            # adjacent C string literals form one string
            for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*', src):
                text = "".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0)))
                if "try:" not in text:
                    continue
                line = text.split("try:", 1)[1]
                cmds = []
                for seg in re.split(r"\|\||&&|[|;]", line):
                    words = seg.split()
                    if words and words[0] not in SHELL_BUILTINS:
                        cmds.append(words[0])
                found[os.path.relpath(path, ROOT)] = cmds
    return found


def check_try_deps(r):
    found = try_commands()
    r.check("apps print \"try:\" lines (echo and kvd at least)",
            "apps/echo/main.c" in found and "apps/kvd/main.c" in found, f"found {sorted(found)}")
    for plat in ("hosted", "x64"):
        rc, out = make("-n", "deps", "PLATFORM=" + plat)
        m = re.search(r"tools/ensure-deps ([^\n]*)", out)
        groups = m.group(1).split() if m else []
        probed = subprocess.run([os.path.join(ROOT, "tools", "ensure-deps"), "--list", *groups],
                                stdout=subprocess.PIPE, text=True).stdout.split()
        for src, cmds in sorted(found.items()):
            missing = [c for c in cmds if c not in probed]
            r.check(f"PLATFORM={plat} make run's deps ({' '.join(groups)}) probe what "
                    f"{src}'s try: line runs ({' '.join(cmds)})",
                    bool(groups) and bool(cmds) and not missing, f"not probed: {missing}")


# interp.c calls memcpy/memmove/memset for memory.init/copy/fill and
# table.copy (variable sizes); with fixed-size accesses as calls it had 75.
MAX_MEM_CALLS = 8


def check_wasm_inline(r, tmp):
    for plat in PLATFORMS:
        build = os.path.join(tmp, "wi")
        obj = f"{build}/{plat}/obj/wasm/interp.c.o"
        rc, out = make("-s", "PLATFORM=" + plat, "BUILD=" + build, obj)
        relocs = subprocess.run(["llvm-objdump", "-r", obj], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True).stdout if rc == 0 else ""
        n = len(re.findall(r"\b(?:__aeabi_)?mem(?:cpy|move|set)\w*\b", relocs))
        r.check(f"{plat}: the kernel's wasm/interp.c.o inlines guest loads and stores "
                f"({n} calls to memcpy & co <= {MAX_MEM_CALLS})",
                rc == 0 and 0 < n <= MAX_MEM_CALLS, f"exit {rc}: {out[-300:]}")


def main():
    r = motetest.Results()
    tmp = tempfile.mkdtemp(prefix=f"mote-build-test-{os.getpid()}-")
    try:
        check_default_goal(r, tmp)
        check_suites_immune(r, tmp)
        check_try_deps(r)
        check_wasm_inline(r, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
