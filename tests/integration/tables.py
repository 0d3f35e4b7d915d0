#!/usr/bin/env python3
"""tests/integration/tables.py — does every forwarding table of a running
vanlab lab agree on where each VM is, and does none hold a MAC that is
gone?  Run outside the lab (it calls `vanlab status` and `vanlab ctl`).

  agree VANLAB PREFIX [--port VAN:MAC@HOST]... [--gone VAN:MAC]...
        one look; exit 0 if they agree, else 1 and what disagrees
  converge VANLAB PREFIX START_NS DEADLINE_S [same options]
        look until they agree; print "converged_ms=N" (from START_NS, a
        CLOCK_MONOTONIC time) and exit 0, or after DEADLINE_S seconds
        print what still disagrees and exit 1

What "agree" means, for each VM of `vanlab status` and each --port (a
port a scenario attached by hand: VAN by name, its MAC, its host), in
each site that has the VAN:
  - its host's vanedge: the MAC local, on its port;
  - every other vanedge of its site that has the VAN (a port in it):
    behind its host;
  - its site's proxy (if the VAN crosses a peering): behind its host;
  - every other site's proxy that carries the VAN: behind the peer of
    the VM's site ("peer SITE": the lab's peerings are direct);
  - every vanedge of those other sites that has the VAN: behind its own
    proxy.
No entry is no agreement either: after a move, a JOIN or a fault, each
of these tables learns the binding from the protocol's messages alone,
without a frame of the VM.  And a --gone MAC is in no table at all.
"""
import json
import subprocess
import sys
import time


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       timeout=20)
    if r.returncode != 0:
        raise RuntimeError("%s: exit %d" % (" ".join(cmd), r.returncode))
    return r.stdout.decode()


def ctl(vanlab, prefix, name, *args):
    return json.loads(run([vanlab, "ctl", "--prefix", prefix, name, "--",
                           "--json"] + list(args)))


def status(vanlab, prefix):
    """hosts {name: (site, addr)}, vms [(name, van, host, mac)],
    proxies {site: addr}"""
    hosts, vms, proxies = {}, [], {}
    sec = None
    for line in run([vanlab, "status", "--prefix", prefix]).splitlines():
        w = line.split()
        if not w:
            sec = None
            continue
        if sec is None and w[0] in ("HOST", "VM", "PROXY"):
            sec = w[0]
            continue
        if line[0] in " \t" or sec is None:
            continue
        if sec == "HOST":
            # NAMESPACE is PREFIX-SITE-HOST
            site = w[1][len(prefix) + 1:-(len(w[0]) + 1)]
            hosts[w[0]] = (site, w[2])
        elif sec == "VM":
            vms.append((w[0], w[2], w[3], w[5].lower()))
        elif sec == "PROXY" and w[0].endswith("-gw"):
            proxies[w[0][:-3]] = w[2]
    return hosts, vms, proxies


def look(vanlab, prefix, ports, gone):
    hosts, vms, proxies = status(vanlab, prefix)
    nodes = [(vm[2], vm[1], vm[3], "t-" + vm[0]) for vm in vms]
    for p in ports:
        van, rest = p.split(":", 1)
        mac, host = rest.rsplit("@", 1)
        nodes.append((host, van, mac.lower(), None))
    # Each table: {(van name, mac): (kind, where)}, and the VANs it has.
    tables, has = {}, {}
    for name in list(hosts) + [s + "-gw" for s in proxies]:
        vans = ctl(vanlab, prefix, name, "show", "vans")
        ids = {v["id"]: v["name"] for v in vans}
        # An edge takes part in the VANs it has ports in (it JOINed
        # them); a proxy in every VAN it carries.
        has[name] = set(v["name"] for v in vans
                        if name.endswith("-gw") or v["ports"] > 0)
        tables[name] = {(ids.get(e["van"], e["van"]), e["mac"].lower()):
                        (e["kind"], e["where"])
                        for e in ctl(vanlab, prefix, name, "show", "fdb")}
    bad = []

    def want(table, van, mac, ok, what):
        got = tables[table].get((van, mac))
        if not ok(got):
            bad.append("%s: %s %s is %s, not %s" % (table, van, mac,
                       "%s %s" % got if got else "unknown", what))

    for host, van, mac, tap in nodes:
        site, addr = hosts[host]
        at_host = addr + ":4797"
        want(host, van, mac, lambda g: g is not None and g[0] == "local" and
             (tap is None or g[1] == tap), "local")
        for h, (s, _) in hosts.items():
            if h == host or van not in has[h]:
                continue
            if s == site:
                want(h, van, mac, lambda g: g == ("remote", at_host), at_host)
            elif s in proxies and site in proxies and van in has[site + "-gw"] \
                    and van in has[s + "-gw"]:
                via = proxies[s] + ":4797"
                want(h, van, mac, lambda g: g == ("remote", via), via)
        for s in proxies:
            gw = s + "-gw"
            if van not in has[gw] or van not in has.get(site + "-gw", ()):
                continue
            if s == site:
                want(gw, van, mac, lambda g: g == ("remote", at_host), at_host)
            else:
                want(gw, van, mac, lambda g: g == ("remote", "peer " + site),
                     "peer " + site)
    for g in gone:
        van, mac = g.split(":", 1)
        for t in tables:
            if (van, mac.lower()) in tables[t]:
                bad.append("%s: %s %s is %s %s, but it is gone" %
                           ((t, van, mac) + tables[t][(van, mac.lower())]))
    return bad


def options(args):
    ports, gone = [], []
    i = 0
    while i < len(args):
        if args[i] == "--port" and i + 1 < len(args):
            ports.append(args[i + 1])
        elif args[i] == "--gone" and i + 1 < len(args):
            gone.append(args[i + 1])
        else:
            sys.exit("tables.py: unknown option %s" % args[i])
        i += 2
    return ports, gone


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "agree":
        ports, gone = options(sys.argv[4:])
        bad = look(sys.argv[2], sys.argv[3], ports, gone)
        for b in bad:
            print(b)
        sys.exit(1 if bad else 0)
    if len(sys.argv) >= 6 and sys.argv[1] == "converge":
        vanlab, prefix = sys.argv[2], sys.argv[3]
        start, deadline = int(sys.argv[4]), float(sys.argv[5])
        ports, gone = options(sys.argv[6:])
        end = time.monotonic() + deadline
        while True:
            try:
                bad = look(vanlab, prefix, ports, gone)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                bad = ["no answer: %s" % e]
            now = time.monotonic_ns()
            if not bad:
                print("converged_ms=%d" % ((now - start) // 1000000))
                sys.exit(0)
            if time.monotonic() >= end:
                for b in bad:
                    print(b)
                sys.exit(1)
            time.sleep(0.05)
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
