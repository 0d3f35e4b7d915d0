# 76-systemd — what vanedge and vanproxy tell systemd (edge/rim/sdnotify.h),
# without systemd: each daemon runs in a namespace of its own with
# NOTIFY_SOCKET at a datagram socket a small listener reads (it records
# every assignment, and on READY=1 whether the control socket takes a
# connection).  READY=1 comes with the control socket up; STATUS= lines
# say what runs; WATCHDOG_USEC=400000 brings WATCHDOG=1 every 200 ms;
# `vanctl reload` and SIGHUP each bring RELOADING=1 then READY=1 (a failed
# reload too); SIGTERM brings STOPPING=1.  With JOURNAL_STREAM naming its
# stderr, each log line starts with its priority (<6> info, <3> error);
# with JOURNAL_STREAM naming another file, or unset, no line does; without
# NOTIFY_SOCKET the daemon runs as before.
. "$(dirname "$0")/lib.sh"
VANPROXY=$B/vanproxy
command -v wg >/dev/null || fail "wg missing (tests/deps.sh all installs it)"

NS=vsd$$
WG=vsd$$		# the UAPI socket's name is machine-global: hence $$
EXTRA_NS=$NS
PIDS=""

sd_cleanup() {
	rc0=$?
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -f "/var/run/wireguard/$WG.sock"
	(exit $rc0)
	cleanup
}
trap sd_cleanup EXIT

ip netns add "$NS" && ip -n "$NS" link set lo up || fail "namespace"

# The listener: listen.py SOCKET OUT CONTROL — one line per assignment.
cat >"$TMP/listen.py" <<'PY'
import socket, sys
path, out, ctl = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(out + ".ready", "w").close()
with open(out, "a", buffering=1) as f:
    while True:
        for line in s.recv(4096).decode().split("\n"):
            if line == "READY=1":
                c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    c.connect(ctl)
                    line += " ctl=up"
                except OSError:
                    line += " ctl=down"
                c.close()
            if line:
                f.write(line + "\n")
PY
# listen NAME CONTROL — a listener at $TMP/NAME.notify, its lines in $TMP/NAME.sd
listen() {
	bg python3 "$TMP/listen.py" "$TMP/$1.notify" "$TMP/$1.sd" "$2"
	poll 10 test -e "$TMP/$1.sd.ready" || fail "listener $1 did not start"
}
count() { c=$(grep -c "^$2" "$TMP/$1.sd" 2>/dev/null); echo "${c:-0}"; }	# count NAME PREFIX
at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }		# at_least NAME PREFIX N
ctl_ok() { "$VANCTL" -s "$1" show stats >/dev/null; }

# reloaded NAME R0 — RELOADING=1 then READY=1 came after R0 of each: the
# last RELOADING=1 before the last READY=1.
reloaded() {
	at_least "$1" RELOADING=1 $(($2 + 1)) && at_least "$1" READY=1 $(($2 + 2)) &&
	    [ "$(grep -n '^RELOADING=1' "$TMP/$1.sd" | tail -1 | cut -d: -f1)" -lt \
	    "$(grep -n '^READY=1' "$TMP/$1.sd" | tail -1 | cut -d: -f1)" ]
}
# reload_check NAME PID CONTROL WHAT — vanctl reload, then SIGHUP.
reload_check() {
	r=$(count "$1" RELOADING=1)
	"$VANCTL" -s "$3" reload >/dev/null || fail "$4: vanctl reload"
	poll 5 reloaded "$1" "$r" || fail "$4: no RELOADING=1 then READY=1 after vanctl reload"
	grep -q '^MONOTONIC_USEC=[0-9]' "$TMP/$1.sd" || fail "$4: RELOADING=1 without MONOTONIC_USEC"
	r=$(count "$1" RELOADING=1)
	kill -HUP "$2"
	poll 5 reloaded "$1" "$r" || fail "$4: no RELOADING=1 then READY=1 after SIGHUP"
	say "$4: RELOADING=1 then READY=1 after vanctl reload and after SIGHUP"
}
# stop_check NAME PID WHAT
stop_check() {
	kill "$2"
	wait "$2"
	at_least "$1" STOPPING=1 1 || fail "$3: no STOPPING=1 on SIGTERM"
	say "$3: STOPPING=1 on SIGTERM"
}

