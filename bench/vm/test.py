#!/usr/bin/env python3
"""Tests for the VM benchmark's Linux peer and boot timer (make bench-vm-test).

  * the initramfs is reproducible: a second build gives the same bytes;
  * it holds /init (a static ELF) and every module /etc/modules.list
    names, each after the modules it depends on (modules.dep);
  * the peer boots under TCG on microvm and q35 with the benchmark's own
    command line: vmrun.boot() times the first echo (after the first
    serial byte), payloads of several sizes come back unchanged, the
    console shows the RNG and block checks, sector 0 of the image holds
    apps/echo's boot counter, and a second boot on the same image counts 2.

About 30 s on 2 CPUs, most of it four TCG boots. Ends "N passed, N failed".
"""
import gzip
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)
import run as bench  # noqa: E402
import vmrun  # noqa: E402
from motetest import Results, echo_check_sector0, echo_sizes, free_udp_port  # noqa: E402

LINUX_DIR = os.path.join(ROOT, "build", "linuxvm")


def read_newc(data):
    """{name: (mode, bytes)} from a newc cpio archive."""
    out, off = {}, 0
    while True:
        head = data[off:off + 110]
        if head[:6] != b"070701":
            raise ValueError(f"bad cpio magic at {off}")
        f = [int(head[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = f[1], f[6], f[11]
        name = data[off + 110:off + 110 + namesize - 1].decode()
        off += 110 + namesize
        off += -off % 4
        if name == "TRAILER!!!":
            return out
        out[name] = (mode, data[off:off + size])
        off += size
        off += -off % 4


def check_archive(res, files):
    mode, init = files.get("init", (0, b""))
    res.check("initramfs has an executable /init",
              init[:4] == b"\x7fELF" and mode & 0o111, f"mode {mode:o}")
    res.check("/init is static", b"ld-linux" not in init[:4096] and
              b".interp" not in init, "has an ELF interpreter")
    listing = files.get("etc/modules.list", (0, b""))[1].decode().split()
    missing = [m for m in listing if m.lstrip("/") not in files]
    res.check("every listed module is in the archive", listing and not missing,
              f"listing {listing}, missing {missing}")
    release = open(os.path.join(LINUX_DIR, "version")).read().split("kernel ")[1].split(";")[0]
    deps = {}
    for line in open(f"/lib/modules/{release}/modules.dep"):
        mod, _, rest = line.partition(":")
        deps[os.path.basename(mod).split(".ko")[0]] = [
            os.path.basename(d).split(".ko")[0] for d in rest.split()]
    names = [os.path.basename(m)[:-3] for m in listing]
    late = [(m, d) for i, m in enumerate(names) for d in deps.get(m, [])
            if d not in names[:i]]
    res.check("modules load after their dependencies", not late, f"{late}")
    res.check("virtio_net and virtio_mmio/pci are listed",
              {"virtio_net", "virtio_mmio", "virtio_pci"} <= set(names), f"{names}")


def boot_checks(res, machine, image, boots):
    port = free_udp_port()
    cmd = bench.command("linux", machine, "tcg", port, image)
    vm = vmrun.boot(cmd, port, 60)
    try:
        ok = res.check(f"{machine}: echoes within 60 s", vm.echo_s is not None,
                       f"console: {vm.text()[-400:]!r}")
        if ok and boots == 1:
            res.check(f"{machine}: first serial byte before first echo",
                      vm.first_byte_s is not None and 0 < vm.first_byte_s < vm.echo_s,
                      f"byte {vm.first_byte_s}, echo {vm.echo_s}")
            bad = echo_sizes(port, [1, 64, 512, 1400], random.Random(boots))
            res.check(f"{machine}: payloads come back unchanged", not bad, f"{bad}")
            res.check(f"{machine}: RNG check printed 32 bytes",
                      re.search(r"rng: [0-9a-f]{64}", vm.text()), vm.text()[-400:])
    finally:
        vm.stop()
    if ok:
        res.check(f"{machine}: block check, boot {boots}",
                  f"blk: boot count {boots} ok" in vm.text(), vm.text()[-400:])
        res.check(f"{machine}: sector 0 holds boot count {boots}",
                  echo_check_sector0(image, boots))


def main():
    res = Results()
    subprocess.check_call(["make", "-s", "--no-print-directory", "-C", ROOT, "linuxvm"])
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.check_call([sys.executable, os.path.join(ROOT, "bench", "linuxvm",
                                                            "build.py"), tmp],
                              stdout=subprocess.DEVNULL)
        ours = open(os.path.join(LINUX_DIR, "initramfs.cpio.gz"), "rb").read()
        again = open(os.path.join(tmp, "initramfs.cpio.gz"), "rb").read()
        res.check("initramfs build is reproducible", ours == again,
                  f"{len(ours)} vs {len(again)} bytes")
        try:
            check_archive(res, read_newc(gzip.decompress(ours)))
        except ValueError as e:
            res.fail("initramfs parses as newc", str(e))
        for machine in ("microvm", "q35"):
            image = os.path.join(tmp, f"{machine}.img")
            open(image, "wb").truncate(16 << 20)
            boot_checks(res, machine, image, 1)
            if machine == "microvm":
                boot_checks(res, machine, image, 2)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
