# 96-cross-site-migration — a VM moves between sites (fed2.conf) while
# probe streams at 1 ms intervals run to it from a VM of each site: b1
# goes a/h1 -> b/h3 -> a/h1 -> b/h4 -> a/h1 (vanlab migrate: its NIC
# stops, its new port comes up in the other site, with that site's ID of
# blue, it sends a gratuitous ARP, the old port goes).  For each move and
# stream the connectivity gap is reported: from the VM's first frame on
# its new host to the first probe that arrived after it (and after the
# last one lost), and the stream's outage.  After each move the site it
# left holds nothing about the VM but the route "via its proxy" on every
# host (or no entry), its proxy "peer X"; in the site it entered, its host
# has it local, the others and the proxy behind that host.  Every stream
# resumes after every move (what passes or fails); the gaps are reported,
# not judged: a time taken on a busy machine is a figure, not a verdict.
. "$(dirname "$0")/lib.sh"
lab_up "$HERE/fed2.conf"
MAC=02:00:0a:00:00:0b
# Each site's ID of blue, its proxy's underlay address, its hosts.
id_of() { case $1 in a) echo 100 ;; b) echo 200 ;; esac; }
gw_of() { case $1 in a) echo 10.77.1.10:4797 ;; b) echo 10.77.2.10:4797 ;; esac; }
hosts_of() { case $1 in a) echo h1 h2 ;; b) echo h3 h4 ;; esac; }
site_of() { case $1 in h1 | h2) echo a ;; *) echo b ;; esac; }
other() { case $1 in a) echo b ;; b) echo a ;; esac; }
addr_of() { case $1 in h1) echo 10.77.1.11 ;; h2) echo 10.77.1.12 ;; h3) echo 10.77.2.11 ;;
	h4) echo 10.77.2.12 ;; esac; }

ping_ok b2 10.0.0.11 || fail "b2 (a) does not reach b1"
ping_ok b4 10.0.0.11 || fail "b4 (b) does not reach b1"
stream_start fa b2 b1 10.0.0.11 7001
stream_start fb b4 b1 10.0.0.11 7002
delivered h1 t-b1 200 || fail "the streams do not reach b1"

# converged HOST: the whole federation agrees that b1 is on HOST.
converged() {
	to=$1 s=$(site_of "$1") o=$(other "$(site_of "$1")")
	[ "$(fdb_where "$to" blue $MAC)" = t-b1 ] || return 1
	for h in $(hosts_of "$s"); do
		[ "$h" = "$to" ] && continue
		w=$(fdb_where $h blue $MAC)
		[ "$w" = none ] || [ "$w" = "$(addr_of "$to"):4797" ] || return 1
	done
	[ "$(pfdb "$s" "$(id_of "$s")" $MAC)" = "$(addr_of "$to"):4797" ] || return 1
	[ "$(pfdb "$o" "$(id_of "$o")" $MAC)" = "peer $s" ] || return 1
	# The site it left: nothing but the route via its proxy (or none).
	for h in $(hosts_of "$o"); do
		w=$(fdb_where $h blue $MAC)
		k=$(fdb_field $h blue $MAC kind)
		[ "$w" = none ] || { [ "$w" = "$(gw_of "$o")" ] && [ "$k" = remote ]; } || return 1
	done
}
M=$TMP/moves.json
n=0
for to in h3 h1 h4 h1; do
	from_site=$(site_of "$(host_of b1)")
	st0=$(pvan_stat "$from_site" "$(id_of "$from_site")" learn_stale)
	move "$M" b1 $to
	n=$((n + 1))
	delivered $to t-b1 200 || fail "move $n: the streams do not reach b1 on $to"
	poll 5 converged $to || {
		for h in h1 h2 h3 h4; do echo "$h: $(fdb_where $h blue $MAC)"; done
		echo "a-gw: $(pfdb a 100 $MAC), b-gw: $(pfdb b 200 $MAC)"
		fail "move $n: the sites do not agree that b1 is on $to"
	} >&2
	st=$(($(pvan_stat "$from_site" "$(id_of "$from_site")" learn_stale) - st0))
	msg="move $n: b1 -> $to (site $from_site -> $(site_of $to)): converged; site $from_site holds only the route via its proxy"
	# The proxy of the site it left follows the other's announcement: its
	# federation sequence of the VM is the other's (they told each other
	# their routes when the tunnel came up), so the announcement is newer.
	[ "$st" -eq 0 ] || fail "move $n: $from_site's proxy ignored the announcement as stale (learn_stale +$st)"
	say "$msg"
	for h in $(hosts_of "$from_site"); do
		say "  $h: b1 at $(fdb_where $h blue $MAC)"
	done
done
streams_stop

gaps=""
for s in fa fb; do
	case $s in fa) from="b2@a/h2" ;; *) from="b4@b/h4" ;; esac
	stream_gaps $s "$M" >"$TMP/$s.gaps" || fail "probe-gap $s"
	while read -r line; do
		case $line in
		move=*)
			g=$(echo "$line" | sed -n 's/.*gap_ms=\([0-9.inf]*\).*/\1/p')
			[ -n "$g" ] || fail "stream $s: $line"
			gaps="$gaps $g"
			say "stream from $from: $line" ;;
		*)	say "stream from $from: $line" ;;
		esac
	done <"$TMP/$s.gaps"
done
k=$(echo $gaps | wc -w)
[ "$k" -eq 8 ] || fail "$k gaps measured, not 8 (4 moves x 2 streams)"
read -r med max <<EOF
$(echo $gaps | tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END {
    printf "%.1f %.1f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }')
EOF
say "cross-site migration gap after the VM's first frame: median $med ms, max $max ms" \
    "over $k (4 moves x 2 streams)"
case " $gaps " in *" inf "*) fail "a stream never came back after a move" ;; esac
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 after the moves"
