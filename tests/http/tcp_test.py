#!/usr/bin/env python3
"""tests/http/tcp_test.py: the hosted TCP service (platform/hosted/tcp.c)
against Linux's TCP: tests/http/tcpcheck.c walks the net.h semantics and
this script is its peer, checking what the other side of each connection
sees (data, FIN, RST). Usage: tcp_test.py KERNEL"""
import os
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from motetest import Console, Results, free_tcp_port  # noqa: E402

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "build/hosted/tcpcheck/mote.elf"




def recv_all(c, timeout=5):
    """Everything until EOF, or the exception that ended it."""
    c.settimeout(timeout)
    data = b""
    try:
        while True:
            b = c.recv(65536)
            if not b:
                return data, "eof"
            data += b
    except ConnectionResetError:
        return data, "rst"
    except socket.timeout:
        return data, "timeout"


class Peer(threading.Thread):
    """The server tcpcheck connects to (A, B, C), then the client of its
    listener (D, E). Records what it saw in self.seen."""

    def __init__(self, port, fwd):
        super().__init__(daemon=True)
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", port))
        self.srv.listen(8)
        self.srv.settimeout(20)
        self.fwd = fwd
        self.seen = {}
        self.listening = threading.Event()

    def run(self):
        try:
            self.script()
        except Exception as e:  # reported by the driver
            self.seen["error"] = repr(e)

    def script(self):
        a, _ = self.srv.accept()          # A
        a.settimeout(5)
        got = b""
        while len(got) < 5:
            got += a.recv(5 - len(got))
        self.seen["A_got"] = got
        a.sendall(b"world")
        a.shutdown(socket.SHUT_WR)        # our FIN: mote reads KERR_CLOSED
        self.seen["A_end"] = recv_all(a)  # mote's shutdown: EOF
        a.close()
        b, _ = self.srv.accept()          # B: reset at once
        b.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        b.close()
        c, _ = self.srv.accept()          # C: never read until mote aborts
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        self.listening.wait(20)
        data, how = recv_all(c, 10)       # after the abort: RST
        self.seen["C_end"] = how
        c.close()
        d = socket.create_connection(("127.0.0.1", self.fwd), timeout=5)
        d.sendall(b"pingmore")
        self.seen["D_end"] = recv_all(d)[1]
        d.close()
        e = socket.create_connection(("127.0.0.1", self.fwd), timeout=5)
        self.seen["E_end"] = recv_all(e)[1]
        e.close()


def full_listener():
    """A listener whose accept queue is full, so Linux drops new SYNs: a
    connect to it hangs until its deadline."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    fillers = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(srv.getsockname())
        fillers.append(c)
    return srv, fillers


def main():
    r = Results()
    port, closed, fwd = free_tcp_port(), free_tcp_port(), free_tcp_port()
    full, fillers = full_listener()
    peer = Peer(port, fwd)
    peer.start()
    vm = Console([KERNEL, f"peer={port}", f"closed={closed}", f"hostfwd={fwd}:9000",
                  f"full={full.getsockname()[1]}"])
    if vm.wait_for(r"tcpcheck: listening", 30):
        peer.listening.set()
    vm.wait_for(r"tcpcheck: done", 30)
    peer.join(20)
    vm.stop()
    for c in fillers + [full]:
        c.close()
    names = ["refused", "deadline", "A_connect", "A_send", "A_recv", "A_eof_closed", "A_shutdown",
             "A_send_after_shutdown", "B_connect", "B_reset", "B_sticky_error",
             "C_connect", "C_recv_deadline", "C_recv_cancel", "C_send_partial",
             "listen", "listen_busy", "accept_deadline", "D_accept", "D_recv4", "E_accept", "stats"]
    for n in names:
        r.check(f"mote_{n}", f"tcpcheck: {n} ok" in vm.log,
                "".join(l for l in vm.log.splitlines(True) if f"tcpcheck: {n} " in l)
                or "step never ran", vm.log)
    s = peer.seen
    r.check("peer_no_error", "error" not in s, s.get("error", ""))
    r.check("peer_A_received_hello", s.get("A_got") == b"hello", repr(s.get("A_got")))
    r.check("peer_A_sees_fin_after_shutdown", s.get("A_end") == (b"", "eof"),
            repr(s.get("A_end")))
    r.check("peer_C_sees_rst_on_abort", s.get("C_end") == "rst", repr(s.get("C_end")))
    r.check("peer_D_sees_rst_on_close_with_unread", s.get("D_end") == "rst",
            repr(s.get("D_end")))
    r.check("peer_E_sees_fin_on_clean_close", s.get("E_end") == "eof",
            repr(s.get("E_end")))
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
