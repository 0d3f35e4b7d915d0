#!/usr/bin/env python3
"""tests/integration/traffic.py — the traffic the integration scenarios
make and check, run inside a lab VM or host (vanlab exec NAME -- python3
traffic.py ...).  Every command is bounded in time: it gives up after its
timeout and says so with a non-zero exit.

  tcp-recv BIND PORT OUT TIMEOUT      one TCP connection; OUT gets
                                      "BYTES SHA256" (OUT.ready once listening)
  tcp-send DST PORT SEED BYTES TIMEOUT  send BYTES of seeded data; print
                                      "BYTES SHA256"
  udp-sink BIND PORT OUT TIMEOUT      count datagrams into OUT; never sends
  udp-send DST PORT COUNT GAP_MS TEXT send COUNT datagrams
  marker TEXT SECONDS ADDR...         UDP datagrams carrying TEXT to each ADDR
                                      (broadcast too) for SECONDS
  van SRC DST PORT HEX...             raw UDP datagrams from SRC "[ip:]port"
                                      (a member's port too), payloads in hex
  van-random SRC DST PORT COUNT SEED  random garbage datagrams
  ctl SOCKET HEX                      one raw request on a control socket;
                                      prints the reply
  count FILE TEXT                     occurrences of TEXT in FILE's bytes
"""
import hashlib
import os
import random
import socket
import struct
import sys
import time


def tcp_recv(bind, port, out, timeout):
    deadline = time.monotonic() + float(timeout)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((bind, int(port)))
    s.listen(1)
    s.settimeout(float(timeout))
    with open(out + ".ready", "w") as f:
        f.write("ready\n")
    c, _ = s.accept()
    h = hashlib.sha256()
    n = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            sys.exit("tcp-recv: timeout after %d bytes" % n)
        c.settimeout(left)
        b = c.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
    with open(out + ".tmp", "w") as f:
        f.write("%d %s\n" % (n, h.hexdigest()))
    os.rename(out + ".tmp", out)


def tcp_send(dst, port, seed, size, timeout):
    deadline = time.monotonic() + float(timeout)
    data = random.Random(int(seed)).randbytes(int(size))
    while True:
        try:
            s = socket.create_connection((dst, int(port)), timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    s.settimeout(max(1.0, deadline - time.monotonic()))
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # the receiver closes once it has it all
    print("%d %s" % (len(data), hashlib.sha256(data).hexdigest()))


def udp_sink(bind, port, out, timeout):
    deadline = time.monotonic() + float(timeout)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((bind, int(port)))
    n = 0
    with open(out + ".tmp", "w") as f:
        f.write("0\n")
    os.rename(out + ".tmp", out)
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            s.recv(65536)
        except socket.timeout:
            break
        n += 1
        with open(out + ".tmp", "w") as f:
            f.write("%d\n" % n)
        os.rename(out + ".tmp", out)


def udp_send(dst, port, count, gap_ms, text):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(int(count)):
        s.sendto(("%s %d" % (text, i)).encode(), (dst, int(port)))
        if float(gap_ms) > 0:
            time.sleep(float(gap_ms) / 1000)


def marker(text, seconds, *addrs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    end = time.monotonic() + float(seconds)
    i = 0
    while time.monotonic() < end:
        for a in addrs:
            try:
                s.sendto(("%s %d" % (text, i)).encode(), (a, 9))
            except OSError:
                pass  # ICMP errors of earlier datagrams: not our concern
        i += 1
        time.sleep(0.05)


def raw_socket(src):
    """(socket, source port) for SRC "[ip:]port".  An IPPROTO_UDP raw
    socket: we write the UDP header (so the source port can be a
    member's), the kernel the IP header (from ip, when given)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    ip, _, port = src.rpartition(":")
    if ip:
        s.bind((ip, 0))
    return s, int(port)


def udp_header(sport, dport, payload):
    return struct.pack("!HHHH", int(sport), int(dport), 8 + len(payload), 0)


def van(src, dst, port, *hexes):
    s, sport = raw_socket(src)
    for h in hexes:
        p = bytes.fromhex(h)
        s.sendto(udp_header(sport, port, p) + p, (dst, 0))


def van_random(src, dst, port, count, seed):
    r = random.Random(int(seed))
    s, sport = raw_socket(src)
    for i in range(int(count)):
        p = r.randbytes(r.randrange(0, 200))
        s.sendto(udp_header(sport, port, p) + p, (dst, 0))
        if i % 100 == 99:
            time.sleep(0.002)  # a veth's backlog holds 1000 packets


def ctl(path, hexreq):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(8)
    s.connect(path)
    s.sendall(bytes.fromhex(hexreq))
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        pass
    sys.stdout.write(out.decode(errors="replace"))


def count(path, text):
    with open(path, "rb") as f:
        print(f.read().count(text.encode()))


COMMANDS = {
    "tcp-recv": tcp_recv, "tcp-send": tcp_send, "udp-sink": udp_sink,
    "udp-send": udp_send, "marker": marker, "van": van,
    "van-random": van_random, "ctl": ctl, "count": count,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
