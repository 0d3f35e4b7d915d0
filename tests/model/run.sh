#!/bin/sh
# tests/model/run.sh BUILDDIR — verify the protocol model (tests/model/van.pml,
# docs/model.md) with Debian's spin: each run generates the verifier
# (spin -a) with its bounds, compiles it (cc -O2) and runs it (./pan) in
# BUILDDIR/model/RUN/, never in the tree.  The correct model must give
# "errors: 0" on every run; each deliberately broken variant must give
# "errors: N" with N > 0 (its counterexample's trail is kept there), or
# this fails: a property that cannot catch the fault it is for checks
# nothing.  `make model` runs it (in `make check`).  Prints one line per
# run: states, memory, pan's time.  Exits 1 if a run failed.  The runs are
# independent: MODEL_JOBS (default: the CPUs) of them at once, their
# lines printed in order at the end.
set -u
B=${1:?usage: tests/model/run.sh BUILDDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-cc}
command -v spin >/dev/null || { echo "model: spin not installed (tests/deps.sh model)" >&2; exit 1; }
mkdir -p "$B/model" || exit 1
OUT=$(cd "$B/model" && pwd)
fails=0
begin=$(date +%s)
JOBS=${MODEL_JOBS:-$(nproc 2>/dev/null || echo 1)}
nseq=0 PIDS=""

# job FUNCTION ARGS...: in the background, at most JOBS at once (a slot
# frees when any job ends: sh has no `wait -n`, so the live ones are
# looked at every 0.2 s); its lines in $OUT/.jobN.out, its failures in
# $OUT/.jobN.fails (none written: it exited, a failure).
job() {
	nseq=$((nseq + 1))
	while [ "$(echo $PIDS | wc -w)" -ge "$JOBS" ]; do
		live_pids=""
		for p in $PIDS; do
			if kill -0 "$p" 2>/dev/null; then
				live_pids="$live_pids${live_pids:+ }$p"
			else
				wait "$p"
			fi
		done
		PIDS=$live_pids
		[ "$(echo $PIDS | wc -w)" -ge "$JOBS" ] && sleep 0.2
	done
	rm -f "$OUT/.job$nseq.out" "$OUT/.job$nseq.fails"
	(fails=0; "$@" >"$OUT/.job$nseq.out" 2>&1; echo $fails >"$OUT/.job$nseq.fails") &
	PIDS="$PIDS${PIDS:+ }$!"
}
# say TEXT: a line in its place among the jobs'.
say() {
	nseq=$((nseq + 1))
	echo "$*" >"$OUT/.job$nseq.out"
	echo 0 >"$OUT/.job$nseq.fails"
}
# collect: wait for every job, print their lines in order, add up failures.
collect() {
	wait
	i=1
	while [ $i -le $nseq ]; do
		cat "$OUT/.job$i.out"
		f=$(cat "$OUT/.job$i.fails" 2>/dev/null) || f=1
		fails=$((fails + ${f:-1}))
		i=$((i + 1))
	done
}

# build NAME "SPIN -D FLAGS" "CC -D FLAGS": generate and compile the
# verifier in $OUT/NAME; 1 if that fails.
build() {
	d=$OUT/$1
	rm -rf "$d" && mkdir -p "$d" && cp "$HERE/van.pml" "$d/" || exit 1
	# A trail replays only with the bounds it was found with.
	echo "spin -t -p $2 van.pml" >"$d/replay"
	# shellcheck disable=SC2086
	if ! (cd "$d" && spin -a $2 van.pml >spin.log 2>&1 &&
	    $CC -O2 -w $3 -o pan pan.c >cc.log 2>&1); then
		echo "model: $1: spin -a or cc failed ($d)" >&2
		cat "$d/spin.log" "$d/cc.log" >&2 2>/dev/null
		fails=$((fails + 1))
		return 1
	fi
}

# check NAME EXPECT "PAN FLAGS" [FROM]: run $OUT/NAME's verifier (or, with
# FROM, a copy of $OUT/FROM's: one compile for several LTL properties)
# and judge it.  EXPECT: ok (errors: 0) or bug (errors: N > 0).
check() {
	name=$1 expect=$2 panflags=$3 d=$OUT/$1
	start=$(date +%s)
	if [ $# -ge 4 ]; then
		rm -rf "$d" && mkdir -p "$d" &&
		    cp "$OUT/$4/van.pml" "$OUT/$4/pan" "$OUT/$4/replay" "$d/" || exit 1
		sed -i "s/^spin -t /spin -t -N ${1##*/} /" "$d/replay"
	fi
	# shellcheck disable=SC2086
	(cd "$d" && ./pan $panflags >pan.out 2>&1)
	t=$(( $(date +%s) - start ))
	errs=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$d/pan.out" | head -n 1)
	states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$d/pan.out" | head -n 1)
	mem=$(sed -n 's/^ *\([0-9.]*\)[[:space:]]*total actual memory usage.*/\1/p' "$d/pan.out" | head -n 1)
	what=$(grep -m 1 -E 'assertion violated|acceptance cycle' "$d/pan.out" | cut -c 1-100)
	if [ -z "$errs" ]; then
		echo "model: $name: no verdict from pan ($d/pan.out)" >&2
		tail -n 20 "$d/pan.out" >&2
		fails=$((fails + 1))
		return
	fi
	printf '  %-25s errors %s, %s states, %s MB, %ss%s\n' "$name" "$errs" \
	    "${states:-?}" "${mem:-?}" "$t" "${what:+: $what}"
	case $expect in
	ok)	[ "$errs" = 0 ] || { echo "model: $name: the model breaks a property:" \
		    "trail in $d (sh replay there)" >&2; fails=$((fails + 1)); } ;;
	bug)	[ "$errs" != 0 ] || { echo "model: $name: the broken variant was not" \
		    "caught: the property it is for checks nothing" >&2; fails=$((fails + 1)); } ;;
	esac
}

