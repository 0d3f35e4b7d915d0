#!/bin/bash
# tests/completion.sh BUILD_DIR — the bash completion of vanctl, vanplan and
# vanlab (contrib/completion/), no root, no bash-completion package: each
# file is sourced and its function called as bash calls it (COMP_WORDS,
# COMP_CWORD, COMP_LINE, COMP_POINT), and COMPREPLY compared.  The
# commands, subcommands and options offered must be exactly the ones the
# program's own usage lists (read from this build's --help), so neither
# can change without the other.  Names from a running daemon come from
# this build's vanctl talking to a stand-in daemon (python3: one JSON
# answer per request, as vanedge's control socket); vanlab's from a
# stand-in `vanlab status` printing status.c's format.  `make check` runs
# it (target `completion`).
set -u
B=${1:?usage: $0 BUILD_DIR}
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
B=$(cd "$B" && pwd) || exit 1
for p in vanctl vanplan vanlab; do
	[ -x "$B/$p" ] || { echo "completion: $B/$p not built" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vancomp.XXXXXX") || exit 1
daemon=
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
rc=0
fail() { echo "completion: $*" >&2; rc=1; }

# comp FUNC LINE — what FUNC offers for LINE, the cursor at its end (a
# trailing space: a new word), sorted, on one line; its stderr in $tmp/err.
comp() {
	local func=$1 line=$2
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$func" 2>"$tmp/err"
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | paste -sd' ' -
}

# expect FUNC LINE WANT — FUNC offers exactly WANT (words in any order), and
# writes nothing to stderr.
expect() {
	local got want
	got=$(comp "$1" "$2")
	want=$(printf '%s\n' $3 | sed '/^$/d' | sort | paste -sd' ' -)
	[ "$got" = "$want" ] || fail "'$2': offered '$got', want '$want'"
	[ -s "$tmp/err" ] && fail "'$2': stderr: $(cat "$tmp/err")"
	return 0
}

# words TEXT — the words of TEXT split at blanks and '|', sorted, one line.
words() { printf '%s\n' $(echo "$*" | tr '|' ' ') | sed '/^$/d' | sort -u | paste -sd' ' -; }

# ---------------------------------------------------------------- vanctl ---
source "$TOP/contrib/completion/vanctl" || exit 1
complete -p vanctl >/dev/null 2>&1 || fail "vanctl: no complete -F line"
help=$("$B/vanctl" --help) || fail "vanctl --help failed"
# "  show vans | ports ...", "  attach VAN TAP [MAC]  ...": two spaces, a word.
cmds=$(words "$(echo "$help" | sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p')")
[ -n "$cmds" ] || fail "vanctl: no commands in its usage"
expect _vanctl "$B/vanctl " "$cmds"
expect _vanctl "$B/vanctl --json -s /x " "$cmds"
shows=$(words "$(echo "$help" | sed -n 's/^  show \(.*\)/\1/p' |
    sed 's/  .*//; s/\[VAN\]//g; s/\[--[a-z]*\]//g')")
expect _vanctl "$B/vanctl show " "$shows"
expect _vanctl "$B/vanctl --proxy show " "$shows"
expect _vanctl "$B/vanctl show f" "fdb"
levels=$(words "$(echo "$help" | sed -n 's/^  log-level \[\(.*\)\].*/\1/p')")
[ "$levels" = "debug error info warn" ] || fail "vanctl: log levels in usage: '$levels'"
expect _vanctl "$B/vanctl log-level " "$levels"
roles=$(words "$(echo "$help" | sed -n 's/^  role \([^ ]*\).*/\1/p')")
[ "$roles" = "active renew standby" ] || fail "vanctl: roles in usage: '$roles'"
expect _vanctl "$B/vanctl -p role " "$roles"
expect _vanctl "$B/vanctl reload " ""
# Every option the usage names is offered.
got=$(comp _vanctl "$B/vanctl -")
for o in $(echo "$help" | sed -n '1,2p' | grep -oE -- '--?[a-z][a-z-]*'); do
	case " $got " in *" $o "*) ;; *) fail "vanctl: option $o of its usage not offered ('$got')" ;; esac
done
: >"$tmp/sockfile"
expect _vanctl "$B/vanctl -s $tmp/sockf" "$tmp/sockfile"

