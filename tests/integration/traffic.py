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
                                      ("hex:..." for bytes given in hex)

  probe-send DST PORT INTERVAL_US SECONDS LOG [STOP]
                                      numbered UDP probes at a fixed
                                      interval, for SECONDS or until the file
                                      STOP exists; LOG gets "SEQ SENT_NS"
  probe-recv BIND PORT OUT SECONDS    receive probes until the sender's end
                                      mark or SECONDS; OUT gets "SEQ SENT_NS
                                      RECV_NS" (OUT.ready once bound)
  ping-probe DST INTERVAL_US SECONDS SENT RECEIVED [STOP]
                                      numbered ICMP echo requests (a raw
                                      socket) at a fixed interval, for a VM
                                      that runs nothing of ours (a qemu
                                      guest answers in its kernel); SENT
                                      and RECEIVED as probe-send's and
                                      probe-recv's, for probe-gap
  probe-gap SENT RECEIVED MOVES_JSON INTERVAL_US [VM [SRC_HOST]]
                                      per move (of VM) in `vanlab migrate
                                      --json` output (several concatenated):
                                      the stream's outage and the gap after
                                      the VM's first frame (after the old
                                      port's detach for a move away from
                                      SRC_HOST), one line each
  storm IFACE SECONDS                 broadcast frames out of IFACE as fast as
                                      it goes; prints how many
  garp IFACE IP                       one gratuitous ARP for IP from IFACE's MAC
  udp-df DST PORT SIZE [WAIT]         one UDP datagram of SIZE bytes with DF;
                                      with WAIT, keeps the socket up to WAIT
                                      seconds for an ICMP error (the kernel
                                      caches a path MTU only while the
                                      socket exists); prints "sent|refused"
                                      and the path MTU
  learn-msg VAN MAC SEQ               a LEARN (no trailer), hex
  seal HEX EPOCH COUNTER KEYFILE [FROM TO]
                                      that control message with the site
                                      key's trailer (KEYFILE - : a random key),
                                      keyed for FROM -> TO ("ip:port" each;
                                      version 2), else by the site key
                                      itself (version 1)
  van-spoof SRC_IP:PORT DST PORT HEX...  datagrams with a forged source
                                      (IP_HDRINCL)
  flood-joins SRC DST PORT FIRST COUNT  forged JOINs of VAN IDs FIRST..
  flood-srcmacs SRC DST PORT VAN DMAC COUNT
                                      forged DATA to DMAC from COUNT source
                                      MACs
  epoch-churn SRC DST PORT VAN EPOCH COUNT
                                      forged JOIN, HELLO of a new epoch, COUNT
                                      times
  frame IFACE HEX...                  raw Ethernet frames out of IFACE
  pcap-van FILE SRC_IP                the VAN messages from SRC_IP in a pcap:
                                      "TYPE EPOCH COUNTER HEX" (control with a
                                      trailer; EPOCH COUNTER "- -" otherwise)
  pcap-wg FILE PORT IP...             a capture between proxies: every frame
                                      is IPv4 UDP from PORT to PORT between the
                                      IPs (or ARP for them, or an ICMP
                                      unreachable quoting such a datagram),
                                      every datagram a
                                      WireGuard message (type 1-4, three zero
                                      bytes, 148/92/64/>=32 bytes, transport a
                                      multiple of 16); prints the counts, each
                                      violation, exit 1 if any
  pcap-grep FILE HEX...               occurrences of each byte string in the
                                      frames of a pcap, one count a line
