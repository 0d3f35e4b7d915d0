#!/bin/sh
# tests/run-unit.sh — run each cmocka test program given; print one summary
# line ("N passed, N failed") and fail if any failed.
pass=0 fail=0 failed=""
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed ${t##*/}"; fi
done
echo "unit: $pass passed, $fail failed${failed:+ ($failed )}"
[ "$fail" -eq 0 ]