# VANs and ports from the daemon the line names.
command -v python3 >/dev/null || { echo "completion: python3 missing" >&2; exit 1; }
python3 - "$tmp/ctl.sock" "$tmp/requests" <<'PY' &
import json, socket, sys
answers = {
    "show vans": [{"id": 100, "name": "blue", "ports": 1},
                  {"id": 200, "name": "red", "ports": 0},
                  {"id": 300, "name": None, "ports": 0}],
    "show ports": [{"tap": "t1blue", "kind": "tap", "van": 100},
                   {"tap": "vnet3", "kind": "device", "van": 200}],
}
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(8)
while True:
    c, _ = s.accept()
    line = c.makefile("rb").readline().decode().strip()
    with open(sys.argv[2], "a") as f:
        f.write(line + "\n")
    r = answers.get(line)
    doc = {"ok": True, "result": r} if r is not None else \
        {"ok": False, "error": "unknown request"}
    c.sendall(json.dumps(doc).encode() + b"\n")
    c.close()
PY
daemon=$!
for _ in $(seq 100); do [ -S "$tmp/ctl.sock" ] && break; sleep 0.05; done
if [ ! -S "$tmp/ctl.sock" ]; then
	fail "the stand-in daemon did not start"
else
	expect _vanctl "$B/vanctl -s $tmp/ctl.sock show fdb " "blue red 300"
	expect _vanctl "$B/vanctl --socket $tmp/ctl.sock show neigh r" "red"
	expect _vanctl "$B/vanctl -s $tmp/ctl.sock attach " "blue red 300"
	expect _vanctl "$B/vanctl -s $tmp/ctl.sock attach blue " "--device"
	expect _vanctl "$B/vanctl -s $tmp/ctl.sock attach blue --device l" \
	    "$(ls /sys/class/net | grep '^l')"
	expect _vanctl "$B/vanctl -s $tmp/ctl.sock detach " "t1blue vnet3"
	grep -qx 'show vans' "$tmp/requests" && grep -qx 'show ports' "$tmp/requests" ||
	    fail "vanctl: the daemon was not asked (requests: $(cat "$tmp/requests" 2>/dev/null))"
fi
# No daemon there: nothing, quietly.
expect _vanctl "$B/vanctl -s $tmp/none.sock show fdb " ""
expect _vanctl "$B/vanctl -s $tmp/none.sock detach " ""

# --------------------------------------------------------------- vanplan ---
source "$TOP/contrib/completion/vanplan" || exit 1
complete -p vanplan >/dev/null 2>&1 || fail "vanplan: no complete -F line"
help=$("$B/vanplan" --help) || fail "vanplan --help failed"
# "usage: vanplan plan INVENTORY [-o DIR] [--json | --dot]", "       vanplan check ..."
cmds=$(words "$(echo "$help" | sed -n 's/^\(usage:\|      \) vanplan \([a-z][a-z]*\).*/\2/p')")
[ "$cmds" = "check lint plan" ] || fail "vanplan: commands in usage: '$cmds'"
expect _vanplan "$B/vanplan " "$cmds"
expect _vanplan "$B/vanplan -" "$(words "$(echo "$help" |
    sed -n 's/^\(usage:\|      \) vanplan -/-/p')")"
for c in $cmds; do
	opts=$(words "$(echo "$help" | sed -n "s/^\(usage:\|      \) vanplan $c //p" |
	    grep -oE -- '--?[a-z][a-z-]*')")
	[ -n "$opts" ] || fail "vanplan: no options of $c in usage"
	expect _vanplan "$B/vanplan $c -" "$opts"
done
mkdir "$tmp/plan" "$tmp/plan/out" && : >"$tmp/plan/inv.conf" && : >"$tmp/plan/other.conf"
expect _vanplan "$B/vanplan check $tmp/plan/i" "$tmp/plan/inv.conf"
expect _vanplan "$B/vanplan plan $tmp/plan/inv.conf -o $tmp/plan/" "$tmp/plan/out"
expect _vanplan "$B/vanplan lint -i $tmp/plan/o" "$tmp/plan/other.conf $tmp/plan/out"
expect _vanplan "$B/vanplan bogus " ""

