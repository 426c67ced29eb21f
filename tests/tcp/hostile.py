#!/usr/bin/python3
"""Blind injection against a live TCP connection to tcpecho, with scapy
(run inside the test's namespace by tcp_test.py, as /usr/bin/python3,
where Debian's python3-scapy lives).

Usage: hostile.py MOTE_IP PORT IFACE

Opens a connection with a normal socket, learns the mote's sequence
numbers the way an on-path observer would not need to (from one of its
ACKs) only to aim *inside* the window, then sends, as an off-path attacker
who guessed the window but not the exact numbers:
  rst   RST at rcv_nxt + 1000       -> challenge ACK, connection lives
  syn   SYN on the same four-tuple  -> challenge ACK, connection lives
  data  data at rcv_nxt with an ACK for bytes never sent
                                    -> challenge ACK, data not delivered
After each, the echo must still return exactly what the socket sent.
Prints one line per case: "CASE ok" or "CASE FAIL why".
"""
import socket
import sys
import time

from scapy.all import IP, TCP, AsyncSniffer, conf, send  # noqa: E402

conf.verb = 0


def echo_ok(s, msg):
    s.sendall(msg)
    got = b""
    s.settimeout(5)
    while len(got) < len(msg):
        b = s.recv(4096)
        if not b:
            break
        got += b
    return got == msg


def learn(s, iface, flt):
    """(mote's next seq, ours) from one of the mote's segments."""
    sn = AsyncSniffer(iface=iface, filter=flt, count=1)
    sn.start()
    time.sleep(0.3)
    s.sendall(b"x")
    sn.join(timeout=5)
    s.recv(1)
    if not sn.results:
        return None
    seg = sn.results[0][TCP]
    return seg.seq + len(bytes(seg.payload)), seg.ack


def main():
    ip, port, iface = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.create_connection((ip, port), timeout=5)
    lport = s.getsockname()[1]
    flt = f"tcp and src host {ip} and src port {port} and dst port {lport}"
    if not echo_ok(s, b"first"):
        print("setup FAIL no echo")
        return
    for name in ("rst", "syn", "data"):
        nums = learn(s, iface, flt)
        if not nums:
            print(f"{name} FAIL no segment seen")
            continue
        mote_seq, our_seq = nums
        pkt = {
            "rst": TCP(sport=lport, dport=port, flags="R", seq=our_seq + 1000),
            "syn": TCP(sport=lport, dport=port, flags="S",
                       seq=(our_seq + 77777) & 0xffffffff),
            "data": TCP(sport=lport, dport=port, flags="PA", seq=our_seq,
                        ack=(mote_seq + 100000) & 0xffffffff) / b"INJECTED",
        }[name]
        sn = AsyncSniffer(iface=iface, filter=flt + " and tcp[13] & 16 != 0",
                          count=1)
        sn.start()
        time.sleep(0.3)
        send(IP(dst=ip) / pkt, iface=iface)
        sn.join(timeout=3)
        acked = bool(sn.results)
        alive = echo_ok(s, f"after-{name}".encode())
        if acked and alive:
            print(f"{name} ok", flush=True)
        else:
            print(f"{name} FAIL challenge_ack={acked} echo_intact={alive}",
                  flush=True)
    s.close()


if __name__ == "__main__":
    main()