"""
import base64
import json
import hashlib
import os
import random
import select
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
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
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
    if text.startswith("hex:"):
        needle = bytes.fromhex(text[4:])
    else:
        needle = text.encode()
    with open(path, "rb") as f:
        print(f.read().count(needle))


PROBE = struct.Struct("!IQ")
PROBE_END = 0xFFFFFFFF


def rcvbuf(s):
    """A receive buffer of seconds of probes, past rmem_max (root: FORCE),
    so that a receiver the machine starves a while loses nothing the
    network delivered: a lost probe is the system's, not this tool's."""
    try:
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)   # SO_RCVBUFFORCE
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)


def probe_send(dst, port, interval_us, seconds, log, stop=None):
    """Absolute schedule: late sends go at once, but never in a burst to
    catch up (a probe that would be more than one interval late is
    skipped), so the stream keeps its interval through stalls."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    step = int(interval_us) * 1000
    now = time.monotonic_ns()
    end = now + int(float(seconds) * 1e9)
    nxt = now
    seq = 0
    sent = []
    while nxt < end:
        if stop is not None and seq % 64 == 0 and os.path.exists(stop):
            break
        now = time.monotonic_ns()
        if now < nxt:
            time.sleep((nxt - now) / 1e9)
        t = time.monotonic_ns()
        try:
            s.sendto(PROBE.pack(seq, t).ljust(32, b"\0"), (dst, int(port)))
            sent.append((seq, t))
        except OSError:
            pass  # no route or neighbour for a moment: a lost probe
        seq += 1
        nxt += step
        if time.monotonic_ns() - nxt > step:
            nxt = time.monotonic_ns()
    for _ in range(5):
        s.sendto(PROBE.pack(PROBE_END, 0), (dst, int(port)))
        time.sleep(0.01)
    with open(log + ".tmp", "w") as f:
        f.writelines("%d %d\n" % x for x in sent)
    os.rename(log + ".tmp", log)


def ping_probe(dst, interval_us, seconds, sent_log, recv_log, stop=None):
    """The echo's sequence numbers are 16 bits: SEQ counts on past them."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setblocking(False)
    ident = os.getpid() & 0xffff
    step = int(interval_us) * 1000
    now = time.monotonic_ns()
    end = now + int(float(seconds) * 1e9)
    nxt, seq = now, 0
    sent, got, at = [], {}, {}

    def csum(b):
        v = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        v = (v >> 16) + (v & 0xffff)
        return ~(v + (v >> 16)) & 0xffff

    def drain():
        while True:
            try:
                b = s.recv(2048)
            except BlockingIOError:
                return
            h = (b[0] & 15) * 4
            if len(b) < h + 8 or b[h] != 0:
                continue
            i, q = struct.unpack_from("!HH", b, h + 4)
            if i == ident and q in at and at[q][0] not in got:
                got[at[q][0]] = (at[q][1], time.monotonic_ns())

    while nxt < end:
        if stop is not None and seq % 64 == 0 and os.path.exists(stop):
            break
        drain()
        now = time.monotonic_ns()
        if now < nxt:
            time.sleep(min((nxt - now) / 1e9, 0.001))
            continue
        t = time.monotonic_ns()
        body = struct.pack("!QQ", seq, t)
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq & 0xffff)
        pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + body), ident, seq & 0xffff) + body
        try:
            s.sendto(pkt, (dst, 0))
            sent.append((seq, t))
            at[seq & 0xffff] = (seq, t)
        except OSError:
            pass
        seq += 1
        nxt += step
        if time.monotonic_ns() - nxt > step:
            nxt = time.monotonic_ns()
    late = time.monotonic() + 1.0
    while time.monotonic() < late:
        drain()
        time.sleep(0.01)
    with open(sent_log + ".tmp", "w") as f:
        f.writelines("%d %d\n" % x for x in sent)
    os.rename(sent_log + ".tmp", sent_log)
    with open(recv_log + ".tmp", "w") as f:
        f.writelines("%d %d %d\n" % (q, a, b) for q, (a, b) in sorted(got.items()))
    os.rename(recv_log + ".tmp", recv_log)


def probe_recv(bind, port, out, seconds, stop=None):
    """Until the sender's end marker, or SECONDS; with a STOP file, also
    2 s after it appears (the sender stops on it too, and its end markers
    may all be lost where the path is down): what was on its way by then
    has arrived."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rcvbuf(s)
    s.bind((bind, int(port)))
    with open(out + ".ready", "w") as f:
        f.write("ready\n")
    deadline = time.monotonic() + float(seconds)
    got = []
    stopping = False
    while time.monotonic() < deadline:
        if stop is not None and not stopping and os.path.exists(stop):
            stopping = True
            deadline = min(deadline, time.monotonic() + 2.0)
        s.settimeout(max(0.01, min(0.25, deadline - time.monotonic())))
        try:
            b = s.recv(64)
        except socket.timeout:
            continue
        t = time.monotonic_ns()
        if len(b) < PROBE.size:
            continue
        seq, sent = PROBE.unpack_from(b)
        if seq == PROBE_END:
            break
        got.append((seq, sent, t))
    with open(out + ".tmp", "w") as f:
        f.writelines("%d %d %d\n" % x for x in got)
    os.rename(out + ".tmp", out)


