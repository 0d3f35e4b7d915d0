# 89-vanplan — vanplan's files bring up the 3-site federation.  The test
# makes each proxy's key (wg genkey, mode 0600), writes an inventory of
# sites a, b, c at their proxies' internet addresses, with link costs
# that make the chain a - b - c the tree (a - c is dear), and VANs blue
# (VMs in a, b and c) and red (VMs in a and c only: it crosses b in
# transit and gets b's first transit ID, 4000).  vanplan plans, lint
# passes on what it wrote, and vanlab runs the lab on those files (a
# topology with `plan` and each proxy's private_key): every VM reaches
# the VMs of its VAN in every site, red crosses b's proxy as transit,
# the isolation report is clean, and the a - c tunnel does not exist.
. "$(dirname "$0")/lib.sh"
command -v wg >/dev/null || fail "wg missing (wireguard-tools)"
VANPLAN=$B/vanplan
[ -x "$VANPLAN" ] || fail "$VANPLAN not built"
W=$TMP/plan-lab
mkdir -p "$W"
for s in a b c; do
	(umask 077; wg genkey >"$W/$s.key")
	wg pubkey <"$W/$s.key" >"$W/$s.pub"
done
cat >"$W/inventory.conf" <<CONF
sites = (
  { name = "a"; endpoint = "10.76.0.11:51820"; public_key_file = "a.pub";
    transit_ids = [ 4000, 4099 ]; },
  { name = "b"; endpoint = "10.76.0.12:51820"; public_key_file = "b.pub";
    transit_ids = [ 4000, 4099 ]; },
  { name = "c"; endpoint = "10.76.0.13:51820"; public_key_file = "c.pub";
    transit_ids = [ 4000, 4099 ]; }
);
links = (
  { sites = [ "a", "b" ]; latency = 10; },
  { sites = [ "b", "c" ]; latency = 12; },
  { sites = [ "a", "c" ]; latency = 30; }
);
vans = (
  { name = "blue"; ids = ( { site = "a"; id = 100; }, { site = "b"; id = 200; },
                           { site = "c"; id = 300; } ); },
  { name = "red";  ids = ( { site = "a"; id = 200; }, { site = "c"; id = 100; } ); }
);
CONF
"$VANPLAN" plan "$W/inventory.conf" -o "$W/out" >"$W/summary" 2>&1 ||
    fail "vanplan plan: $(cat "$W/summary")"
"$VANPLAN" lint -i "$W/inventory.conf" "$W/out" >"$W/lint" 2>&1 ||
    fail "vanplan lint: $(cat "$W/lint")"
grep -q 4000 "$W/out/b/vans.conf" || fail "b's vans.conf has no transit ID 4000 for red"
say "vanplan: $(grep -i -m1 'tunnel' "$W/summary" | tr -s ' ')"
cat >"$W/topology.conf" <<CONF
lab = { hello_interval = 250; dead_after = 4; mtu = 1400; };
vans = ( { name = "blue"; id = 100; }, { name = "red"; id = 200; } );
sites = (
  { name = "a"; underlay = "10.77.1.0/24"; proxy = { private_key = "a.key"; };
    hosts = ( { name = "h1"; vms = (
        { name = "b1"; van = "blue"; ip = "10.0.0.11/24"; },
        { name = "r1"; van = "red";  ip = "10.0.0.11/24"; } ); } ); },
  { name = "b"; underlay = "10.77.2.0/24"; proxy = { private_key = "b.key"; };
    van_ids = ( { van = "blue"; id = 200; }, { van = "red"; id = 4000; } );
    hosts = ( { name = "h2"; vms = (
        { name = "b2"; van = "blue"; ip = "10.0.0.12/24"; } ); } ); },
  { name = "c"; underlay = "10.77.3.0/24"; proxy = { private_key = "c.key"; };
    van_ids = ( { van = "blue"; id = 300; }, { van = "red"; id = 100; } );
    hosts = ( { name = "h3"; vms = (
        { name = "b3"; van = "blue"; ip = "10.0.0.13/24"; },
        { name = "r3"; van = "red";  ip = "10.0.0.13/24"; } ); } ); }
);
plan = "out";
CONF
lab_up "$W/topology.conf"
for p in "b1 10.0.0.12" "b1 10.0.0.13" "b2 10.0.0.13" "b3 10.0.0.11" "r1 10.0.0.13" "r3 10.0.0.11"; do
	set -- $p
	ping_ok "$1" "$2" || fail "$1 does not reach $2"
done
say "blue a <-> b <-> c and red a <-> c answer"
[ "$(pctl a show peers | jpy "' '.join(p['name'] for p in j)")" = b ] ||
    fail "a's proxy peers with $(pctl a show peers | jpy "[p['name'] for p in j]"), not b alone"
[ "$(pvan_stat b 4000 transit)" -gt 0 ] || fail "b's proxy carried no red frame in transit"
say "a peers with b alone (no a - c tunnel); b's proxy carried red (its 4000) in transit: $(pvan_stat b 4000 transit) frames"
"$VANLAB" report --prefix "$PFX" >"$TMP/report" 2>&1 || fail "vanlab report: $(tail -5 "$TMP/report")"
grep -q "every VAN connected and isolated" "$TMP/report" || fail "report: $(tail -3 "$TMP/report")"
say "report: $(tail -1 "$TMP/report")"
