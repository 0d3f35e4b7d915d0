# 40-migrate — a VM moved from h1 to h2 (vanlab migrate: tap detached on
# h1, a new tap with the same MAC attached on h2, same IP) is reachable
# again.  h3 still sends to h1, which answers the stale DATA with UNLEARN:
# h3 forgets the route, floods, h2 answers with LEARN.  h1 keeps b4 in
# blue, so it does not LEAVE the VAN.
. "$(dirname "$0")/lib.sh"
lab_up

B1MAC=02:00:0a:00:00:0b
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 before the move"
w=$(fdb_where h3 blue $B1MAC)
[ "$w" = "10.77.1.11:4797" ] || fail "h3 puts b1 at '$w' before the move"
say "before: h3 puts b1 at $w"

u1=$(van_stat h1 blue unlearn_tx); u3=$(van_stat h3 blue unlearn_rx)
"$VANLAB" migrate --prefix "$PFX" b1 h2 || fail "vanlab migrate b1 h2"
t0=$(ms_now)
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 after the move"
say "b3 reaches b1 again $(($(ms_now) - t0)) ms after the move"

du1=$(($(van_stat h1 blue unlearn_tx) - u1))
du3=$(($(van_stat h3 blue unlearn_rx) - u3))
w=$(fdb_where h3 blue $B1MAC)
say "h1 unlearn_tx +$du1, h3 unlearn_rx +$du3; h3 puts b1 at $w"
[ "$du1" -ge 1 ] || fail "h1 sent no UNLEARN for the stale DATA"
[ "$du3" -ge 1 ] || fail "h3 received no UNLEARN"
[ "$w" = "10.77.1.12:4797" ] || fail "h3 puts b1 at '$w' after the move"

# h1 is still in blue (b4), b1 is a port of h2 now, and the VM is whole.
m=$(ctl h3 show vans | jpy "[v for v in j if v['name']=='blue'][0]['members']")
[ "$m" -eq 2 ] || fail "blue has $m members on h3, not 2 (h1 left?)"
ctl h2 show ports | jpy "[p['tap'] for p in j]" | grep -q '"t-b1"' ||
    fail "t-b1 is not a port of h2"
vm b1 ip -o addr show dev eth0 | grep -q "10.0.0.11/24" || fail "b1 lost its IP"
vm b1 ip -o link show dev eth0 | grep -q "$B1MAC" || fail "b1 lost its MAC"
ping_ok b1 10.0.0.14 || fail "b1 (now h2) does not reach b4 (h1)"
"$VANLAB" status --prefix "$PFX" | grep -Eq '^b1 +[^ ]+ +blue +h2 ' ||
    fail "vanlab status does not show b1 on h2"

# And back.
"$VANLAB" migrate --prefix "$PFX" b1 h1 || fail "vanlab migrate b1 h1"
ping_ok b3 10.0.0.11 || fail "b3 does not reach b1 after it moved back"
ping_ok b2 10.0.0.11 || fail "b2 does not reach b1 after it moved back"
say "moved back to h1: reachable"