def json_objects(text):
    """The JSON objects of a file that holds several, one after another."""
    d = json.JSONDecoder()
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return
        o, i = d.raw_decode(text, i)
        yield o


def probe_gap(sent_log, recv_log, moves_json, interval_us, vm=None, src_host=None):
    """One line per move: away_ms (detach to first frame), outage_ms (the
    longest silence of the stream around the move), lost, back_ms (when
    the stream came back, from the VM's first frame: negative = before
    it), gap_ms (from the first frame to the first probe sent after it,
    and after the last one lost, that arrived) and lost_after (probes sent
    after the first frame that never arrived).  For a move away from
    SRC_HOST, the stream's own host, the reference is the old port's detach
    instead of the first frame (ref=detach): that host keeps a port's
    configured MAC on the port until it goes.  A move's window runs from
    50 ms before it to 50 ms before the next one."""
    sent = [tuple(map(int, l.split())) for l in open(sent_log)]
    got = {int(l.split()[0]) for l in open(recv_log)}
    moves = []
    for o in json_objects(open(moves_json).read()):
        for m in o["moves"]:
            m["mac"] = "attach" if o["port_mac"].startswith("configured") else "learnt"
            if vm is None or m["vm"] == vm:
                moves.append(m)
    if not sent or not got:
        sys.exit("probe-gap: no probes sent or none received")
    last = max(got)
    carry = None    # where the previous window's trailing losses began
    for k, m in enumerate(moves):
        d, ff = m["stop_ns"], m["first_frame_ns"]
        ref = "first-frame"
        if src_host is not None and m["from"] == src_host:
            ff, ref = max(ff, m["detach_ns"]), "detach"
        # The window of a move: from 50 ms before it to 50 ms before the
        # next one.  Probes lost at the end of a window, up to its end, are
        # the next move's: sent before it but still on their way when it
        # stopped the VM's NIC (on a busy machine, tens of ms and more) —
        # they open the next window, whose stream must come back after
        # its own first frame.  The last window runs to the last probe.
        b0 = d - 50_000_000 if carry is None else min(carry, d - 50_000_000)
        e = (moves[k + 1]["stop_ns"] - 50_000_000 if k + 1 < len(moves)
             else sent[-1][1] + 1)
        win = [(q, t) for q, t in sent if b0 <= t < e and q <= last]
        carry = None
        if k + 1 < len(moves):
            while win and win[-1][0] not in got:
                carry = win.pop()[1]
        before = [t for q, t in sent if t < d - 50_000_000 and q in got]
        ok = [t for q, t in win if q in got]
        lost = [t for q, t in win if q not in got]
        name = "move=%d vm=%s from=%s to=%s mac=%s ref=%s" % (
            k + 1, m["vm"], m["from"], m["to"], m["mac"], ref)
        if not before or not ok:
            print("%s: no probe arrived %s it" % (
                name, "before" if not before else "after"))
            continue
        ts = [before[-1]] + ok
        outage, back = max((b - a, b) for a, b in zip(ts, ts[1:]))
        late = [t for t in lost if t >= ff]
        after = [t for t in ok if t >= ff and (not late or t > late[-1])]
        gap = (after[0] - ff) / 1e6 if after else float("inf")
        print("%s away_ms=%.1f outage_ms=%.1f lost=%d back_ms=%+.1f gap_ms=%.1f "
              "lost_after=%d" % (name, (ff - d) / 1e6, outage / 1e6, len(lost),
                                 (back - ff) / 1e6, gap, len(late)))
    print("interval_ms=%.1f sent=%d received=%d" % (int(interval_us) / 1e3,
                                                    len(sent), len(got)))