# ---- vanedge, stderr journald's stream (JOURNAL_STREAM: its dev:ino).
cat >"$TMP/edge.conf" <<EOF
edge = { listen = "127.0.0.1:4797"; control = "$TMP/edge.sock"; hello_interval = 200; };
members = [ "127.0.0.2" ];
vans = ( { id = 100; name = "blue"; ports = ( { tap = "sd$$"; } ); } );
EOF
listen edge "$TMP/edge.sock"
: >"$TMP/edge.err"
NOTIFY_SOCKET=$TMP/edge.notify WATCHDOG_USEC=400000 \
    JOURNAL_STREAM=$(stat -c %d:%i "$TMP/edge.err") \
    ip netns exec "$NS" "$VANEDGE" -f "$TMP/edge.conf" 2>>"$TMP/edge.err" &
PE=$!
PIDS="$PIDS $PE"
poll 10 at_least edge READY=1 1 || fail "vanedge: no READY=1"
[ "$(grep -m1 '^READY=1' "$TMP/edge.sd")" = "READY=1 ctl=up" ] ||
    fail "vanedge: READY=1 before the control socket was up"
ctl_ok "$TMP/edge.sock" || fail "vanedge: the control socket does not answer after READY=1"
say "vanedge: READY=1 once the control socket is up"
grep -qx 'STATUS=1 VANs, 1 ports, 0/1 members alive' "$TMP/edge.sd" ||
    fail "vanedge: STATUS= line: $(grep '^STATUS=' "$TMP/edge.sd" | tail -1)"
say "vanedge: $(grep '^STATUS=' "$TMP/edge.sd" | tail -1)"
w0=$(count edge WATCHDOG=1)
poll 5 at_least edge WATCHDOG=1 $((w0 + 8)) || fail "vanedge: fewer than 8 WATCHDOG=1 in 5 s"
say "vanedge: WATCHDOG=1 from the event loop ($(count edge WATCHDOG=1) so far)"
reload_check edge "$PE" "$TMP/edge.sock" vanedge
# A failed reload: READY=1 all the same (the old configuration runs), and
# its error line at priority 3.
cp "$TMP/edge.conf" "$TMP/edge.good"
echo 'this is not a configuration' >>"$TMP/edge.conf"
r=$(count edge RELOADING=1)
"$VANCTL" -s "$TMP/edge.sock" reload >/dev/null 2>&1 && fail "vanedge: a bad reload succeeded"
poll 5 reloaded edge "$r" || fail "vanedge: no READY=1 after a failed reload"
cp "$TMP/edge.good" "$TMP/edge.conf"
say "vanedge: a failed reload is RELOADING=1 then READY=1 too"
grep -q '^<6>vanedge: running: ' "$TMP/edge.err" || fail "vanedge: no <6> on an info line"
grep -q '^<3>vanedge: error: reload failed' "$TMP/edge.err" ||
    fail "vanedge: no <3> on the failed reload's line"
stop_check edge "$PE" vanedge
PIDS=""
bad=$(grep -v '^<[3467]>vanedge: ' "$TMP/edge.err")
[ -z "$bad" ] || fail "vanedge: log lines without a priority: $bad"
say "vanedge: JOURNAL_STREAM: every log line has its priority (<6> info, <3> error)"

# ---- vanedge without NOTIFY_SOCKET, JOURNAL_STREAM naming another file.
JOURNAL_STREAM=1:1 ip netns exec "$NS" "$VANEDGE" -f "$TMP/edge.conf" 2>"$TMP/edge2.err" &
PE=$!
PIDS="$PIDS $PE"
poll 10 ctl_ok "$TMP/edge.sock" || fail "vanedge without NOTIFY_SOCKET: no control socket"
n=$(wc -l <"$TMP/edge.sd")
kill -HUP "$PE"
poll 5 grep -q 'configuration reloaded' "$TMP/edge2.err" ||
    fail "vanedge without NOTIFY_SOCKET: no reload"
