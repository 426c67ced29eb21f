"""Boot one VM and time it: the measuring half of bench/vm/run.py.

A VM is a shell-style command line (QEMU, usually) whose guest serves UDP
echo on a host port forwarded to guest port 8080. boot() launches it and
probes 127.0.0.1:port with a datagram every PROBE_S until the first reply:
that delay is boot-to-first-echo, measured from just before the process
is started. A reader thread drains the serial console the whole time (a
full pipe would stall QEMU's serial device, and so the guest) and notes
when the first byte arrived. Python stdlib only.
"""
import os
import select
import shlex
import socket
import subprocess
import threading
import time

PROBE_S = 0.001


class VM:
    """A running VM: its process, console log and boot timings."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.log = bytearray()
        self.first_byte_s = None
        self.echo_s = None
        self.stopped_s = None
        self.exited = False
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(shlex.split(cmd), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self):
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 65536)
            if not data:
                return
            if self.first_byte_s is None:
                self.first_byte_s = time.monotonic() - self.t0
            if len(self.log) < (1 << 20):
                self.log += data

    def text(self):
        return self.log.decode("utf-8", "replace")

    def stop(self):
        if self.stopped_s is None:
            self.stopped_s = time.monotonic() - self.t0
            self.exited = self.proc.poll() is not None  # on its own
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(2)


def wait_echo(vm, port, timeout):
    """Probe until the first echo; True when it came within (timeout)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    try:
        while vm.proc.poll() is None:
            now = time.monotonic()
            if now - vm.t0 > timeout or b"KVM internal error" in vm.log:
                return False  # QEMU pauses a guest KVM cannot run: give up
            try:
                s.send(b"mote-vm-bench-probe")
            except (ConnectionRefusedError, BlockingIOError):
                pass  # QEMU has not bound the forwarded port yet
            end = now + PROBE_S
            while time.monotonic() < end:
                ready, _, _ = select.select([s], [], [], max(0.0, end - time.monotonic()))
                if not ready:
                    break
                try:
                    s.recv(2048)
                    vm.echo_s = time.monotonic() - vm.t0
                    return True
                except ConnectionRefusedError:
                    break  # an ICMP error from the closed port: probe again
                except BlockingIOError:
                    continue
        return False
    finally:
        s.close()


def boot(cmd, port, timeout):
    """Start (cmd); return the VM, echoing or not (vm.echo_s says)."""
    vm = VM(cmd)
    wait_echo(vm, port, timeout)
    return vm