def storm(ifname, seconds):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    src = open("/sys/class/net/%s/address" % ifname).read().strip()
    frame = (b"\xff" * 6 + bytes.fromhex(src.replace(":", "")) +
             b"\x88\xb5" + b"vanstorm".ljust(46, b"\0"))
    end = time.monotonic() + float(seconds)
    n = 0
    while time.monotonic() < end:
        for _ in range(256):
            try:
                s.send(frame)
                n += 1
            except OSError:
                pass  # the queue is full: so is the point
    print(n)


def garp(ifname, ip):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    mac = bytes.fromhex(open("/sys/class/net/%s/address" % ifname).read()
                        .strip().replace(":", ""))
    a = socket.inet_aton(ip)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + a + b"\0" * 6 + a
    s.send((b"\xff" * 6 + mac + b"\x08\x06" + arp).ljust(60, b"\0"))


IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_RECVERR, IP_MTU = 10, 2, 11, 14


def udp_df(dst, port, size, wait="0"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    s.connect((dst, int(port)))
    try:
        s.send(b"m" * int(size))
        what = "sent"
    except OSError:
        what = "refused"
    if what == "sent" and float(wait) > 0:
        p = select.poll()
        p.register(s, select.POLLERR)
        if p.poll(float(wait) * 1000):
            s.recvmsg(2048, 512, socket.MSG_ERRQUEUE)
    print(what, s.getsockopt(socket.IPPROTO_IP, IP_MTU))


def learn_msg(van, mac, seq):
    ids = struct.pack("!II", int(van), int(van))
    body = bytes.fromhex(mac.replace(":", "")) + struct.pack("!BBI", 0, 0, int(seq))
    print((bytes([0x13, 0, 16, 0]) + ids + body).hex())


def underlay_id(addr):
    """docs/protocol.md §7: family, 16 address bytes, port (IPv4 "ip:port")."""
    ip, port = addr.rsplit(":", 1)
    return bytes([4]) + socket.inet_aton(ip) + bytes(12) + struct.pack("!H", int(port))


def seal(hexmsg, epoch, counter, keyfile, sender=None, receiver=None):
    """Version 2 (the pair key of SENDER -> RECEIVER) when they are given,
    else version 1 (the site key itself, as before pair keys)."""
    m = bytearray(bytes.fromhex(hexmsg))
    if keyfile == "-":
        key = os.urandom(32)
    else:
        key = base64.b64decode(open(keyfile).read().strip())
    m[1] = (m[1] & ~0x40) | 0x80
    if sender is not None:
        key = hashlib.blake2b(b"vanfed site pair key v2" + underlay_id(sender) +
                              underlay_id(receiver), digest_size=32, key=key).digest()
        m[1] |= 0x40
    m += struct.pack("!QQ", int(epoch), int(counter))
    m += hashlib.blake2b(bytes(m), digest_size=16, key=key).digest()
    print(bytes(m).hex())


def ip_checksum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def spoofer(src, dst, port):
    """A function sending one UDP payload from SRC "ip:port" (forged)."""
    sip, sport = src.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)

    sent = [0]

    def send(p):
        sent[0] += 1
        if sent[0] % 500 == 0:
            time.sleep(0.002)	# paced: the receiver's socket buffer holds the rest
        udp = udp_header(sport, port, p) + p	# checksum 0: none (IPv4)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000,
                         64, 17, 0, socket.inet_aton(sip), socket.inet_aton(dst))
        ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
        while True:
            try:
                s.sendto(ip + udp, (dst, 0))
                return
            except BlockingIOError:
                time.sleep(0.001)
    return send


