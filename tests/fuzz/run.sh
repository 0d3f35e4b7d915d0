#!/bin/sh
# tests/fuzz/run.sh [-j JOBS] [-o REPORT] SECONDS TARGET... — run each
# libFuzzer target for a bounded time, seeded from tests/fuzz/corpus/NAME/
# when it exists (the corpus it grows stays in a temporary directory), JOBS
# targets at a time (default 1).  Any crash, leak, timeout or sanitizer
# report fails the run; its reproducer is kept under
# ${TMPDIR:-/tmp}/van-fuzz-artifacts/.  For each target it reports the
# inputs run (execs), per second (libFuzzer's average), the seconds it
# took (loading the seeds too) and libFuzzer's coverage at the end (cov:
# edges covered, ft: features); with -o, also as a Markdown table into
# REPORT (`make fuzz-long`, docs/reliability.md).
set -u
jobs=1 report=""
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	-o) report=$2; shift 2 ;;
	*) break ;;
	esac
done
secs=$1; shift
here=$(dirname "$0")
art=${TMPDIR:-/tmp}/van-fuzz-artifacts
res=$(mktemp -d "${TMPDIR:-/tmp}/van-fuzz-results.XXXXXX")
mkdir -p "$art"
trap 'rm -rf "$res"' EXIT INT TERM

# One target: its result line into $res/NAME (name execs rate cov ft crashes).
run_one() {
	t=$1
	name=${t##*/}; name=${name#fuzz_}
	work=$(mktemp -d "${TMPDIR:-/tmp}/van-fuzz-$name.XXXXXX")
	mkdir "$work/corpus"
	seeds=""
	[ -d "$here/corpus/$name" ] && seeds="$here/corpus/$name"
	start=$(date +%s)
	mkdir "$work/tmp"
	# The harnesses' scratch files (tests/fuzz/harness.c) go with $work.
	TMPDIR=$work/tmp "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$art/$name-" \
	    "$work/corpus" $seeds >"$work.log" 2>&1
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log" | tail -n 1)
	last=$(grep -a -E '^#[0-9]+[[:space:]]+(DONE|INITED|NEW|REDUCE|pulse)' \
	    "$work.log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	[ -n "$execs" ] || execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
	el=$((end - start)); [ "$el" -gt 0 ] || el=1
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work.log" | tail -n 1)
	crashes=0
	[ "$rc" -eq 0 ] || crashes=1
	echo "$name ${execs:-0} ${rate:-$(( ${execs:-0} / el ))} ${cov:-?} ${ft:-?} $crashes $el" \
	    >"$res/$name"
	if [ "$rc" -ne 0 ]; then
		tail -n 40 "$work.log" >"$res/$name.log"
		grep -a -m 1 'Test unit written to' "$work.log" >>"$res/$name.log"
	fi
	rm -rf "$work" "$work.log"
}

# JOBS lanes, each running every JOBS-th target in turn.
lane=0
while [ "$lane" -lt "$jobs" ]; do
	(
		i=0
		for t in "$@"; do
			[ $((i % jobs)) -eq "$lane" ] && run_one "$t"
			i=$((i + 1))
		done
	) &
	lane=$((lane + 1))
done
wait

pass=0 fail=0 failed=""
[ -z "$report" ] || {
	echo "| target | execs | execs/s | cov | ft | crashes |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
} >"$report"
for t in "$@"; do
	name=${t##*/}; name=${name#fuzz_}
	execs=0 rate=0 cov=? ft=? crashes=1 el=0
	[ -f "$res/$name" ] && read -r name execs rate cov ft crashes el <"$res/$name"
	if [ "$crashes" -eq 0 ]; then
		pass=$((pass + 1))
		echo "fuzz $name: ok, $execs execs in $el s ($rate/s), cov $cov ft $ft, 0 crashes"
	else
		fail=$((fail + 1)); failed="$failed $name"
		echo "fuzz $name: FAILED after $execs execs in $el s (cov $cov ft $ft)"
		cat "$res/$name.log" 2>/dev/null
	fi
	[ -z "$report" ] ||
	    echo "| fuzz_$name | $execs | $rate | $cov | $ft | $crashes |" >>"$report"
done
echo "fuzz: $pass passed, $fail failed${failed:+ ($failed )}"
[ "$fail" -eq 0 ]
