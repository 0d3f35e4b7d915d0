# 20-isolation — no frame of one VAN reaches the other.  Both VANs use the
# same subnet and the same MACs, so only the payload tells them apart:
# every VM captures its eth0 while every VM sends datagrams carrying its
# VAN's marker (broadcast, and unicast to every IP of the subnet, which
# ARP-floods first).  Each capture must hold its own VAN's marker (so the
# test can fail) and never the other's.
. "$(dirname "$0")/lib.sh"
lab_up

VMS="b1 b2 b3 b4 r1 r2 r3 r4"
van_of() { case $1 in b*) echo blue ;; r*) echo red ;; esac; }

caps=""
for v in $VMS; do
	bg vm "$v" tcpdump -i eth0 -n -U -Z root -w "$TMP/$v.pcap" 2>"$TMP/$v.err"
	caps="$caps $BG"
done
for v in $VMS; do
	poll 10 grep -q "listening on" "$TMP/$v.err" || fail "tcpdump in $v did not start"
done

T=$HERE/traffic.py
senders=""
for v in $VMS; do
	bg vm "$v" python3 "$T" marker "vanmark-$(van_of "$v")-$v" 1.5 \
	    10.0.0.255 10.0.0.11 10.0.0.12 10.0.0.13 10.0.0.14
	senders="$senders $BG"
done
wait $senders	# each sends for 1.5 s
# Every capture has its VAN's traffic before it stops (a leak would have
# come with it); then stop them, which flushes them.
seen_own() { [ "$(python3 "$T" count "$TMP/$1.pcap" "vanmark-$(van_of "$1")-")" -gt 10 ]; }
for v in $VMS; do poll 10 seen_own "$v" || fail "$v: its VAN's frames did not arrive"; done
stop $caps

for v in $VMS; do
	own=$(van_of "$v")
	case $own in blue) other=red ;; *) other=blue ;; esac
	n_own=$(python3 "$T" count "$TMP/$v.pcap" "vanmark-$own-")
	n_other=$(python3 "$T" count "$TMP/$v.pcap" "vanmark-$other-")
	say "$v ($own): $n_own frames of its VAN, $n_other of $other"
	[ "$n_own" -gt 10 ] || fail "$v saw only $n_own frames of its own VAN"
	[ "$n_other" -eq 0 ] || fail "$v saw $n_other frames of VAN $other"
done