def van_spoof(src, dst, port, *hexes):
    send = spoofer(src, dst, port)
    for h in hexes:
        send(bytes.fromhex(h))


def join_msg(van):
    return bytes([0x15, 0, 16, 0]) + struct.pack("!II", van, van)


def flood_joins(src, dst, port, first, count):
    """JOINs of VAN IDs FIRST.. (COUNT of them), from a forged SRC."""
    send = spoofer(src, dst, port)
    for v in range(int(first), int(first) + int(count)):
        send(join_msg(v))


def flood_srcmacs(src, dst, port, van, dmac, count):
    """DATA frames to DMAC from COUNT different (random, unicast) source MACs."""
    send = spoofer(src, dst, port)
    hdr = bytes([0x11, 0, 16, 0]) + struct.pack("!II", int(van), int(van))
    d = bytes.fromhex(dmac.replace(":", ""))
    for i in range(int(count)):
        smac = bytes([0x06]) + struct.pack("!I", i) + os.urandom(1)
        send(hdr + d + smac + b"\x08\x00" + bytes(46))


def epoch_churn(src, dst, port, van, epoch, count):
    """COUNT pairs: a JOIN of VAN, then a HELLO of a new epoch EPOCH + i."""
    send = spoofer(src, dst, port)
    for i in range(1, int(count) + 1):
        send(join_msg(int(van)))
        send(bytes([0x17, 0, 16, 0]) + bytes(8) +
             struct.pack("!QIIQ", int(epoch) + i, 250, 0, 0))


