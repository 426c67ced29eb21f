#!/usr/bin/env python3
"""VM benchmark: mote x64 against a Linux VM, same QEMU command, one run.

Rows: {Linux, mote} x {microvm (virtio-mmio), q35 (virtio-pci)} x
{KVM, TCG}. Both VMs are booted with the command line that
`make print-run PLATFORM=x64` prints (platform/x64/platform.mk), the
Linux one with KERNEL, ARGS and QEMU_EXTRA (-initrd) swapped in, so
machine, CPU model, memory, devices and netdev are the same. Per row:

  boot      launch QEMU, probe 127.0.0.1:PORT with a datagram every 1 ms;
            seconds until the first reply. Median of VMBENCH_BOOTS boots
            (default 5), fewer when a row's boots pass VMBENCH_ROW_S
            (default 60 s) in total; the table gives n. Also QEMU's time
            to the first serial byte (whoever prints it) as a reference.
  latency   bench/echo/udpload latency: BENCH_COUNT (10000) sequential
            64-byte round trips, p50/p99 µs, on the last boot's VM; fewer
            when 100 probe round trips say they would take more than
            VMBENCH_LAT_S (15) s.
  rate      udpload rate: 64-byte datagrams, 32 in flight, BENCH_SECONDS
            (10) s.
  image     bytes QEMU is handed: mote's ELF after llvm-strip; Linux's
            vmlinux (PVH ELF) plus initramfs.

Environment: VMBENCH_ROWS (comma list of row keys such as
linux-microvm-kvm, mote-q35-tcg; default all), VMBENCH_BOOTS,
VMBENCH_ROW_S, VMBENCH_LAT_S, VMBENCH_TIMEOUT (seconds one boot may take before the row
is given up, default 30), BENCH_COUNT, BENCH_SECONDS,
VMBENCH_LINUX_KERNEL (vmlinux, or vmlinuz for the bzImage path).

    python3 bench/vm/run.py                   all rows, writes results
    python3 bench/vm/run.py --cmd 'qemu-system-x86_64 ... {port} {drive}'
                                              one VM given as a command
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)
from benchlib import write_results  # noqa: E402
from motetest import free_udp_port  # noqa: E402
import vmrun  # noqa: E402

BUILD = os.path.join(ROOT, "build")
LINUX_DIR = os.path.join(BUILD, "linuxvm")
MOTE_KERNEL = os.path.join(BUILD, "bench", "vm-mote.elf")
LOAD = os.path.join(BUILD, "bench", "udpload")

BOOTS = int(os.environ.get("VMBENCH_BOOTS", 5))
ROW_S = float(os.environ.get("VMBENCH_ROW_S", 60))
TIMEOUT = float(os.environ.get("VMBENCH_TIMEOUT", 30))
COUNT = int(os.environ.get("BENCH_COUNT", 10000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 10))
LAT_S = float(os.environ.get("VMBENCH_LAT_S", 15))
LINUX_KERNEL = os.environ.get("VMBENCH_LINUX_KERNEL", "vmlinux")
ONLY = [r for r in os.environ.get("VMBENCH_ROWS", "").split(",") if r]
DRIVE_BYTES = 16 << 20


def host_tsc_khz():
    for line in open("/proc/cpuinfo"):
        if line.startswith("cpu MHz"):
            return int(float(line.split(":")[1]) * 1000)
    return 0


def linux_args(machine):
    """Linux's kernel command line. microvm has no PIT gate (port 0x61),
    HPET or ACPI PM timer, so under TCG (no kvmclock) Linux cannot
    measure its TSC and hangs; the host's TSC rate is what TCG's rdtsc
    counts at. tsc=reliable keeps the clocksource watchdog, which a busy
    2-core host fools, from moving Linux to a slow clock mid-run."""
    args = "console=ttyS0 quiet panic=-1 tsc=reliable"
    if machine == "microvm":
        args += f" tsc_early_khz={host_tsc_khz()}"
    return args


def print_run(machine, accel, port, drive, **over):
    v = dict(PLATFORM="x64", USE_PCI=1 if machine == "q35" else 0, ACCEL=accel,
             PORT=port, DRIVE=drive, **over)
    return subprocess.check_output(
        ["make", "-s", "--no-print-directory", "-C", ROOT, "print-run"]
        + [f"{k}={val}" for k, val in v.items()], text=True).strip()


def command(vm, machine, accel, port, drive):
    if vm == "mote":
        return print_run(machine, accel, port, drive, KERNEL=MOTE_KERNEL)
    return print_run(machine, accel, port, drive,
                     KERNEL=os.path.join(LINUX_DIR, LINUX_KERNEL),
                     ARGS=linux_args(machine),
                     QEMU_EXTRA="-initrd " + os.path.join(LINUX_DIR, "initramfs.cpio.gz"))


def build():
    os.makedirs(os.path.dirname(LOAD), exist_ok=True)
    subprocess.check_call(["clang", "-O2", "-o", LOAD,
                           os.path.join(ROOT, "bench", "echo", "udpload.c")])
    subprocess.check_call(["make", "-s", "--no-print-directory", "-C", ROOT, "linuxvm"])
    if not os.path.exists(os.path.join(ROOT, "platform", "x64", "platform.mk")):
        return "platform/x64 does not exist yet"
    rc = subprocess.call(["make", "-s", "--no-print-directory", "-C", ROOT,
                          "PLATFORM=x64", "APP=echo", "kernel"])
    if rc:
        return f"make PLATFORM=x64 kernel failed (exit {rc})"
    # Every row boots this copy: a rebuild in the shared tree mid-run
    # must not change the kernel between rows.
    shutil.copyfile(os.path.join(BUILD, "x64", "echo", "mote.elf"), MOTE_KERNEL)
    return None


def image_bytes(vm):
    if vm == "linux":
        return sum(os.path.getsize(os.path.join(LINUX_DIR, f))
                   for f in (LINUX_KERNEL, "initramfs.cpio.gz"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "mote.stripped")
        subprocess.check_call(["llvm-strip", "-o", out, MOTE_KERNEL])
        return os.path.getsize(out)


def load(port):
    """udpload against the VM: latency, then rate. A slow VM (nested KVM
    runs mote's round trips at milliseconds) gets fewer round trips, so
    the latency phase stays near VMBENCH_LAT_S; 'rtts' says how many."""
    def udpload(*args, timeout):
        out = subprocess.check_output([LOAD] + [str(a) for a in args], text=True,
                                      timeout=timeout)
        return {k: float(v) for k, v in (kv.split("=") for kv in out.split())}

    probe = udpload("latency", port, 100, 64, timeout=120)
    rtts = min(COUNT, max(100, int(LAT_S * 1e6 / max(probe["p50_us"], 1.0))))
    r = udpload("latency", port, rtts, 64, timeout=LAT_S * 10 + 60)
    r.update(udpload("rate", port, 32, SECONDS, 64, timeout=SECONDS + 60))
    r["rtts"] = rtts
    return r


def boot_error(vm):
    """Why a stopped VM never echoed, in a few words for the table."""
    text = vm.text()
    if "KVM internal error" in text:
        return (f"KVM internal error (emulation failure) after {vm.stopped_s:.0f} s, "
                "no echo")
    if vm.exited:
        return f"QEMU exited {vm.proc.returncode} after {vm.stopped_s:.0f} s, no echo"
    return f"no echo within {TIMEOUT:g} s"


def measure(make_cmd, drive, boots=BOOTS):
    """Boot up to (boots) times; load the last VM. A dict of results."""
    res = {"echo": [], "byte": []}
    spent = 0.0
    for i in range(boots):
        port = free_udp_port()
        vm = vmrun.boot(make_cmd(port, drive), port, TIMEOUT)
        last = i == boots - 1 or spent + (vm.echo_s or 0) > ROW_S
        try:
            if vm.echo_s is None:
                vm.stop()
                tail = vm.text().strip().splitlines()[-3:]
                res["error"] = boot_error(vm)
                res["tail"] = tail
                break
            res["echo"].append(vm.echo_s)
            res["byte"].append(vm.first_byte_s)
            spent += vm.echo_s
            print(f"  boot {i + 1}: echo {vm.echo_s:.3f} s, first serial byte "
                  f"{fmt_s(vm.first_byte_s)} s", flush=True)
            if last:
                try:
                    res.update(load(port))
                except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
                    res["error"] = f"udpload failed: {e}"
        finally:
            vm.stop()
        if last:
            break
    return res


def fmt_s(v):
    return "-" if v is None else f"{v:.3f}"


ROWS = [(vm, m, a) for vm in ("linux", "mote") for m in ("microvm", "q35")
        for a in ("kvm", "tcg")]
NAMES = {"linux": "Linux", "mote": "mote"}


def run_rows(mote_missing):
    kvm = os.access("/dev/kvm", os.R_OK | os.W_OK)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for vm, machine, accel in ROWS:
            key = f"{vm}-{machine}-{accel}"
            if ONLY and key not in ONLY:
                continue
            if vm == "mote" and mote_missing:
                results[key] = {"error": mote_missing}
                continue
            if accel == "kvm" and not kvm:
                results[key] = {"error": "/dev/kvm not usable"}
                continue
            drive = os.path.join(tmp, f"{key}.img")
            open(drive, "wb").truncate(DRIVE_BYTES)
            print(f"=== {key}", flush=True)
            r = measure(lambda p, d, vm=vm, m=machine, a=accel: command(vm, m, a, p, d), drive)
            r["image"] = image_bytes(vm)
            if "error" in r:
                print(f"  {r['error']}; console tail: {r.get('tail')}", flush=True)
            results[key] = r
    return results


def row_line(key, r):
    vm, machine, accel = key.split("-")
    head = f"| {NAMES[vm]} | {machine} | {accel.upper()} |"
    if not r.get("echo"):
        return f"{head} {r.get('error', 'not run')} | | | | | | | |"
    byte = [b for b in r["byte"] if b is not None]
    first = f"{statistics.median(byte):.3f}" if byte else "-"
    boot = f"{head} {statistics.median(r['echo']):.3f} (n={len(r['echo'])}) | {first} |"
    if "p50_us" not in r:
        return f"{boot} {r.get('error', 'not measured')} | | | | | {r['image']} |"
    return (f"{boot} {r['p50_us']:.1f} | {r['p99_us']:.1f} | {r['rtts']} | "
            f"{r['dgram_per_s']:.0f} | {int(r['lost'])} | {r['image']} |")


def ratio_lines(results):
    out = []
    for machine in ("microvm", "q35"):
        for accel in ("kvm", "tcg"):
            m = results.get(f"mote-{machine}-{accel}", {})
            li = results.get(f"linux-{machine}-{accel}", {})
            if "p50_us" not in m or "p50_us" not in li:
                continue
            out.append(
                f"| {machine} | {accel.upper()} | "
                f"{statistics.median(m['echo']) / statistics.median(li['echo']):.3f} | "
                f"{m['p50_us'] / li['p50_us']:.2f} | {m['p99_us'] / li['p99_us']:.2f} | "
                f"{m['dgram_per_s'] / li['dgram_per_s']:.2f} | "
                f"{m['image'] / li['image']:.4f} |")
    if not out:
        return ["No machine/accelerator pair has both a mote and a Linux result, "
                "so there are no ratios."]
    return (["Ratios mote/Linux (boot, latency, image: lower is better for mote; "
             "throughput: higher is better):", "",
             "| machine | accel | boot | p50 | p99 | datagrams/s | image |",
             "|---|---|---|---|---|---|---|"] + out)


def table(results):
    lines = ["| VM | machine | accel | boot→first echo s (median) | QEMU→first serial "
             "byte s | p50 µs | p99 µs | round trips | datagrams/s (32 in flight) | lost | "
             "image bytes |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [row_line(k, r) for k, r in results.items()]
    return lines + [""] + ratio_lines(results)


def bzimage_note():
    try:
        return (f"the ELF inside Debian's {os.path.getsize(os.path.join(LINUX_DIR, 'vmlinuz'))}"
                "-byte bzImage `vmlinuz`")
    except OSError:
        return "Debian's kernel"


def loadavg():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def notes(load_start):
    try:
        version = open(os.path.join(LINUX_DIR, "version")).read().strip()
    except OSError:
        version = "unknown"
    return (
        f"Linux peer: {version}. Booted as `{LINUX_KERNEL}` ({bzimage_note()}) with our "
        "static /init "
        f"(bench/linuxvm/), kernel command line `{linux_args('q35')}` (microvm adds "
        "`tsc_early_khz=<host TSC kHz>`). Both VMs: the QEMU command of "
        "`make print-run PLATFORM=x64` (USE_PCI=0: microvm, USE_PCI=1: q35), user "
        "networking with hostfwd to guest port 8080, virtio-net, virtio-blk on a fresh "
        "16 MiB raw image per row, virtio-rng. mote gets its address by DHCP, Linux is "
        "configured statically; both run their RNG and block checks before echoing.\n\n"
        f"Boot: up to {BOOTS} boots per row (fewer once a row's boots pass {ROW_S:g} s; "
        f"n says how many), each timed from QEMU's launch to the first UDP reply at the "
        f"host, probing every 1 ms; a boot that takes over {TIMEOUT:g} s ends "
        f"the row. Latency: up to {COUNT} sequential 64-byte round trips (fewer when "
        f"they would take over {LAT_S:g} s; the table says how many); throughput: 64-byte "
        f"datagrams, 32 in flight for {SECONDS:g} s (bench/echo/udpload.c), both against "
        "the last boot's VM through QEMU's user-mode network on 127.0.0.1. Image: bytes "
        "handed to QEMU (-kernel, plus -initrd for Linux); mote's ELF stripped with "
        "llvm-strip.\n\n"
        + ("Caveats: this machine's /dev/kvm is nested KVM (kvm_pvm), far slower than "
           "KVM on bare metal, and Debian's kernel does not boot under it in useful time "
           "(docs/benchmarks.md). " if os.path.isdir("/sys/module/kvm_pvm") else
           "Caveats: ")
        + f"{os.cpu_count()} CPUs shared by QEMU, the load generator and any other "
        f"work (1-minute load average {load_start} at the start of this run, "
        f"{loadavg()} at the end), so expect noise, most of all in p99 and the TCG rows.")


def one_vm(cmd):
    """--cmd: measure one VM given as a command with {port}/{drive}."""
    build()
    with tempfile.TemporaryDirectory() as tmp:
        drive = os.path.join(tmp, "disk.img")
        open(drive, "wb").truncate(DRIVE_BYTES)
        r = measure(lambda p, d: cmd.format(port=p, drive=d), drive)
    if "p50_us" not in r:
        print(f"failed: {r.get('error')}; console tail: {r.get('tail')}")
        return 1
    print(f"boot_s={statistics.median(r['echo']):.3f} n={len(r['echo'])} "
          f"p50_us={r['p50_us']:.1f} p99_us={r['p99_us']:.1f} rtts={r['rtts']} "
          f"dgram_per_s={r['dgram_per_s']:.0f} lost={int(r['lost'])}")
    return 0


def main(argv):
    if len(argv) > 2 and argv[1] == "--cmd":
        return one_vm(argv[2])
    load_start = loadavg()
    mote_missing = build()
    results = run_rows(mote_missing)
    lines = table(results)
    print("\n".join(lines))
    path = write_results("vm-x64", "VM benchmark: mote x64 vs a Linux VM under QEMU",
                         "make bench BENCH=vm", lines, notes(load_start))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
