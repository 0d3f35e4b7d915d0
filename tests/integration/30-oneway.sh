# 30-oneway — a one-way UDP stream to a receiver that never answers is
# flooded at most once, then sent as DATA: the receiver's edge announced
# its port's MAC when the port came up, or, if the sender did not hear
# that, answers the first FLOOD with a LEARN.  Truly one-way: the sender
# has a static neighbour entry (no ARP), IPv6 is off, the receiver's
# socket never sends (and being bound, no ICMP unreachable either) —
# checked: its edge reads no frame from it.  A kernel bridge learning from
# source MACs floods all of them (measured below, same stream).
. "$(dirname "$0")/lib.sh"
lab_up

B2MAC=02:00:0a:00:00:0c
N=200
T=$HERE/traffic.py

bg vm b2 python3 "$T" udp-sink 10.0.0.12 5002 "$TMP/sink" 60
poll 10 test -e "$TMP/sink" || fail "receiver did not start"
vm b1 ip neigh replace 10.0.0.12 lladdr $B2MAC dev eth0 nud permanent ||
    fail "static neighbour"

where=$(fdb_where h1 blue $B2MAC)
say "before: h1 puts b2's MAC at: $where (announced by h2 when b2's port came up)"

# What the hosts announced at start has been said again (repeats) by now.
settled h1 h2 h3 || fail "the hosts still repeat their announcements"
f0=$(van_stat h1 blue flood_tx); l0=$(van_stat h1 blue learn_rx)
d0=$(van_stat h1 blue data_tx); lt0=$(van_stat h2 blue learn_tx)
in0=$(van_stat h2 blue frames_in); fr3=$(van_stat h3 blue flood_rx)

# The first datagram: DATA if h1 knows b2, else flooded and a LEARN comes back.
vm b1 python3 "$T" udp-send 10.0.0.12 5002 1 0 oneway || fail "send"
known() { [ "$(fdb_where h1 blue $B2MAC)" = "10.77.1.12:4797" ]; }
poll 5 known || fail "h1 does not put b2's MAC at h2 after the first datagram"
say "after 1 datagram: h1 puts b2 at $(fdb_where h1 blue $B2MAC)"

# The rest: DATA only.
vm b1 python3 "$T" udp-send 10.0.0.12 5002 $((N - 1)) 1 oneway || fail "send"
all_in() { [ "$(cat "$TMP/sink")" -ge $N ]; }
poll 10 all_in || fail "receiver got $(cat "$TMP/sink") of $N datagrams"

df=$(($(van_stat h1 blue flood_tx) - f0))
dl=$(($(van_stat h1 blue learn_rx) - l0))
dd=$(($(van_stat h1 blue data_tx) - d0))
dlt=$(($(van_stat h2 blue learn_tx) - lt0))
din=$(($(van_stat h2 blue frames_in) - in0))
dfr3=$(($(van_stat h3 blue flood_rx) - fr3))
say "h1 blue: flood_tx +$df, learn_rx +$dl, data_tx +$dd; h2 learn_tx +$dlt;" \
    "h2 frames from b2 +$din; h3 flood_rx +$dfr3"
[ "$df" -le 1 ] || fail "h1 flooded $df frames, more than 1"
[ "$((df + dd))" -eq $N ] || fail "h1 flooded $df and sent $dd DATA: not $N"
[ "$dl" -eq "$df" ] || fail "h1 flooded $df frames but received $dl LEARNs"
[ "$dlt" -eq "$df" ] || fail "h2 sent $dlt LEARNs for $df floods"
[ "$din" -eq 0 ] || fail "the receiver sent $din frames: not one-way"
[ "$dfr3" -eq "$df" ] || fail "h3 got $dfr3 floods, h1 sent $df"

# The contrast: a kernel bridge + VXLAN (head-end replication to the other
# hosts) carrying the same one-way stream floods every frame, since the
# bridge never sees the silent receiver's MAC as a source.  Built in the
# hosts' namespaces (each host's bridge is its own endpoint 10.9.0.N; no
# multicast snooping, whose router adverts would give the receiver away).
for i in 1 2 3; do
	h=h$i
	vm $h ip link add vx0 type vxlan id 42 dstport 4789 local 10.77.1.1$i dev eth0 &&
	vm $h ip link add brx address 02:09:00:00:00:0$i type bridge stp_state 0 \
	    mcast_snooping 0 &&
	vm $h ip link set vx0 master brx &&
	vm $h ip link set vx0 up &&
	vm $h ip link set brx up &&
	vm $h ip addr add 10.9.0.$i/24 dev brx || fail "VXLAN on $h"
	for j in 1 2 3; do
		[ $j = $i ] && continue
		vm $h bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.77.1.1$j ||
		    fail "VXLAN flood list on $h"
	done
done
vm h1 ip neigh replace 10.9.0.2 lladdr 02:09:00:00:00:02 dev brx nud permanent ||
    fail "neigh"
bg vm h2 python3 "$T" udp-sink 10.9.0.2 5003 "$TMP/vsink" 60
poll 10 test -e "$TMP/vsink" || fail "VXLAN receiver did not start"
rx3() { vm h3 cat /sys/class/net/vx0/statistics/rx_packets; }
x0=$(rx3)
vm h1 python3 "$T" udp-send 10.9.0.2 5003 $N 1 vxlan || fail "send"
vall() { [ "$(cat "$TMP/vsink")" -ge $N ]; }
poll 10 vall || fail "VXLAN receiver got $(cat "$TMP/vsink") of $N"
x=$(($(rx3) - x0))
say "kernel bridge + VXLAN, same stream: h3 received $x of $N frames (VAN: $dfr3)"
[ "$x" -ge $N ] || fail "the VXLAN bridge flooded only $x of $N frames"
