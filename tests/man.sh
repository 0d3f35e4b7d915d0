#!/bin/sh
# tests/man.sh B — the manual pages (mdoc, beside their programs' sources)
# against the programs and the configuration parsers.  `make check` runs it
# (target `man`, beside layout and units; no root).
#
#  1. lint: `mandoc -Tlint -Wwarning` says nothing of any page.
#  2. options: every option the program's usage names is a .Fl of its page.
#     The usage is what `B/PROG -h` prints, stdout and stderr, whatever the
#     exit code; its options are the words beginning with - or -- of the
#     usage lines (those of "usage:" or of the program's name) and those
#     that begin an option's line ("  -f file  ...", "  -h, --help  ...").
#     -dn is -d and -n.
#  3. settings: every setting name a parser accepts is an .Ic or .Cm of the
#     page of its file, and every .Ic of that page is a setting the parser
#     accepts.  The parsers refuse any name not in the list they give
#     setting_only_known (edge/rim/setting.h) — directly or through
#     site_van_read (edge/rim/siteconf.h) — so those lists, read from the
#     sources, are the names accepted: a `static const char *const
#     NAME[] = { "a", "b", NULL };` passed to either in the same function.
#     A parser that reads a group with a function of proxy/peering.c
#     (vanplan's limits: peering_limits) accepts that function's names too.
#
# Prints every fault; exits 1 if there is one.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
fail=0

# PROGRAM PAGE
programs="vanedge edge/vanedge/vanedge.8
vanproxy proxy/vanproxy.8
vanctl edge/vanctl/vanctl.8
vanplan federation/plan/vanplan.1
vanlab federation/lab/vanlab.8
vanfed-notify contrib/keepalived/vanfed-notify.8"
# PAGE PARSER... (the files whose every function counts)
settings="edge/vanedge/vanedge.conf.5 edge/vanedge/conf.c
proxy/vanproxy.conf.5 proxy/conf.c proxy/peering.c
federation/plan/vanplan.conf.5 federation/plan/planconf.c federation/plan/planpair.c
federation/lab/vanlab.8 federation/lab/labconf.c federation/lab/labfed.c"
# Files of functions other parsers call to read a group.
libraries="proxy/peering.c"
# Every page beside the sources (what `make install` installs).
pages=$(find edge proxy federation contrib -name '*.[158]' | sort)

# ------------------------------------------------------------------ lint ---
if ! command -v mandoc >/dev/null 2>&1; then
	echo "man: mandoc is missing (tests/deps.sh installs it)" >&2
	exit 1
fi
for p in $pages; do
	out=$(mandoc -Tlint -Wwarning "$p" 2>&1)
	rc=$?
	if [ $rc != 0 ] || [ -n "$out" ]; then
		echo "$out" | sed 's/^/man: /'
		fail=1
	fi
done

# --------------------------------------------------------------- options ---
# usage_flags PROG — the options of PROG's usage on stdin, one a line.
usage_flags() {
	awk -v prog="$1" '
	{
		first = $1
		sub(/.*\//, "", first)
	}
	/usage:/ || first == prog {
		# Every option word of a usage line.
		s = $0
		while (match(s, /(^|[[:space:][(|])--?[A-Za-z][A-Za-z0-9-]*/)) {
			w = substr(s, RSTART, RLENGTH)
			sub(/^[^-]*/, "", w)
			print w
			s = substr(s, RSTART + RLENGTH)
		}
		next
	}
	$1 ~ /^--?[A-Za-z]/ {
		# An option line: its leading option words ("-h, --help").
		for (i = 1; i <= NF && $i ~ /^--?[A-Za-z]/; i++) {
			w = $i
			sub(/[^A-Za-z0-9-].*$/, "", w)
			print w
		}
	}' | while read -r w; do
		case $w in
		--*)	echo "$w" ;;
		-*)	echo "${w#-}" | sed 's/./-&\n/g' | sed '/^$/d' ;;
		esac
	done | sort -u
}

echo "$programs" | while read -r prog page; do
	[ -f "$page" ] || { echo "man: $page: missing"; echo FAIL; continue; }
	if [ ! -x "$B/$prog" ]; then
		echo "man: $B/$prog: not built"
		echo FAIL
		continue
	fi
	flags=$(timeout 10 "$B/$prog" -h 2>&1 </dev/null | usage_flags "$prog")
	if [ -z "$flags" ]; then
		echo "man: $prog -h: no options found in its usage"
		echo FAIL
		continue
	fi
	for f in $flags; do
		# -d is ".Fl d", --json ".Fl -json".
		grep -qE "(^\.|[[:space:]])Fl ${f#-}([[:space:]]|$)" "$page" ||
		    { echo "man: $page: option $f of $prog's usage is not documented (.Fl ${f#-})"; echo FAIL; }
	done
done | { out=$(cat); printf '%s\n' "$out" | grep -v '^FAIL$' | sed '/^$/d';
    case $out in *FAIL*) exit 1 ;; esac; } || fail=1

