#!/usr/bin/env python3
"""Run a command under a seccomp filter that refuses io_uring_setup(2)
with EPERM, the way a container runtime's default profile does.

    tests/hosted/no_uring.py CMD [ARG...]

tests/hosted uses it to check that the hosted platform falls back to epoll
when the host forbids io_uring. Linux only; io_uring_setup is system call
425 on every architecture (the unified syscall table)."""
import ctypes
import os
import struct
import sys

NR_IO_URING_SETUP = 425
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EPERM = 1


def insn(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


# A = seccomp_data.nr; if A == io_uring_setup: return ERRNO(EPERM); else allow.
PROGRAM = b"".join([
    insn(0x20, 0, 0, 0),                           # BPF_LD | BPF_W | BPF_ABS, offset 0
    insn(0x15, 0, 1, NR_IO_URING_SETUP),           # BPF_JMP | BPF_JEQ | BPF_K
    insn(0x06, 0, 0, SECCOMP_RET_ERRNO | EPERM),   # BPF_RET | BPF_K
    insn(0x06, 0, 0, SECCOMP_RET_ALLOW),
])


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: no_uring.py CMD [ARG...]")
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(PROGRAM, len(PROGRAM))
    prog = SockFprog(len(PROGRAM) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        sys.exit("no_uring.py: cannot install the seccomp filter: "
                 + os.strerror(ctypes.get_errno()))
    os.execvp(sys.argv[1], sys.argv[1:])


if __name__ == "__main__":
    main()
