#!/usr/bin/env python3
"""Boot tests for PLATFORM=arm32 (QEMU virt, Cortex-A15, TCG).

Each boot goes through `make print-run` (the one place the QEMU command
lives) and the unchanged apps/echo:
  * mmio and pci, two boots each on a fresh image (and once more each with
    a GICv3, gic-version=3): the device count the
    platform logs, the entry mode (SVC), the command line from
    /chosen/bootargs, 32 RNG bytes, the block check's boot counter (and
    sector 0 of the image after each boot), UDP echo of several sizes and
    `echo hello | nc -u`, nothing printed per datagram, an idle guest
    halted in wfi;
  * entry in HYP mode (virt,virtualization=on), dropped to SVC: echo works;
  * highmem=on (QEMU's default), GICv2 and v3: PCI refused with a hint,
    and with no device at all the CSPRNG's 2 s wait ends (timer IRQ);
  * the panic path: a data abort (NULL store into the guard section), an
    undefined instruction and a prefetch abort (a call into the guard) print
    DFSR/DFAR, the PC or IFSR/IFAR, and the registers, and
    exit with status 0x7f through semihosting; without semihosting, PSCI
    SYSTEM_OFF powers off (status 0).
It first runs rt_test.py's checks (the run-time ABI helpers) into the same
results. About 30 s on 2 cores.
"""
import os
import random
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "tools"))
import motetest  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import rt_test  # noqa: E402  (same directory)

BUILD = os.environ.get("BUILD", "build")
WORK = os.path.join(BUILD, "arm32-test")
TIMEOUT = 60


def run_cmd(**kv):
    return motetest.make_var("run", PLATFORM="arm32", BUILD=BUILD, **kv)


def fresh_image(name):
    path = os.path.join(WORK, name)
    with open(path, "wb") as f:
        f.truncate(16 << 20)
    return path


def cpu_seconds(pid):
    """User+system CPU seconds of (pid) and its children (sh -> qemu)."""
    total, todo = 0.0, [pid]
    tck = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tck
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, IndexError, ValueError):
            pass
    return total


def echo_checks(r, name, con, port):
    lines = con.log.count("\n")
    bad = motetest.echo_sizes(port, [1, 7, 100, 512, 1000, 1472],
                              random.Random(32))
    r.check(f"{name}: udp echo of 6 sizes", not bad, f"failures: {bad}")
    out = subprocess.run(f"echo hello | nc -u -w1 127.0.0.1 {port}",
                         shell=True, capture_output=True, text=True).stdout
    r.check(f"{name}: echo hello | nc -u", out == "hello\n", repr(out))
    for i in range(40):
        motetest.udp_roundtrip(port, b"p%d" % i, 1.0)
    time.sleep(0.2)
    con.pump()
    r.check(f"{name}: nothing printed per datagram",
            con.log.count("\n") == lines, con.log.splitlines()[-1])


def boot(r, name, drive, use_pci, boots, machine_sed=None, idle=False, gic=""):
    port = motetest.free_udp_port()
    args = "a32=1 arm32.test=cmdline"
    cmd = run_cmd(PORT=port, DRIVE=drive, USE_PCI=use_pci, ARGS=args,
                  ARM32_GIC=gic)
    if machine_sed:
        cmd = cmd.replace("-machine virt,highmem=off", machine_sed)
    con = motetest.Console("exec " + cmd)
    try:
        if not r.check(f"{name}: boots to echo ready",
                       con.wait_for(r"echo: ready", TIMEOUT),
                       "log:\n" + con.log[-2000:]):
            return
        want = ("arm32: 0 virtio-mmio devices, 4 PCI functions" if use_pci
                else "arm32: 3 virtio-mmio devices, 1 PCI functions")
        r.check(f"{name}: devices found", want in con.log, "want " + want)
        mode = "HYP" if machine_sed and "virtualization=on" in machine_sed else "SVC"
        r.check(f"{name}: entered in {mode}, cmdline from /chosen/bootargs",
                f'entered in {mode} mode' in con.log and
                f'cmdline "hostport={port} {args}"' in con.log, "start line")
        r.check(f"{name}: 32 rng bytes", re.search(r"rng: [0-9a-f]{64}\b", con.log))
        r.check(f"{name}: block boot count {boots}",
                f"blk: boot count {boots} ok" in con.log)
        echo_checks(r, name, con, port)
        if idle:
            t0 = cpu_seconds(con.proc.pid)
            time.sleep(2.0)
            used = cpu_seconds(con.proc.pid) - t0
            r.check(f"{name}: idle guest halts in wfi ({used:.2f} s CPU in 2 s)",
                    used < 0.5, "QEMU busy while the guest should be waiting")
    finally:
        con.stop()
    r.check(f"{name}: sector 0 after boot {boots}",
            motetest.echo_check_sector0(drive, boots))


