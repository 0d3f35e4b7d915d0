#!/bin/sh
# tests/fuzz/run.sh SECONDS TARGET... — run each libFuzzer target for a
# bounded time, seeded from tests/fuzz/corpus/NAME/ when it exists (the
# corpus it grows stays in a temporary directory).  Any crash, leak or
# sanitizer report fails the run; its reproducer is kept under
# ${TMPDIR:-/tmp}/van-fuzz-artifacts/.
set -u
secs=$1; shift
here=$(dirname "$0")
art=${TMPDIR:-/tmp}/van-fuzz-artifacts
mkdir -p "$art"
pass=0 fail=0 failed=""
for t in "$@"; do
	name=${t##*/}; name=${name#fuzz_}
	work=$(mktemp -d "${TMPDIR:-/tmp}/van-fuzz-$name.XXXXXX")
	seeds=""
	[ -d "$here/corpus/$name" ] && seeds="$here/corpus/$name"
	if "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=0 -artifact_prefix="$art/$name-" \
	    "$work" $seeds >"$work.log" 2>&1; then
		pass=$((pass + 1))
		echo "fuzz $name: ok ($(grep -Eo 'Done [0-9]+ runs' "$work.log" | awk '{print $2}') runs in ${secs}s)"
	else
		fail=$((fail + 1)); failed="$failed $name"
		echo "fuzz $name: FAILED"; tail -n 40 "$work.log"
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $pass passed, $fail failed${failed:+ ($failed )}"
[ "$fail" -eq 0 ]
