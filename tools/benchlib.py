"""Helpers for mote's benchmarks: machine description and results files."""
import datetime
import os
import platform
import subprocess


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(open("/proc/meminfo").readline().split()[1])
        mem = f", {kb / 1048576:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    kvm = "usable" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "not usable"
    qemu = ""
    try:
        qemu = subprocess.check_output(["qemu-system-x86_64", "--version"], text=True)
        qemu = ", " + qemu.splitlines()[0].replace("QEMU emulator version", "QEMU")
    except (OSError, subprocess.CalledProcessError):
        pass
    return (f"{model}, {os.cpu_count()} CPUs{mem}, Linux {platform.release()}"
            f"{qemu}, /dev/kvm {kvm}")


def write_results(name, title, command, table_lines, notes=""):
    """Write bench/results/<name>.md and return its path."""
    root = os.path.join(os.path.dirname(__file__), "..", "bench", "results")
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, f"{name}.md")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(path, "w") as f:
        f.write(f"# {title}\n\n")
        f.write(f"- machine: {machine()}\n- date: {now}\n- command: `{command}`\n\n")
        f.write("\n".join(table_lines) + "\n")
        if notes:
            f.write("\n" + notes.strip() + "\n")
    return os.path.normpath(path)
