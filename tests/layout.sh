#!/bin/sh
# tests/layout.sh — the include rules of docs/architecture.md, checked on
# every C file: which folder may include which, that the bridge's files
# call only down their layers, that the bridge's fields
# (edge/van/bridge_int.h) stay inside the core, and that the pure core
# (edge/van/, crypto/) neither includes the event loop, JSON or
# configuration libraries nor reads a clock.  Prints every violation;
# exits 1 if there is one.  `make check` runs it (target `layout`).
set -u
cd "$(dirname "$0")/.." || exit 1
# may FILE PREFIX... — every project include of FILE starts with one of the
# PREFIXes (a project include is "dir/file.h"; <...> are system headers).
may() {
	f=$1
	shift
	grep -o '^#include "[^"]*"' "$f" | sed 's/^#include "//; s/"$//' | while read -r inc; do
		ok=0
		for p in "$@"; do
			case $inc in "$p"*) ok=1 ;; esac
		done
		[ $ok = 1 ] || echo "$f includes $inc"
	done
}
# down FILE... — the bridge's files in layer order, top first: none calls a
# function defined in a file above it (docs/architecture.md).
down() {
	above=
	for f in "$@"; do
		if [ -n "$above" ]; then
			grep -nE "\b($above)[[:space:]]*\(" "$f" |
			    grep -vE '^[0-9]+:([[:space:]]*(\*|/\*)|[a-z_][a-z0-9_]*\()' |
			    sed "s|^|$f:|; s|\$| (calls up: docs/architecture.md)|"
		fi
		defs=$(grep -oE '^[a-z_][a-z0-9_]*\(' "$f" | tr -d '(' | paste -sd'|' -)
		above=${above:+$above|}$defs
	done
}
# pure FILE — no libevent, jansson, libconfig, and no clock.
pure() {
	grep -nE '^#include <(event2/|jansson|libconfig|cmocka)' "$1" | sed "s|^|$1:|"
	grep -nE '\b(clock_gettime|gettimeofday|time|clock|timespec_get)[[:space:]]*\(' "$1" |
	    grep -vE '^[0-9]+:[[:space:]]*(\*|/\*)' | sed "s|^|$1:|"
}

out=$(
for f in edge/van/*.[ch]; do
	# crypto/replay.h, crypto/bucket.h: the replay window and token bucket
	# both engines use; crypto/monotime.h: the one time type.
	may "$f" edge/van/ crypto/replay.h crypto/bucket.h crypto/wg.h \
	    crypto/monotime.h
	pure "$f"
done
for f in crypto/*.[ch]; do
	may "$f" crypto/
	pure "$f"
done
# The bridge's layers: decisions, then what carries them out.
down edge/van/bridge.c edge/van/relay.c edge/van/member.c edge/van/forward.c \
    edge/van/sitekey.c edge/van/bridge_view.c
# The bridge is opaque: only the core (and its tests) see its fields.
grep -l '^#include "edge/van/bridge_int.h"' edge/rim/*.[ch] edge/vanedge/*.[ch] \
    edge/vanctl/*.[ch] proxy/*.[ch] federation/*/*.[ch] 2>/dev/null |
    sed 's/$/ includes edge\/van\/bridge_int.h (the bridge is opaque: bridge.h)/'
for f in edge/rim/*.[ch]; do may "$f" edge/van/ edge/rim/ crypto/; done
for f in edge/vanedge/*.[ch]; do may "$f" edge/van/ edge/rim/ edge/vanedge/ crypto/; done
for f in edge/vanctl/*.[ch]; do may "$f" edge/van/ edge/rim/ edge/vanctl/; done
for f in proxy/*.[ch]; do may "$f" edge/van/ edge/rim/ crypto/ proxy/; done
# vanplan and vanlab read and write peering files with vanproxy's model,
# reader and writer (proxy/peering.h), write a gateway pair's keepalived
# configuration with its text (proxy/pair.h), and nothing else of
# vanproxy's; vanlab draws the federation with vanctl's renderer
# (edge/vanctl/graph.h), and nothing else of vanctl's.
for f in federation/plan/*.[ch]; do
	may "$f" edge/van/ edge/rim/ crypto/ proxy/peering.h proxy/pair.h federation/plan/
done
for f in federation/lab/*.[ch]; do
	may "$f" edge/van/ edge/rim/ crypto/ proxy/peering.h proxy/pair.h \
	    edge/vanctl/graph.h federation/lab/
done
)
if [ -n "$out" ]; then
	echo "$out" | sed 's/^/layout: /'
	exit 1
fi
n=$(ls edge/van/*.[ch] edge/rim/*.[ch] edge/vanedge/*.[ch] edge/vanctl/*.[ch] proxy/*.[ch] \
    crypto/*.[ch] federation/*/*.[ch] 2>/dev/null | wc -l)
echo "layout: $n files keep the include rules of docs/architecture.md"