kill "$PE"
wait "$PE"
PIDS=""
[ "$(wc -l <"$TMP/edge.sd")" = "$n" ] || fail "vanedge without NOTIFY_SOCKET sent something"
grep -q '^vanedge: running: ' "$TMP/edge2.err" && ! grep -q '^<' "$TMP/edge2.err" ||
    fail "vanedge: JOURNAL_STREAM of another file: prefixes: $(head -3 "$TMP/edge2.err")"
say "vanedge: without NOTIFY_SOCKET it runs and sends nothing; another file's JOURNAL_STREAM: no prefixes"

# ---- vanproxy, JOURNAL_STREAM unset.
( umask 077 && wg genkey >"$TMP/a.key" && wg genkey >"$TMP/b.key" ) || fail "keys"
cat >"$TMP/proxy.conf" <<EOF
proxy = {
  name = "a";
  private_key = "$TMP/a.key";
  listen = "127.0.0.1:51820";
  site_listen = "127.0.0.1:4797";
  control = "$TMP/proxy.sock";
  wg_name = "$WG";
  hello_interval = 200;
};
members = [ ];
vans = ( { id = 100; name = "blue"; } );
peers = (
  { name = "b"; public_key = "$(wg pubkey <"$TMP/b.key")"; endpoint = "127.0.0.9:51820";
    vans = ( { local = 100; remote = 300; } ); }
);
EOF
listen proxy "$TMP/proxy.sock"
NOTIFY_SOCKET=$TMP/proxy.notify WATCHDOG_USEC=400000 \
    ip netns exec "$NS" "$VANPROXY" -f "$TMP/proxy.conf" 2>"$TMP/proxy.err" &
PP=$!
PIDS="$PIDS $PP"
poll 10 at_least proxy READY=1 1 || fail "vanproxy: no READY=1: $(cat "$TMP/proxy.err")"
[ "$(grep -m1 '^READY=1' "$TMP/proxy.sd")" = "READY=1 ctl=up" ] ||
    fail "vanproxy: READY=1 before the control socket was up"
[ -S "/var/run/wireguard/$WG.sock" ] || fail "vanproxy: READY=1 before the UAPI socket"
ctl_ok "$TMP/proxy.sock" || fail "vanproxy: the control socket does not answer after READY=1"
say "vanproxy: READY=1 once the control and UAPI sockets are up"
grep -qx 'STATUS=active, 1 VANs, 0/0 site members, 0/1 peers alive' "$TMP/proxy.sd" ||
    fail "vanproxy: STATUS= line: $(grep '^STATUS=' "$TMP/proxy.sd" | tail -1)"
say "vanproxy: $(grep '^STATUS=' "$TMP/proxy.sd" | tail -1)"
w0=$(count proxy WATCHDOG=1)
poll 5 at_least proxy WATCHDOG=1 $((w0 + 8)) || fail "vanproxy: fewer than 8 WATCHDOG=1 in 5 s"
say "vanproxy: WATCHDOG=1 from the event loop ($(count proxy WATCHDOG=1) so far)"
reload_check proxy "$PP" "$TMP/proxy.sock" vanproxy
stop_check proxy "$PP" vanproxy
PIDS=""
grep -q '^vanproxy: ' "$TMP/proxy.err" && ! grep -q '^<' "$TMP/proxy.err" ||
    fail "vanproxy: without JOURNAL_STREAM: prefixes: $(head -3 "$TMP/proxy.err")"
[ ! -e "/var/run/wireguard/$WG.sock" ] || fail "vanproxy left its UAPI socket"
say "vanproxy: without JOURNAL_STREAM no prefixes"