def frame(ifname, *hexes):
    """Raw Ethernet frames out of IFACE, as they are."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    for h in hexes:
        s.send(bytes.fromhex(h))


def pcap_frames(path):
    """(link header length, frame) of each frame of a classic pcap,
    Ethernet or Linux cooked (v1)."""
    b = open(path, "rb").read()
    magic = struct.unpack("<I", b[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    link = struct.unpack(e + "I", b[20:24])[0]
    off = 24
    while off + 16 <= len(b):
        incl = struct.unpack(e + "I", b[off + 8:off + 12])[0]
        yield (14 if link == 1 else 16), b[off + 16:off + 16 + incl]
        off += 16 + incl


WG_SIZES = {1: 148, 2: 92, 3: 64}
WIRE_MTU = 1500         # the labs' internet_mtu


def pcap_wg(path, port, *ips):
    allowed = set(ips)
    n = {"frames": 0, "arp": 0, "icmp_unreachable": 0, "type1": 0, "type2": 0,
         "type3": 0, "type4": 0, "keepalive": 0, "violations": 0}
    bad = []
    for l2, pkt in pcap_frames(path):
        n["frames"] += 1
        ethertype = pkt[l2 - 2:l2]
        why = None
        if ethertype == b"\x08\x06" and len(pkt) >= l2 + 28:
            n["arp"] += 1
            spa = socket.inet_ntoa(pkt[l2 + 14:l2 + 18])
            tpa = socket.inet_ntoa(pkt[l2 + 24:l2 + 28])
            if spa not in allowed or tpa not in allowed:
                why = "ARP %s -> %s" % (spa, tpa)
        elif ethertype != b"\x08\x00" or len(pkt) < l2 + 28:
            why = "not IPv4 (ethertype %s)" % ethertype.hex()
        else:
            ip = pkt[l2:]
            ihl = (ip[0] & 15) * 4
            src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
            sport, dport, ulen = struct.unpack("!HHH", ip[ihl:ihl + 6])
            msg = ip[ihl + 8:ihl + ulen]
            t = msg[0] if msg else 0
            if src not in allowed or dst not in allowed:
                why = "address %s -> %s" % (src, dst)
            elif len(ip) > WIRE_MTU:
                # One skb for a train of datagrams (UDP GSO) that no
                # wire carries: the capture is not of a wire.
                why = "an IP packet of %d bytes" % len(ip)
            elif ip[9] == 1 and ip[ihl] == 3 and len(ip) >= ihl + 8 + 28:
                # A kernel's "unreachable" for one of the tunnels' own
                # datagrams (a proxy not listening for a moment): fine if
                # the datagram it quotes is one.
                q = ip[ihl + 8:]
                qhl = (q[0] & 15) * 4
                qs, qd = socket.inet_ntoa(q[12:16]), socket.inet_ntoa(q[16:20])
                qp = struct.unpack("!HH", q[qhl:qhl + 4])
                if q[9] != 17 or qs not in allowed or qd not in allowed or \
                        qp != (int(port), int(port)):
                    why = "ICMP %s -> %s about %s -> %s" % (src, dst, qs, qd)
                else:
                    n["icmp_unreachable"] += 1
            elif ip[9] != 17:
                why = "protocol %d %s -> %s" % (ip[9], src, dst)
            elif sport != int(port) or dport != int(port):
                why = "UDP port %d -> %d" % (sport, dport)
            elif len(msg) < 4 or t not in (1, 2, 3, 4) or msg[1:4] != b"\0\0\0":
                why = "not a WireGuard message: %s" % msg[:4].hex()
            elif t in WG_SIZES and len(msg) != WG_SIZES[t]:
                why = "type %d of %d bytes" % (t, len(msg))
            elif t == 4 and (len(msg) < 32 or len(msg) % 16 != 0):
                why = "transport of %d bytes" % len(msg)
            else:
                n["type%d" % t] += 1
                n["keepalive"] += t == 4 and len(msg) == 32
        if why is not None:
            n["violations"] += 1
            if len(bad) < 10:
                bad.append(why)
    print(" ".join("%s=%d" % kv for kv in n.items()))
    for why in bad:
        print("violation:", why)
    sys.exit(1 if n["violations"] else 0)


def pcap_grep(path, *hexes):
    frames = [f for _, f in pcap_frames(path)]
    for h in hexes:
        needle = bytes.fromhex(h)
        print(sum(f.count(needle) for f in frames))


def pcap_van(path, src):
    """Classic pcap, Ethernet or Linux cooked (v1) captures, IPv4/UDP."""
    for l2, pkt in pcap_frames(path):
        if len(pkt) < l2 + 28 or pkt[l2 - 2:l2] != b"\x08\x00":
            continue
        ip = pkt[l2:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17 or socket.inet_ntoa(ip[12:16]) != src:
            continue
        msg = ip[ihl + 8:]
        if len(msg) < 12:
            continue
        t, pad = msg[0] & 15, msg[3] & 15
        if t >= 3 and msg[1] & 0x80 and len(msg) >= 12 + 32 + pad:
            end = len(msg) - pad
            epoch, counter = struct.unpack("!QQ", msg[end - 32:end - 16])
            print(t, epoch, counter, msg.hex())
        else:
            print(t, "-", "-", msg.hex())


COMMANDS = {
    "tcp-recv": tcp_recv, "tcp-send": tcp_send, "udp-sink": udp_sink,
    "udp-send": udp_send, "marker": marker, "van": van,
    "van-random": van_random, "ctl": ctl, "count": count,
    "probe-send": probe_send, "probe-recv": probe_recv, "ping-probe": ping_probe, "probe-gap": probe_gap,
    "storm": storm, "garp": garp, "udp-df": udp_df, "learn-msg": learn_msg, "seal": seal,
    "van-spoof": van_spoof, "pcap-van": pcap_van, "pcap-wg": pcap_wg,
    "pcap-grep": pcap_grep, "flood-joins": flood_joins, "flood-srcmacs": flood_srcmacs,
    "epoch-churn": epoch_churn, "frame": frame,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
