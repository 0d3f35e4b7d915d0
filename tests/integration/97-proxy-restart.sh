# 97-proxy-restart — a proxy killed and restarted (fed2.conf), while probe
# streams at 1 ms intervals cross the sites both ways (b2@a -> b4@b,
# b3@b -> b1@a).  First a's vanproxy is killed (SIGKILL: no goodbye, its
# UAPI socket left behind); once b's proxy and a's hosts see it dead, it
# is started again (`vanlab restart a-gw`).  Then b's proxy is restarted
# the orderly way (SIGTERM, start).  Each time the new proxy handshakes
# anew (`wg show`), its peer and its hosts see a new boot epoch, both
# streams resume, and the time it took is reported: how long the proxy
# was gone, how soon after its start the traffic came back, the streams'
# outage.
. "$(dirname "$0")/lib.sh"
command -v wg >/dev/null || fail "wg missing (tests/deps.sh all installs it)"
lab_up "$HERE/fed2.conf"
mono_ns() { python3 -c 'import time; print(time.monotonic_ns())'; }

ping_ok b2 10.0.0.14 || fail "b2 does not reach b4"
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1"
stream_start ab b2 b4 10.0.0.14 7001
stream_start ba b3 b1 10.0.0.11 7002
delivered h4 t-b4 200 || fail "the stream a -> b does not flow"
delivered h1 t-b1 200 || fail "the stream b -> a does not flow"

# restart SITE HOW: HOW is kill (SIGKILL, wait until it is seen dead, then
# start) or term (vanlab restart: SIGTERM and start).
EV=$TMP/events.json
restart() {
	s=$1 how=$2 o=$(other "$1") wgn=$(wg_of "$1")
	hs0=$(wg show "$wgn" latest-handshakes | awk '{ print $2 }')
	ep0=$(member epoch "$(host_in "$s")" "$(gw_addr "$s")")
	t_stop=$(mono_ns)
	if [ "$how" = kill ]; then
		kill -9 "$(proxy_pid "$s")" || fail "kill $s's vanproxy"
		[ -S "/var/run/wireguard/$wgn.sock" ] || fail "a killed vanproxy removed its UAPI socket?"
		dead() { [ "$(pctl "$o" show peers | jpy "j[0]['state']")" = dead ] &&
		    [ "$(member state "$(host_in "$s")" "$(gw_addr "$s")")" = dead ]; }
		poll 5 dead || fail "$s's proxy is not seen dead"
		t_dead=$(mono_ns)
	fi
	t_start=$(mono_ns)
	"$VANLAB" restart --prefix "$PFX" "$s-gw" >"$TMP/restart" || fail "vanlab restart $s-gw"
	# Traffic is back: both streams reach their VMs again (the streams'
	# own figures, below, say when).
	delivered h4 t-b4 50 || fail "the stream a -> b does not resume"
	delivered h1 t-b1 50 || fail "the stream b -> a does not resume"
	hs1=$(wg show "$wgn" latest-handshakes | awk '{ print $2 }')
	[ "$hs1" -gt 0 ] || fail "no handshake after the restart of $s's proxy"
	[ "$(pctl "$o" show peers | jpy "j[0]['state']")" = alive ] || fail "$o does not see $s alive"
	ep1=$(member epoch "$(host_in "$s")" "$(gw_addr "$s")")
	[ "$ep1" != "$ep0" ] || fail "$s's proxy has the same boot epoch after the restart"
	printf '{ "port_mac": "configured", "moves": [ { "vm": "%s-gw", "from": "%s", "to": "%s",
	    "stop_ns": %s, "first_frame_ns": %s } ] }\n' "$s" "$how" "$s" "$t_stop" "$t_start" >>"$EV"
	if [ "$how" = kill ]; then
		say "$s's proxy killed (SIGKILL): $o's proxy and $s's hosts saw it dead after" \
		    "$(((t_dead - t_stop) / 1000000)) ms; started again" \
		    "$(((t_start - t_stop) / 1000000)) ms after the kill"
	else
		say "$s's proxy restarted the orderly way (SIGTERM, start)"
	fi
	say "  $(cat "$TMP/restart")"
	say "  wg show $wgn: a new handshake; $o sees it alive; its hosts see epoch $ep0 -> $ep1"
}
other() { case $1 in a) echo b ;; b) echo a ;; esac; }
host_in() { case $1 in a) echo h1 ;; b) echo h3 ;; esac; }
gw_addr() { case $1 in a) echo 10.77.1.10 ;; b) echo 10.77.2.10 ;; esac; }

restart a kill
restart b term
streams_stop
for s in ab ba; do
	case $s in ab) from="b2@a -> b4@b" ;; *) from="b3@b -> b1@a" ;; esac
	python3 "$T" probe-gap "$TMP/$s.sent" "$TMP/$s.recv" "$EV" 1000 >"$TMP/$s.gaps" ||
	    fail "probe-gap $s"
	while read -r line; do
		case $line in
		move=*)
			set -- $(echo "$line" | sed 's/^move=\([0-9]\) vm=\([a-z]*-gw\) from=\([a-z]*\).*away_ms=\([0-9.]*\) outage_ms=\([0-9.inf]*\) lost=\([0-9]*\) .*gap_ms=\([0-9.inf]*\).*/\1 \2 \3 \4 \5 \6 \7/')
			[ $# = 7 ] || fail "stream $from: $line"
			if [ "$3" = kill ]; then
				say "stream $from: $2 killed: outage $5 ms ($6 probes lost)," \
				    "traffic back $7 ms after \`vanlab restart\` began"
			else
				say "stream $from: $2 restarted: outage $5 ms ($6 probes lost)," \
				    "traffic back $7 ms after \`vanlab restart\` began"
			fi
			[ "$7" != inf ] ||
			    fail "stream $from: traffic never came back after $2's restart" ;;
		*)	say "stream $from: $line" ;;
		esac
	done <"$TMP/$s.gaps"
done
ping_ok b1 10.0.0.13 || fail "b1 does not reach b3 after the restarts"
