#!/usr/bin/env python3
"""tests/integration/dotcheck.py — checks of the Graphviz text that
`vanctl show graph --dot` and `vanlab graph --dot` write (93b).  It reads
the lines edge/vanctl/graph.c writes: nodes `"ID" [label="...", ...];`,
edges `"A" -- "B" [label="...", ...];`, clusters `subgraph cluster_N {`
with their `label="...";`.  Exits 0 when the check holds, else 1 with why.

  dotcheck.py FILE tunnels N             N tunnel edges (penwidth=2), no
                                         pair of nodes joined twice
  dotcheck.py FILE tunnel A B STYLE [VAN...]
                                         one edge A -- B (either way) drawn
                                         STYLE (solid, dashed), its label's
                                         VAN lines exactly VAN... (given)
  dotcheck.py FILE none A B              no edge between A and B
  dotcheck.py FILE node ID STYLE [CLUSTER]
                                         node ID drawn STYLE, in CLUSTER
"""
import re
import sys

Q = r'"((?:[^"\\]|\\.)*)"'
STATES = ('dead', 'unknown', 'down')


def attrs(text):
    return dict(kv.split('=', 1) for kv in text.split(', '))


def parse(path):
    nodes, edges, cluster, label = {}, [], None, None
    for line in open(path):
        line = line.rstrip('\n')
        if re.match(r'\s*subgraph cluster_\d+ \{$', line):
            cluster = ''
            continue
        m = re.match(r'\s*label=' + Q + ';$', line)
        if m and cluster == '':
            cluster = m[1]
            continue
        if re.match(r'\s*\}$', line):
            cluster = None
            continue
        m = re.match(r'\s*' + Q + ' -- ' + Q + r' \[label=' + Q + r', (.*)\];$', line)
        if m:
            edges.append((m[1], m[2], m[3].split('\\n'), attrs(m[4])))
            continue
        m = re.match(r'\s*' + Q + r' \[label=' + Q + r', (.*)\];$', line)
        if m:
            nodes[m[1]] = (m[2].split('\\n'), attrs(m[3]), cluster)
    return nodes, edges


def between(edges, a, b):
    return [e for e in edges if {e[0], e[1]} == {a, b}]


def main():
    path, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    nodes, edges = parse(path)
    if what == 'tunnels':
        tun = [e for e in edges if e[3].get('penwidth') == '2']
        pairs = [frozenset((e[0], e[1])) for e in edges]
        if len(tun) != int(args[0]):
            return 'tunnels: %d, not %s: %s' % (len(tun), args[0],
                                                [(e[0], e[1]) for e in tun])
        if len(set(pairs)) != len(pairs):
            return 'a pair of nodes is joined twice: %s' % pairs
        return None
    if what == 'none':
        found = between(edges, args[0], args[1])
        return 'an edge %s -- %s' % (args[0], args[1]) if found else None
    if what == 'tunnel':
        a, b, style, vans = args[0], args[1], args[2], args[3:]
        found = between(edges, a, b)
        if len(found) != 1:
            return '%d edges %s -- %s, not 1' % (len(found), a, b)
        e = found[0]
        if e[3].get('style') != style:
            return '%s -- %s drawn %s, not %s' % (a, b, e[3].get('style'), style)
        got = [l for l in e[2] if l and l not in STATES]
        if vans and sorted(got) != sorted(vans):
            return '%s -- %s carries %s, not %s' % (a, b, got, vans)
        if style == 'dashed' and not set(e[2]) & set(STATES):
            return '%s -- %s dashed but its label says no state: %s' % (a, b, e[2])
        return None
    if what == 'node':
        n = nodes.get(args[0])
        if n is None:
            return 'no node %s (nodes: %s)' % (args[0], sorted(nodes))
        if n[1].get('style') != args[1]:
            return 'node %s drawn %s, not %s' % (args[0], n[1].get('style'), args[1])
        if len(args) > 2 and n[2] != args[2]:
            return 'node %s in cluster %s, not %s' % (args[0], n[2], args[2])
        return None
    return 'unknown check ' + what


if __name__ == '__main__':
    why = main()
    if why:
        print('dotcheck %s: %s' % (sys.argv[1], why), file=sys.stderr)
        sys.exit(1)
