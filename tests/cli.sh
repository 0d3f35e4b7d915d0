#!/bin/sh
# tests/cli.sh BUILD_DIR [VERSION] — every program's command line, no root:
# `--version` prints "PROG VERSION" (one version, the build's: VERSION, else
# BUILD_DIR/version) to stdout and exits 0; -h and --help print the usage
# to stdout, ending with the program's exit codes, and exit 0 with nothing
# on stderr; a bogus option (long or short) exits 2 with the usage on
# stderr and nothing on stdout.  `make check` runs it (target `cli`).
set -u
B=${1:?usage: $0 BUILD_DIR [VERSION]}
V=${2:-$(cat "$B/version" 2>/dev/null)}
[ -n "$V" ] || { echo "cli: no version (argument, or $B/version)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vancli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "cli: $*" >&2; rc=1; }

# run PROG ARGS... — its exit status in $st, output in $tmp/out, $tmp/err.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
}

for p in vanedge vanproxy vanctl vanplan vanlab vanfed-notify; do
	x=$B/$p
	[ -x "$x" ] || { fail "$x not built"; continue; }

	run "$x" --version
	[ $st = 0 ] || fail "$p --version: exit $st"
	[ "$(cat "$tmp/out")" = "$p $V" ] ||
	    fail "$p --version: '$(cat "$tmp/out")', want '$p $V'"
	[ -s "$tmp/err" ] && fail "$p --version: stderr: $(cat "$tmp/err")"

	for h in -h --help; do
		run "$x" $h
		[ $st = 0 ] || fail "$p $h: exit $st"
		[ -s "$tmp/err" ] && fail "$p $h: stderr: $(cat "$tmp/err")"
		head -n 1 "$tmp/out" | grep -q '^usage: ' || fail "$p $h: no usage on stdout"
		# The exit codes, last: "Exit: 0 ...; 1 ...; 2 usage...".
		sed -n '/^Exit: 0 /,$p' "$tmp/out" | tr '\n' ' ' | grep -q '; 2 usage' ||
		    fail "$p $h: the usage does not end with its exit codes"
		cp "$tmp/out" "$tmp/help$h"
	done
	cmp -s "$tmp/help-h" "$tmp/help--help" || fail "$p: -h and --help differ"

	for bad in --bogus-option -Z; do
		run "$x" $bad
		[ $st = 2 ] || fail "$p $bad: exit $st, want 2"
		[ -s "$tmp/out" ] && fail "$p $bad: stdout: $(head -n 3 "$tmp/out")"
		grep -q 'usage: ' "$tmp/err" || fail "$p $bad: no usage on stderr"
	done
done
[ $rc = 0 ] && echo "cli: 6 programs: --version '$V', -h, --help, bad options"
exit $rc