# -------------------------------------------------------------- settings ---
# known_names FILE... — "FUNCTION NAME" for every name of a list given to
# setting_only_known or site_van_read in FUNCTION.
known_names() {
	awk '
	function strings(s, n,    w) {
		while (match(s, /"[^"]*"/)) {
			w = substr(s, RSTART + 1, RLENGTH - 2)
			list[n] = list[n] " " w
			s = substr(s, RSTART + RLENGTH)
		}
	}
	/^[a-z_][a-z0-9_]*\(/ {
		fn = $0
		sub(/\(.*/, "", fn)
		split("", list)
		split("", used)
		inlist = ""
	}
	inlist != "" {
		strings($0, inlist)
		if ($0 ~ /}/)
			inlist = ""
		next
	}
	/const char \*const [a-z_]+\[\] = \{/ {
		n = $0
		sub(/.*const char \*const /, "", n)
		sub(/\[.*/, "", n)
		list[n] = ""
		strings($0, n)
		if ($0 !~ /}/)
			inlist = n
	}
	{
		s = $0
		while (match(s, /(setting_only_known|site_van_read)\([^,()]*,[^,()]*, *[a-z_]+/)) {
			a = substr(s, RSTART, RLENGTH)
			sub(/.*, */, "", a)
			used[a] = 1
			s = substr(s, RSTART + RLENGTH)
		}
	}
	/^}/ {
		for (a in used)
			if (a in list) {
				k = split(list[a], w, " ")
				for (i = 1; i <= k; i++)
					print fn, w[i]
			}
		split("", used)
	}' "$@"
}

lib_names=$(known_names $libraries)
echo "$settings" | while read -r page files; do
	[ -f "$page" ] || { echo "man: $page: missing"; echo FAIL; continue; }
	names=$(known_names $files | awk '{ print $2 }')
	# The library functions these files call.
	for fn in $(echo "$lib_names" | awk '{ print $1 }' | sort -u); do
		if grep -qE "\b$fn\(" $files; then
			names="$names
$(echo "$lib_names" | awk -v f="$fn" '$1 == f { print $2 }')"
		fi
	done
	names=$(echo "$names" | sed '/^$/d' | sort -u)
	if [ -z "$names" ]; then
		echo "man: $files: no setting names found (has the parsers' pattern changed?)"
		echo FAIL
		continue
	fi
	for n in $names; do
		grep -qE "(^\.|[[:space:]])(Ic|Cm) $n([[:space:]]|$)" "$page" ||
		    { echo "man: $page: setting '$n' ($files) is not documented (.Ic $n)"; echo FAIL; }
	done
	documented=$(grep -oE '(^\.|[[:space:]])Ic [A-Za-z_][A-Za-z0-9_]*' "$page" |
	    sed 's/.*Ic //' | sort -u)
	for n in $documented; do
		echo "$names" | grep -qx "$n" ||
		    { echo "man: $page: .Ic $n: no such setting in $files"; echo FAIL; }
	done
done | { out=$(cat); printf '%s\n' "$out" | grep -v '^FAIL$' | sed '/^$/d';
    case $out in *FAIL*) exit 1 ;; esac; } || fail=1

if [ $fail != 0 ]; then
	exit 1
fi
echo "man: $(echo "$pages" | wc -w) pages lint clean, in step with the usages and the parsers"
