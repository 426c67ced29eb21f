#!/usr/bin/env python3
"""Build the Linux comparison VM from Debian's kernel package.

    python3 bench/linuxvm/build.py [OUTDIR]      (default build/linuxvm)

Produces OUTDIR/vmlinuz (Debian's kernel, copied unchanged),
OUTDIR/vmlinux (the same kernel taken out of its bzImage wrapper: an ELF
with a PVH entry note, which QEMU boots straight from -kernel like mote,
with no firmware and no in-guest decompression), OUTDIR/initramfs.cpio.gz (our static /init, the virtio modules it loads
and nothing else) and OUTDIR/version (what it was built from).

Only Debian packages are used: linux-image-amd64 is installed with
apt-get when missing (as root, or through sudo), exactly like
tools/ensure-deps. The archive is reproducible: entries in a fixed order,
every timestamp 0, owner root, gzip header without a time or name.
"""
import gzip
import io
import lzma
import struct
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PACKAGE = "linux-image-amd64"
# What the VM needs; their dependencies come from modules.dep.
WANTED = ["virtio_mmio", "virtio_pci", "virtio_net", "virtio_blk", "virtio-rng"]
COMPRESSED = {".xz": ["xz", "-dc"], ".zst": ["zstd", "-dcq"], ".gz": ["gzip", "-dc"]}


def ensure_package():
    if subprocess.call(["dpkg", "-s", PACKAGE], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL) == 0:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print(f"linuxvm: installing {PACKAGE} with apt-get", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.check_call(sudo + ["apt-get", "update", "-qq"], env=env)
    subprocess.check_call(sudo + ["apt-get", "install", "-y", "-qq",
                                  "--no-install-recommends", PACKAGE], env=env)


def kernel_release():
    """The release (e.g. 6.1.0-56-amd64) the meta-package points at."""
    out = subprocess.check_output(
        ["dpkg-query", "-W", "-f=${Version}\n${Depends}", PACKAGE], text=True)
    version, depends = out.split("\n", 1)
    for dep in depends.split(","):
        name = dep.strip().split()[0]
        if name.startswith("linux-image-") and name != PACKAGE:
            return name[len("linux-image-"):], version
    raise SystemExit(f"linuxvm: cannot tell the kernel release from: {depends}")


def module_order(moddir):
    """WANTED and their dependencies, each after what it needs."""
    deps = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[mod] = rest.split()
    by_name = {}
    for mod in deps:
        base = os.path.basename(mod).split(".ko")[0]
        by_name[base] = mod
    order = []

    def visit(mod):
        if mod in order:
            return
        for d in deps[mod]:
            visit(d)
        order.append(mod)

    for name in WANTED:
        if name not in by_name:
            raise SystemExit(f"linuxvm: module {name} not in {moddir} (built in?)")
        visit(by_name[name])
    return order


def module_bytes(path):
    for ext, cmd in COMPRESSED.items():
        if path.endswith(ext):
            return subprocess.check_output(cmd + [path])
    with open(path, "rb") as f:
        return f.read()


def unwrap_bzimage(bz):
    """The vmlinux ELF inside a bzImage (boot protocol 2.08+ header)."""
    setup_sects = bz[0x1f1] or 4
    offset, length = struct.unpack_from("<II", bz, 0x248)
    start = (setup_sects + 1) * 512 + offset
    payload = bz[start:start + length]
    if payload[:6] == b"\xfd7zXZ\0":
        elf = lzma.LZMADecompressor().decompress(payload)
    elif payload[:2] == b"\x1f\x8b":
        elf = gzip.GzipFile(fileobj=io.BytesIO(payload)).read()
    elif payload[:4] == b"\x28\xb5\x2f\xfd":
        elf = subprocess.run(["zstd", "-dcq"], input=payload, stdout=subprocess.PIPE,
                             check=True).stdout
    else:
        raise SystemExit(f"linuxvm: unknown bzImage payload {payload[:6].hex()}")
    if elf[:4] != b"\x7fELF":
        raise SystemExit("linuxvm: bzImage payload is not an ELF")
    return elf


def build_init(outdir):
    exe = os.path.join(outdir, "init")
    subprocess.check_call(["clang", "-std=c11", "-O2", "-static", "-Wall", "-Wextra",
                           "-Werror", "-s", "-o", exe,
                           os.path.join(ROOT, "bench", "linuxvm", "init.c")])
    with open(exe, "rb") as f:
        return f.read()


def newc_entry(ino, name, mode, data=b"", rdev=(0, 0)):
    """One cpio "newc" record: a 110-byte ASCII header, name, data."""
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name) + 1, 0]
    head = b"070701" + b"".join(b"%08x" % v for v in fields)
    rec = head + name.encode() + b"\0"
    rec += b"\0" * (-len(rec) % 4) + data
    return rec + b"\0" * (-len(rec) % 4)


def write_cpio(files):
    """files: list of (name, mode, data, rdev); returns the archive bytes."""
    out = io.BytesIO()
    for ino, (name, mode, data, rdev) in enumerate(files, 1):
        out.write(newc_entry(ino, name, mode, data, rdev))
    out.write(newc_entry(0, "TRAILER!!!", 0))
    return out.getvalue()


def main():
    outdir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                             else os.path.join(ROOT, "build", "linuxvm"))
    os.makedirs(outdir, exist_ok=True)
    ensure_package()
    release, version = kernel_release()
    moddir = f"/lib/modules/{release}"
    mods = module_order(moddir)
    files = [(d, 0o40755, b"", (0, 0)) for d in (".", "dev", "etc", "lib", "lib/modules")]
    files.append(("dev/console", 0o20600, b"", (5, 1)))
    files.append(("init", 0o100755, build_init(outdir), (0, 0)))
    listing = []
    for mod in mods:
        name = "lib/modules/" + os.path.basename(mod).split(".ko")[0] + ".ko"
        files.append((name, 0o100644, module_bytes(os.path.join(moddir, mod)), (0, 0)))
        listing.append("/" + name)
    files.append(("etc/modules.list", 0o100644, ("\n".join(listing) + "\n").encode(),
                  (0, 0)))
    with open(os.path.join(outdir, "initramfs.cpio.gz"), "wb") as f:
        f.write(gzip.compress(write_cpio(files), 9, mtime=0))
    with open(f"/boot/vmlinuz-{release}", "rb") as src:
        kernel = src.read()
    with open(os.path.join(outdir, "vmlinuz"), "wb") as f:
        f.write(kernel)
    with open(os.path.join(outdir, "vmlinux"), "wb") as f:
        f.write(unwrap_bzimage(kernel))
    with open(os.path.join(outdir, "version"), "w") as f:
        f.write(f"Debian {PACKAGE} {version}, kernel {release}; modules: "
                + " ".join(os.path.basename(m).split(".ko")[0] for m in mods) + "\n")
    print(f"linuxvm: {outdir}/vmlinuz, vmlinux and initramfs.cpio.gz from {release}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
