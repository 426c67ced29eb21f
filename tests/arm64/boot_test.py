#!/usr/bin/env python3
"""Boot tests for PLATFORM=arm64 under QEMU (TCG), both virtio transports.

For each transport (mmio: virtio-*-device, pci: virtio-*-pci), on GICv2
(twice, the block counter must persist; PCI with MSI-X through GICv2m, and
once more with INTx; mmio once more entered at EL2) and on GICv3 (once;
PCI on INTx), it boots the
unchanged apps/echo through `make print-run` (the one place the QEMU
command lives) and checks: the device count the platform logs, the kernel
command line from /chosen/bootargs, 32 RNG bytes, the block check's boot
counter (and sector 0 on the host image afterwards, and again after a
second boot), UDP echo of several sizes plus `echo hello | nc -u`, that
nothing is printed per datagram, and that an idle guest halts in wfi
instead of spinning. Then the failure path: a deliberate data abort
(arm64.fault=1) must print the syndrome and registers and make QEMU exit
with status 0x7f through semihosting, or power off through PSCI when
semihosting is disabled. Last, NET=tap: echo through a TAP device in a
network namespace the test makes (root only; otherwise skipped, saying so).
"""
import os
import random
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import motetest  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
WORK = os.path.join(BUILD, "arm64-test")
BOOT_TIMEOUT = 60


def run_cmd(**kv):
    return motetest.make_var("run", PLATFORM="arm64", **kv)


def tree_cpu_seconds(pid):
    """User+system CPU seconds of (pid) and its descendants."""
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


def boot(r, name, drive, port, use_pci, boots, gic="", intx=False, el2=False):
    args = "foo=bar arm64.test=cmdline"
    cmd = run_cmd(PORT=port, DRIVE=drive, USE_PCI=use_pci, ARGS=args, GIC=gic)
    if el2:  # QEMU starts the kernel at EL2; boot.S must drop to EL1
        cmd = cmd.replace("-machine virt", "-machine virt,virtualization=on", 1)
    if intx:  # no MSI-X vectors on the devices: INTx on GICv2
        cmd = re.sub(r"(-device virtio-\w+-pci)", r"\1,vectors=0", cmd)
    con = motetest.Console("exec " + cmd)
    try:
        ready = con.wait_for(r"echo: ready", BOOT_TIMEOUT)
        if not r.check(f"{name}: boots to echo ready", ready is not None,
                       "no 'echo: ready' in:\n" + con.log[-2000:]):
            return
        want = (r"arm64: 0 virtio-mmio devices, 4 PCI functions" if use_pci
                else r"arm64: 3 virtio-mmio devices, 1 PCI functions")
        r.check(f"{name}: devices found", re.search(want, con.log),
                "expected /" + want + "/")
        lines = [int(x) for x in re.findall(r"virtio: \w+ (?:pci|mmio) irq (\d+)", con.log)]
        if use_pci and gic != "3" and not intx:  # GICv2m: an MSI-X SPI each
            want_irq = "MSI-X SPIs 80.. via GICv2m"
            irq_ok = sorted(lines) == list(range(80, 80 + len(lines)))
        elif use_pci:  # INTx (GICv3 has no ITS support): SPIs 3..6
            want_irq, irq_ok = "INTx SPIs 35..38", all(35 <= x <= 38 for x in lines)
        else:  # virtio-mmio: SPIs 16..47 = INTIDs 48..79, edge
            want_irq, irq_ok = "mmio SPIs 48..79", all(48 <= x <= 79 for x in lines)
        r.check(f"{name}: 3 devices on {want_irq}", len(lines) == 3 and irq_ok,
                f"lines {lines}")
        r.check(f"{name}: entered at EL{2 if el2 else 1}",
                f"arm64: entered at EL{2 if el2 else 1}," in con.log)
        m = re.search(r"arm64: entered at EL\d, (\d+) KiB free RAM", con.log)
        r.check(f"{name}: free RAM from /memory (256 MiB minus kernel, DTB)",
                m and 250 << 10 < int(m[1]) < 256 << 10, m and m[0])
        r.check(f"{name}: cmdline from /chosen/bootargs",
                re.search(r'cmdline "[^"]*' + re.escape(args) + '"', con.log) is not None,
                "cmdline line missing")
        r.check(f"{name}: 32 rng bytes", re.search(r"rng: [0-9a-f]{64}\b", con.log))
        r.check(f"{name}: block boot count {boots}",
                f"blk: boot count {boots} ok" in con.log)
        udp_checks(r, name, con, port)
        idle_check(r, name, con)
    finally:
        con.stop()
    r.check(f"{name}: sector 0 after boot {boots}",
            motetest.echo_check_sector0(drive, boots))


def udp_checks(r, name, con, port):
    lines = con.log.count("\n")
    bad = motetest.echo_sizes(port, [1, 6, 64, 512, 1024, 1400, 1472],
                              random.Random(7))
    r.check(f"{name}: udp echo of 7 sizes", not bad, f"failures: {bad}")
    got = subprocess.run(f"echo hello | nc -u -w1 127.0.0.1 {port}",
                         shell=True, capture_output=True, text=True).stdout
    r.check(f"{name}: echo hello | nc -u", got == "hello\n", repr(got))
    for i in range(50):
        motetest.udp_roundtrip(port, b"x%d" % i, 1.0)
    time.sleep(0.2)
    con.pump()
    r.check(f"{name}: nothing printed per datagram",
            con.log.count("\n") == lines, con.log.splitlines()[-1])