# run NAME EXPECT "SPIN -D FLAGS" "CC -D FLAGS" "PAN FLAGS": build, check.
run() {
	build "$1" "$3" "$4" || return
	check "$1" "$2" "$5"
}

# live NAME "SPIN -D FLAGS": both LTL properties (converge, reach) of one
# bounded-fault model, from one compile.  Without spin's weak fairness
# (pan -f): the model's liveness runs are fair by construction (van.pml,
# "due"); red stays still (NORED: its messages only delay X's).
live() {
	build "$1" "-DNORED $2" "-DBITSTATE" || return
	check "$1/converge" ok "-a -N converge -m400000 -w27" "$1"
	check "$1/reach" ok "-a -N reach -m400000 -w27" "$1"
}

# Without faults: every interleaving of two moves, exhaustively.
CALM="-DLOSS=0 -DDUPS=0 -DROTS=0 -DRESTARTS=0 -DDEATHS=0"
# Bitstate (2^27 bits, 16 MB): the fault runs are too big to store.
BS="-DSAFETY -DBITSTATE"

say "model: safety (assertions), spin $(spin -V | sed 's/Spin Version \([^ ]*\).*/\1/'), $JOBS at once"
job run safety-calm ok "-DSAFETY $CALM" "$BS" "-m400000 -w27"
# One kind of fault at a time, one move: all of them together are too
# many states for make check (docs/model.md, "Figures").
job run safety-loss ok "-DSAFETY -DMOVES=1 -DLOSS=1 -DDUPS=0 -DROTS=0 -DRESTARTS=0 -DDEATHS=0" \
    "$BS" "-m400000 -w27"
job run safety-dup ok "-DSAFETY -DMOVES=1 -DLOSS=0 -DDUPS=1 -DROTS=0 -DRESTARTS=0 -DDEATHS=0" \
    "$BS" "-m400000 -w27"
job run safety-reorder ok "-DSAFETY -DMOVES=1 -DLOSS=0 -DDUPS=0 -DROTS=1 -DRESTARTS=0 -DDEATHS=0" \
    "$BS" "-m400000 -w27"
# A restart of an edge, and of a proxy (whose answers need deeper channels).
job run safety-restart-e2 ok "-DSAFETY -DMOVES=1 -DLOSS=0 -DDUPS=0 -DROTS=0 -DDEATHS=0 \
    -DRESTART_AT=E2" "$BS" "-m400000 -w27"
job run safety-restart-pb ok "-DSAFETY -DMOVES=1 -DLOSS=0 -DDUPS=0 -DROTS=0 -DDEATHS=0 \
    -DRESTART_AT=PB -DQCAP=8" "$BS" "-m400000 -w27"
job run safety-death ok "-DSAFETY -DMOVES=1 -DLOSS=0 -DDUPS=0 -DROTS=0 -DRESTARTS=0 -DDEATHS=1" \
    "$BS" "-m400000 -w27"
say "model: liveness (LTL: converge, reach), one kind of fault at a time"
# The faults are bounded: after at most that many, the channels behave —
# "eventually the faults stop", without which no repair can be proved.
job live live-calm "$CALM"
job live live-loss "-DMOVES=1 -DLOSS=1 -DDUPS=0 -DROTS=0 -DRESTARTS=0 -DDEATHS=0"
job live live-reorder "-DMOVES=1 -DLOSS=0 -DDUPS=1 -DROTS=1 -DRESTARTS=0 -DDEATHS=0"
job live live-restart-e2 "-DMOVES=1 -DLOSS=0 -DDUPS=0 -DROTS=0 -DDEATHS=0 -DRESTART_AT=E2"
job live live-restart-pb "-DMOVES=1 -DLOSS=0 -DDUPS=0 -DROTS=0 -DDEATHS=0 -DRESTART_AT=PB -DQCAP=8"
job live live-death "-DMOVES=1 -DLOSS=0 -DDUPS=0 -DROTS=0 -DRESTARTS=0 -DDEATHS=1"
say "model: broken variants (each must be caught)"
job run broken-seq bug "-DSAFETY -DBROKEN_SEQ $CALM" "$BS" "-m400000 -w27"
job run broken-horizon bug "-DSAFETY -DBROKEN_HORIZON $CALM" "$BS" "-m400000 -w27"
job run broken-xmap bug "-DSAFETY -DBROKEN_XMAP $CALM" "$BS" "-m400000 -w27"
# Caught only by liveness under a fault: without one, announcements alone
# teach every route.
noanswer() {
	build broken-noanswer "-DNORED -DBROKEN_NOANSWER -DMOVES=1 -DLOSS=1 -DDUPS=0 \
	    -DROTS=0 -DRESTARTS=0 -DDEATHS=0" "-DBITSTATE" &&
	    check broken-noanswer bug "-a -N converge -m400000 -w27"
}
job noanswer
collect

[ $fails = 0 ] || { echo "model: $fails run(s) failed" >&2; exit 1; }
echo "model: all passed in $(( $(date +%s) - begin ))s"
