#!/usr/bin/env python3
"""tests/soak/soak.py — the soak's (tests/soak/run.sh) sampling and
verdict.

  sample T NAME KIND PID       one CSV row for a daemon: RSS, open fds from
                               /proc/PID, table sizes from the `vanctl
                               --json` answers on stdin (show vans, show
                               members, and for a proxy show peers)
  verdict SAMPLES.csv EVENTS.csv SAN
                               the linear fit over the second half of the
                               samples of every daemon and metric; prints
                               the summary table; exits 1 if one grows
                               beyond its bound (SAN=1: RSS is reported,
                               not judged)
  tally SENT RECEIVED          a probe stream's "sent received lost"
  selftest                     the verdict on made-up samples: a leak of
                               a few bytes a second must fail, a metric
                               that settles or swings must pass

The bound: over the second half of the run, the fitted growth (slope x
the half's duration) of a metric may not exceed max(a share of its mean
there, a floor): for RSS 5 % or 512 KiB, whichever is more (a daemon
here has 10 MB: 512 KiB in the 30 minutes of an hour's second half, a
leak of some 300 bytes a second, 1.5 KiB per event at one every 5 s,
fails); 10 % or 4 fds (twice what swings legitimately: the moving VM's
port, the reloads' spare tap); 10 % or 8 forwarding entries or peer
routes; 10 % or 1 member or peer.  A leak of a constant amount per event grows
linearly and goes past its bound given time; what settles (glibc's
arenas after their first growth, tables that swing with the moving VM)
fits a slope near 0, and a step or two of glibc's heap within the half
stays under the floor.
"""
import csv
import json
import sys

COLUMNS = ["t", "daemon", "kind", "pid", "rss_kib", "fds", "fdb", "members",
           "peers", "routes"]
# metric: (floor, relative share of the mean, unit)
BOUNDS = {
    "rss_kib": (512, 0.05, "KiB"),
    "fds": (4, 0.10, ""),
    "fdb": (8, 0.10, ""),
    "routes": (8, 0.10, ""),
    "members": (1, 0.10, ""),
    "peers": (1, 0.10, ""),
}
# Of the process, not of the federation: a daemon the soak restarted in
# the half is a new process, its RSS and fds not comparable.
PROCESS = ("rss_kib", "fds")


def docs(text):
    d, i = json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return
        o, i = d.raw_decode(text, i)
        yield o