def highmem_on(r, gic):
    """No usable device: the CSPRNG's 2 s jitter wait only ends if the
    virtual timer's interrupt wakes the wfi."""
    drive = fresh_image("disk-highmem.img")
    cmd = run_cmd(PORT=motetest.free_udp_port(), DRIVE=drive, USE_PCI=1,
                  ARM32_GIC=gic)
    con = motetest.Console("exec " + cmd.replace("virt,highmem=off", "virt"))
    try:
        ok = con.wait_for(r"echo: cannot open udp|echo: ready|PANIC", TIMEOUT)
        r.check(f"highmem=on gic{gic or 2}: PCI refused with a hint, timer "
                "wakes the 2 s wait, app runs",
                ok and ok.group(0) != "PANIC" and
                "is out of reach, PCI unused" in con.log and
                "arm32: no PCI (run with -machine virt,highmem=off)" in con.log, con.log[-1500:])
    finally:
        con.stop()


def fault(r, kind, semihosting):
    name = f"panic arm32.fault={kind} (semihosting={semihosting})"
    cmd = run_cmd(PORT=motetest.free_udp_port(), DRIVE=fresh_image("disk-fault.img"),
                  ARGS=f"arm32.fault={kind}", SEMIHOSTING=semihosting)
    con = motetest.Console("exec " + cmd)
    try:
        con.proc.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    rc = con.stop()
    log = con.log
    want = {1: r"PANIC at .*data abort: translation fault \(section\) \(write\) "
               r"DFSR 0x805 DFAR 0x10 PC 0x402\w+",
            2: r"PANIC at .*exception undefined instruction at PC 0x402\w+ "
               r"\(T32 state\)",
            3: r"PANIC at .*prefetch abort: translation fault \(section\) "
               r"IFSR 0x5 IFAR 0x100 PC 0x100"}[kind]
    r.check(f"{name}: reason", re.search(want, log), log[-1500:])
    r.check(f"{name}: register dump",
            re.search(r"r12 [0-9a-f]{8}  sp  [0-9a-f]{8}  lr  [0-9a-f]{8}  pc  "
                      + ("00000100" if kind == 3 else "402"), log)
            and re.search(r"spsr [0-9a-f]{8}", log), log[-1500:])
    want_rc = 0x7F if semihosting else 0
    r.check(f"{name}: QEMU exits with {want_rc}", rc == want_rc, f"status {rc}")


def main():
    r = motetest.Results()
    os.makedirs(WORK, exist_ok=True)
    rt_test.run(r)
    k = subprocess.run(["make", "-s", "--no-print-directory", "kernel",
                        "PLATFORM=arm32", f"BUILD={BUILD}"],
                       capture_output=True, text=True)
    if not r.check("arm32 kernel builds", k.returncode == 0, k.stderr[-2000:]):
        return r.finish()
    kernel = motetest.make_var("kernel", PLATFORM="arm32", BUILD=BUILD)
    stripped = os.path.join(WORK, "mote.stripped")
    subprocess.run(["llvm-strip", "-o", stripped, kernel], check=True)
    size = os.path.getsize(stripped)
    r.check(f"stripped kernel {size} bytes <= 64 KiB", size <= 65536)
    for name, use_pci in (("mmio", 0), ("pci", 1)):
        drive = fresh_image(f"disk-{name}.img")
        for boots in (1, 2):
            boot(r, f"{name} boot {boots}", drive, use_pci, boots,
                 idle=boots == 2)
    for name, use_pci in (("mmio gicv3", 0), ("pci gicv3", 1)):
        boot(r, name, fresh_image(f"disk-{use_pci}-v3.img"), use_pci, 1,
             idle=True, gic="3")
    boot(r, "hyp entry", fresh_image("disk-hyp.img"), 0, 1,
         "-machine virt,highmem=off,virtualization=on")
    highmem_on(r, "")
    highmem_on(r, "3")
    fault(r, 1, 1)
    fault(r, 2, 1)
    fault(r, 3, 1)
    fault(r, 2, 0)
    return r.finish()


if __name__ == "__main__":
    motetest.main_guard(main)