# ---------------------------------------------------------------- vanlab ---
source "$TOP/contrib/completion/vanlab" || exit 1
complete -p vanlab >/dev/null 2>&1 || fail "vanlab: no complete -F line"
help=$("$B/vanlab" --help) || fail "vanlab --help failed"
# "  /path/vanlab up TOPOLOGY [--prefix P]": the commands' lines.
lines=$(echo "$help" | sed -n "s|^  $B/vanlab \([a-z].*\)|\1|p")
cmds=$(words "$(echo "$lines" | awk '{ print $1 }')")
[ "$(echo $cmds | wc -w)" -ge 10 ] || fail "vanlab: commands in usage: '$cmds'"
expect _vanlab "$B/vanlab " "$cmds"
expect _vanlab "$B/vanlab -" "$(words "$(echo "$help" | sed -n "s|^  $B/vanlab -|-|p" |
    grep -oE -- '--?[a-z][a-z-]*')")"
for c in $cmds; do
	opts=$(words "$(echo "$lines" | awk -v c="$c" '$1 == c' | grep -oE -- '--[a-z][a-z-]*' |
	    grep -vx -- '--')")
	expect _vanlab "$B/vanlab $c -" "$opts"
done
: >"$tmp/topo.conf"
expect _vanlab "$B/vanlab up $tmp/top" "$tmp/topo.conf"
expect _vanlab "$B/vanlab check $tmp/topo.conf --edge " ""

# A running lab's names: a stand-in for `vanlab status` (status.c's format).
cat >"$tmp/vanlab" <<EOS
#!/bin/sh
echo "\$*" >>"$tmp/lab-args"
[ "\$1 \$2 \$3" = "status --prefix none" ] && { echo "vanlab: no lab" >&2; exit 1; }
cat <<'EOT'
lab t1 (state in /run/vanlab/t1)

HOST     NAMESPACE          UNDERLAY        VANEDGE          MEMBERS
h1       t1-a-h1            10.77.1.11      pid 1200         1/1 alive
h2       t1-b-h2            10.77.2.11      NOT RUNNING      -

VM       NAMESPACE          VAN      HOST     IP                 MAC               ETH0
a1       t1-a1              blue     h1       10.0.0.1/24        02:00:00:00:01:01 present
b1       (qemu)             blue     h2       10.0.0.2/24        02:00:00:00:02:01 qemu pid 1300

PROXY    NAMESPACE          UNDERLAY        INTERNET        VANPROXY         WG               PEERS
a-gw1    t1-a-gw            10.77.1.253     10.76.0.253     pid 1400         t1-a-gw1         1/1 alive   ACTIVE (the VIPs), keepalived pid 1401
a-gw2    t1-a-gw2           10.77.1.252     10.76.0.252     pid 1500         t1-a-gw2         -           standby, keepalived pid 1501
b-gw     t1-b-gw            10.77.2.10      10.76.0.12      pid 1600         t1-b             1/1 alive
site a: a pair, VIPs 10.77.1.10 (underlay) and 10.76.0.11 (internet) on the active gateway: a-gw names it, a-gw1 and a-gw2 each one
EOT
exit 1
EOS
chmod 0755 "$tmp/vanlab"
L=$tmp/vanlab
expect _vanlab "$L exec " "a1 b1 h1 h2 a-sw b-sw a-gw a-gw1 a-gw2 b-gw inet"
expect _vanlab "$L exec --prefix t1 a" "a1 a-sw a-gw a-gw1 a-gw2"
grep -q -- '^status --prefix t1$' "$tmp/lab-args" ||
    fail "vanlab: status not asked with --prefix t1 ($(cat "$tmp/lab-args"))"
expect _vanlab "$L exec a1 " ""
expect _vanlab "$L ctl " "h1 h2 a-gw a-gw1 a-gw2 b-gw"
expect _vanlab "$L restart " "a-gw1 a-gw2 b-gw"
expect _vanlab "$L impair " "a-sw b-sw inet"
expect _vanlab "$L impair a-sw " "delay loss duplicate reorder off"
expect _vanlab "$L partition " "a b"
expect _vanlab "$L partition a " "on off"
expect _vanlab "$L migrate " "a1 b1"
expect _vanlab "$L migrate --learn a1 " "h1 h2"
expect _vanlab "$L migrate a1 h2 b" "b1"
# No lab of that prefix: nothing, quietly.
expect _vanlab "$L exec --prefix none " ""
expect _vanlab "$L migrate --prefix none " ""

[ $rc = 0 ] && echo "completion: vanctl, vanplan, vanlab: offered what their usage lists"
exit $rc