def idle_check(r, name, con):
    t0 = tree_cpu_seconds(con.proc.pid)
    time.sleep(2.0)
    used = tree_cpu_seconds(con.proc.pid) - t0
    r.check(f"{name}: idle guest halts (cpu {used:.2f}s in 2s)", used < 1.0,
            "QEMU busy while the guest should wait in wfi")


def fault(r, drive, semihosting, el2=False):
    """With virtualization=on QEMU's /psci method is smc, else hvc: both
    PSCI conduits are exercised when semihosting is off."""
    name = f"panic (semihosting={semihosting}{', EL2/smc' if el2 else ''})"
    cmd = run_cmd(PORT=motetest.free_udp_port(), DRIVE=drive,
                  ARGS="arm64.fault=1", SEMIHOSTING=semihosting)
    if el2:
        cmd = cmd.replace("-machine virt", "-machine virt,virtualization=on", 1)
    con = motetest.Console("exec " + cmd)
    try:
        con.proc.wait(BOOT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    rc = con.stop()
    log = con.log
    r.check(f"{name}: reason, ESR/FAR/ELR",
            re.search(r"PANIC at .*data abort .*ESR 0x96\w+ FAR 0x20000000000 ELR 0x40\w+",
                      log), log[-1500:])
    r.check(f"{name}: register dump",
            re.search(r"x30 [0-9a-f]{16}  sp  [0-9a-f]{16}", log)
            and re.search(r"elr [0-9a-f]{16}  spsr", log))
    want = 0x7F if semihosting == 1 else 0
    r.check(f"{name}: QEMU exits with {want}", rc == want, f"exit status {rc}")


def tap(r, drive):
    """NET=tap:IFNAME: a TAP device in a network namespace made here, a
    static guest address, echo from inside the namespace."""
    name = "tap (NET=tap:tap0, netns)"
    if os.geteuid() != 0:
        r.skip(name, "needs root for ip netns / tuntap")
        return
    ns = f"mote-arm64-{os.getpid()}"
    sh = lambda c: subprocess.run(c, shell=True, capture_output=True, text=True)
    try:
        setup = sh(f"ip netns add {ns} && ip netns exec {ns} sh -c '"
                   "ip tuntap add dev tap0 mode tap && ip link set lo up && "
                   "ip addr add 10.77.0.1/24 dev tap0 && ip link set tap0 up'")
        if not r.check(f"{name}: namespace set up", setup.returncode == 0,
                       setup.stderr):
            return
        cmd = run_cmd(NET="tap:tap0", DRIVE=drive,
                      ARGS="ip=10.77.0.2/24 gw=10.77.0.1")
        con = motetest.Console(f"exec ip netns exec {ns} {cmd}")
        try:
            ready = con.wait_for(r"echo: ready", BOOT_TIMEOUT)
            got = sh(f"ip netns exec {ns} sh -c "
                     "'echo hello | nc -u -w1 10.77.0.2 8080'").stdout
            r.check(f"{name}: echo hello", ready and got == "hello\n",
                    f"reply {got!r}; log tail: {con.log[-800:]}")
        finally:
            con.stop()
    finally:
        sh(f"ip netns del {ns}")


def main():
    r = motetest.Results()
    os.makedirs(WORK, exist_ok=True)
    k = subprocess.run(["make", "-s", "--no-print-directory", "kernel",
                        "PLATFORM=arm64"], capture_output=True, text=True)
    if not r.check("arm64 kernel builds", k.returncode == 0, k.stderr[-2000:]):
        return r.finish()
    # (name, USE_PCI, GIC, boots): GICv2 is virt's default; GICv3 is what
    # KVM hosts need, checked once per transport.
    for name, use_pci, gic, nboots in (("mmio", 0, "", 2), ("pci", 1, "", 2),
                                       ("pci intx", 1, "", 1),
                                       ("mmio el2", 0, "", 1),
                                       ("mmio gicv3", 0, "3", 1),
                                       ("pci gicv3", 1, "3", 1)):
        drive = os.path.join(WORK, f"disk-{name.replace(' ', '-')}.img")
        with open(drive, "wb") as f:
            f.truncate(16 << 20)
        for boots in range(1, nboots + 1):
            boot(r, f"{name} boot {boots}", drive, motetest.free_udp_port(),
                 use_pci, boots, gic, intx="intx" in name, el2="el2" in name)
    drive = os.path.join(WORK, "disk-fault.img")
    with open(drive, "wb") as f:
        f.truncate(16 << 20)
    fault(r, drive, 1)
    fault(r, drive, 0)
    fault(r, drive, 0, el2=True)
    tap(r, drive)
    return r.finish()


if __name__ == "__main__":
    motetest.main_guard(main)