def proc_rss(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise ValueError("no VmRSS for pid %s" % pid)


def sample(t, name, kind, pid):
    import os
    objs = list(docs(sys.stdin.read()))
    if len(objs) != (3 if kind == "proxy" else 2):
        sys.exit("sample %s: %d JSON answers" % (name, len(objs)))
    vans, members = objs[0], objs[1]
    peers = objs[2] if kind == "proxy" else []
    fdb = sum(v["fdb_local"] + v["fdb_remote"] for v in vans)
    routes = sum(p.get("routes", 0) for p in peers)
    fds = len(os.listdir("/proc/%s/fd" % pid))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow([t, name, kind, pid, proc_rss(pid), fds, fdb, len(members),
                len(peers), routes])


def fit(xs, ys):
    """Least squares: (slope, intercept)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return 0.0, my
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx
    return b, my - b * mx


def verdict(samples, events, san):
    rows = list(csv.DictReader(open(samples)))
    if not rows:
        print("soak: no samples")
        return 1
    by = {}
    for r in rows:
        by.setdefault(r["daemon"], []).append(r)
    t0 = min(float(r["t"]) for r in rows)
    t1 = max(float(r["t"]) for r in rows)
    mid = (t0 + t1) / 2
    bad = []
    print("samples: %d per daemon over %.0f s; fit over the second half (t >= %.0f s)"
          % (max(len(v) for v in by.values()), t1 - t0, mid - t0))
    print()
    hdr = ("daemon", "rss KiB first", "last", "slope KiB/h", "fds first/last",
           "fds slope/h", "fdb min-max", "fdb slope/h", "members", "peers",
           "routes min-max", "pids", "verdict")
    table = [hdr]
    for name, rs in by.items():
        half = [r for r in rs if float(r["t"]) >= mid]
        xs = [(float(r["t"]) - t0) / 3600 for r in half]
        span = (max(xs) - min(xs)) if xs else 0
        restarted = len({r["pid"] for r in half}) > 1
        notes, slopes = [], {}
        if len(half) < 4:
            notes.append("too few samples (%d) in the second half" % len(half))
        for m, (floor, share, unit) in BOUNDS.items():
            ys = [float(r[m]) for r in half]
            if len(ys) < 2:
                slopes[m] = 0.0
                continue
            b, _ = fit(xs, ys)
            slopes[m] = b
            grown = b * span
            bound = max(floor, share * sum(ys) / len(ys))
            if m in PROCESS and restarted:
                continue
            if m == "rss_kib" and san:
                continue
            if len(half) >= 4 and grown > bound:
                notes.append("%s grew %.1f%s over the second half (bound %.1f)"
                             % (m, grown, unit, bound))
        fdbs = [int(r["fdb"]) for r in rs]
        rts = [int(r["routes"]) for r in rs]
        pids = len({r["pid"] for r in rs})
        table.append((
            name, rs[0]["rss_kib"], rs[-1]["rss_kib"],
            "%+.0f%s" % (slopes["rss_kib"], " (new pid)" if restarted else ""),
            "%s/%s" % (rs[0]["fds"], rs[-1]["fds"]), "%+.2f" % slopes["fds"],
            "%d-%d" % (min(fdbs), max(fdbs)), "%+.2f" % slopes["fdb"],
            "%s" % "/".join(sorted({r["members"] for r in rs})),
            "%s" % "/".join(sorted({r["peers"] for r in rs})),
            "%d-%d" % (min(rts), max(rts)), str(pids),
            "ok" if not notes else "FAIL"))
        bad += ["%s: %s" % (name, n) for n in notes]
    widths = [max(len(str(r[i])) for r in table) for i in range(len(hdr))]
    for r in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print()
    if san:
        print("(sanitizer build: RSS reported, not judged — ASan's quarantine and "
              "allocator hold freed memory)")
    ev = {}
    for r in csv.DictReader(open(events)):
        k = ev.setdefault(r["kind"], [0, 0])
        k[0] += 1
        k[1] += r["result"] != "ok"
    print("events: " + ", ".join("%s %d%s" % (k, n, " (%d failed)" % f if f else "")
                                 for k, (n, f) in sorted(ev.items())))
    for b in bad:
        print("FAIL: " + b)
    return 1 if bad else 0


def selftest():
    """The verdict can fail: made-up runs of 60 samples, one a minute."""
    import os
    import random
    import tempfile
    rng = random.Random(1)
    d = tempfile.mkdtemp()

    def run(rss, fds=lambda i: 14, fdb=lambda i: 10, pid=lambda i: 100):
        sp, ep = os.path.join(d, "s.csv"), os.path.join(d, "e.csv")
        with open(sp, "w") as f:
            f.write(",".join(COLUMNS) + "\n")
            for i in range(60):
                f.write("%d,h1,edge,%d,%d,%d,%d,2,0,0\n"
                        % (60 * i, pid(i), rss(i), fds(i), fdb(i)))
        with open(ep, "w") as f:
            f.write("n,t,kind,target,how,ms,result\n1,0,migrate,m1,,1,ok\n")
        out = sys.stdout
        sys.stdout = open(os.devnull, "w")
        try:
            return verdict(sp, ep, False)
        finally:
            sys.stdout.close()
            sys.stdout = out

    cases = [
        # 20 KiB a minute (~330 B/s): 600 KiB over the second half.
        ("a steady RSS leak", 1, lambda: run(lambda i: 9000 + 20 * i)),
        ("an fd leak every 5 minutes", 1,
         lambda: run(lambda i: 9000, fds=lambda i: 14 + i // 5)),
        ("fds that swing by 2", 0,
         lambda: run(lambda i: 9000, fds=lambda i: 14 + rng.randrange(0, 3))),
        ("a table that grows by one a minute", 1,
         lambda: run(lambda i: 9000, fdb=lambda i: 10 + i)),
        ("RSS that settles after 20 minutes, with noise", 0,
         lambda: run(lambda i: 9000 + 40 * min(i, 20) + rng.randrange(0, 200))),
        ("a table that swings with the moving VM", 0,
         lambda: run(lambda i: 9000, fdb=lambda i: 10 + (i % 3))),
        ("RSS of a daemon restarted in the second half", 0,
         lambda: run(lambda i: 9000 + 60 * (i % 15), pid=lambda i: 100 + i // 15)),
    ]
    bad = 0
    for what, want, f in cases:
        got = f()
        if got != want:
            print("soak.py selftest: %s: verdict %d, want %d" % (what, got, want))
            bad += 1
    for n in os.listdir(d):
        os.unlink(os.path.join(d, n))
    os.rmdir(d)
    return 1 if bad else 0


def tally(sent, recv):
    s = {int(l.split()[0]) for l in open(sent)}
    r = {int(l.split()[0]) for l in open(recv)}
    print("%d %d %d" % (len(s), len(s & r), len(s - r)))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "sample" and len(sys.argv) == 6:
        sample(*sys.argv[2:])
    elif cmd == "verdict" and len(sys.argv) == 5:
        sys.exit(verdict(sys.argv[2], sys.argv[3], sys.argv[4] == "1"))
    elif cmd == "tally" and len(sys.argv) == 4:
        tally(*sys.argv[2:])
    elif cmd == "selftest":
        sys.exit(selftest())
    elif cmd == "header":
        print(",".join(COLUMNS))
    else:
        sys.exit("usage: soak.py sample T NAME KIND PID | verdict SAMPLES EVENTS SAN | "
                 "tally SENT RECEIVED | header")
