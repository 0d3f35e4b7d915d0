#!/bin/sh
# tests/libvirt/run.sh — the libvirt qemu hook (contrib/libvirt/qemu) against
# recorded hook invocations: the arguments libvirt passes and the domain XML
# it writes to the hook's stdin (tests/libvirt/*.xml, in libvirt's live
# format), with tests/libvirt/fake-vanctl in place of vanctl.  Checks which
# vanctl calls each sequence makes, in which order, every exit status, that
# stdout stays empty (libvirt reads it as XML for migrate and restore), and
# the messages of the bad cases.  No root, no libvirtd, no network.
# `make check` runs it (target `libvirt-hook`).
set -u
cd "$(dirname "$0")/../.." || exit 1
hook=${VANFED_HOOK:-contrib/libvirt/qemu}   # another hook to test (a mutant)
x=tests/libvirt
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

VANFED_VANCTL=$PWD/$x/fake-vanctl
VANFED_SYSLOG=0
FAKE_VANCTL_LOG=$tmp/calls
export VANFED_VANCTL VANFED_SYSLOG FAKE_VANCTL_LOG
unset VANFED_TIMEOUT FAKE_VANCTL_FAIL FAKE_VANCTL_ERR FAKE_VANCTL_SLEEP

name=
fails=0
checks=0

bad() {
	echo "libvirt-hook: $name: $*" >&2
	fails=$((fails + 1))
}

# begin NAME — a new sequence: no calls yet, vanctl answers every call.
begin() {
	name=$1
	: >"$FAKE_VANCTL_LOG"
	unset FAKE_VANCTL_FAIL FAKE_VANCTL_ERR FAKE_VANCTL_SLEEP VANFED_TIMEOUT
}

# fail_on PATTERN MESSAGE — vanctl refuses calls that match PATTERN.
fail_on() {
	FAKE_VANCTL_FAIL=$1 FAKE_VANCTL_ERR=$2
	export FAKE_VANCTL_FAIL FAKE_VANCTL_ERR
}

# hook STATUS XML GUEST OP SUBOP EXTRA — one invocation as libvirt makes it.
hook() {
	want=$1 xml=$2
	shift 2
	checks=$((checks + 1))
	"$hook" "$@" <"$xml" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = "$want" ] ||
	    bad "'$*' < ${xml##*/}: exit $rc, want $want; stderr: $(cat "$tmp/err")"
	[ -s "$tmp/out" ] && bad "'$*' wrote to stdout: $(cat "$tmp/out")"
}

# says TEXT — the last invocation's stderr has TEXT.
says() {
	grep -qF -- "$1" "$tmp/err" ||
	    bad "stderr lacks '$1': $(cat "$tmp/err")"
}

# quiet — the last invocation said nothing.
quiet() {
	[ -s "$tmp/err" ] && bad "unexpected stderr: $(cat "$tmp/err")"
}

# calls <<EOF — exactly these vanctl calls so far in the sequence, in order.
calls() {
	cat >"$tmp/want"
	checks=$((checks + 1))
	cmp -s "$tmp/want" "$FAKE_VANCTL_LOG" ||
	    bad "vanctl calls differ (-want +got):
$(diff "$tmp/want" "$FAKE_VANCTL_LOG" | sed -n 's/^[<>]/  &/p')"
}

# --- a guest's life on one host: start, stop -------------------------------
begin start-stop
hook 0 $x/one-nic-prepare.xml web1 prepare begin -
quiet
hook 0 $x/one-nic-prepare.xml web1 start begin -
hook 0 $x/one-nic.xml web1 started begin -
calls <<EOF
attach blue --device vnet3 52:54:00:a1:00:01
EOF
hook 0 $x/one-nic.xml web1 stopped end -
hook 0 $x/one-nic.xml web1 release end shutdown
calls <<EOF
attach blue --device vnet3 52:54:00:a1:00:01
detach vnet3
EOF

# The tap went with QEMU and vanedge withdrew the port itself.
begin stop-after-tap-gone
fail_on 'detach *' "vanctl: no port on 'vnet3'"
hook 0 $x/one-nic.xml web1 stopped end -
says "already withdrawn"
hook 0 $x/one-nic.xml web1 release end destroyed
calls <<EOF
detach vnet3
EOF

# vanedge down at stop: logged, the stop is not failed.
begin stop-vanedge-down
fail_on '*' "vanctl: /run/van/edge.sock: Connection refused (is the daemon running?)"
hook 0 $x/one-nic.xml web1 stopped end -
says "is the daemon running?"
calls <<EOF
detach vnet3
EOF

# --- a domain without vanfed metadata: never a call, never a failure -------
begin no-metadata
for op in "prepare begin -" "start begin -" "started begin -" "stopped end -" \
    "release end shutdown" "migrate begin -" "restore begin -" \
    "reconnect begin -" "attach begin -"; do
	# shellcheck disable=SC2086
	hook 0 $x/no-metadata.xml mail2 $op
	quiet
done
calls </dev/null

# --- two NICs in two VANs, one socket named for both -----------------------
begin two-vans
hook 0 $x/two-vans.xml db1 prepare begin -
hook 0 $x/two-vans.xml db1 started begin -
hook 0 $x/two-vans.xml db1 stopped end -
calls <<EOF
-s /run/van/edge.sock attach 200 --device van-db1-1 52:54:00:a1:00:12
-s /run/van/edge.sock attach blue --device vnet3 52:54:00:a1:00:11
-s /run/van/edge.sock detach van-db1-1
-s /run/van/edge.sock detach vnet3
EOF

# The second attach is refused: the first is undone, the start refused.
begin two-vans-second-refused
fail_on '*attach blue*' "vanctl: unknown VAN 'blue'"
hook 1 $x/two-vans.xml db1 started begin -
says "unknown VAN 'blue'"
says "the guest is refused"
calls <<EOF
-s /run/van/edge.sock attach 200 --device van-db1-1 52:54:00:a1:00:12
-s /run/van/edge.sock attach blue --device vnet3 52:54:00:a1:00:11
-s /run/van/edge.sock detach van-db1-1
EOF

# --- live migration ---------------------------------------------------------
# Destination: migrate (a filter: empty stdout keeps the XML), prepare,
# start, then started while the guest is still paused; the source's stop
# comes after the guest runs here.
begin migrate-in
hook 0 $x/one-nic.xml web1 migrate begin -
hook 0 $x/migrate-in.xml web1 prepare begin -
hook 0 $x/migrate-in.xml web1 start begin -
calls </dev/null
hook 0 $x/migrate-in.xml web1 started begin -
calls <<EOF
attach blue --device vnet0 52:54:00:a1:00:01
EOF

# Source: stopped and release (reason migrated) once the guest left; its tap
# is gone with its QEMU, and vanedge withdrew the port already.
begin migrate-out
fail_on 'detach *' "vanctl: no port on 'vnet3'"
hook 0 $x/one-nic.xml web1 stopped end -
hook 0 $x/one-nic.xml web1 release end migrated
calls <<EOF
detach vnet3
EOF

# The destination's vanedge does not know the VAN: the migration is
# aborted (the guest stays on its source).
begin migrate-in-unknown-van
fail_on 'attach *' "vanctl: unknown VAN 'blue'"
hook 0 $x/migrate-in.xml web1 prepare begin -
hook 1 $x/migrate-in.xml web1 started begin -
says "unknown VAN 'blue'"
calls <<EOF
attach blue --device vnet0 52:54:00:a1:00:01
EOF

# Bad metadata refuses an incoming migration at its first call.
begin migrate-in-bad
hook 1 $x/bad-no-van.xml web1 migrate begin -
says "names no VAN"
calls </dev/null

# --- libvirtd restarted: the guest runs, a failure must not kill it --------
begin reconnect
fail_on 'attach *' "vanctl: vnet3 is already a port"
hook 0 $x/one-nic.xml web1 reconnect begin -
says "already a port"
says "guest left running"
hook 0 $x/one-nic.xml web1 attach begin -
calls <<EOF
attach blue --device vnet3 52:54:00:a1:00:01
attach blue --device vnet3 52:54:00:a1:00:01
EOF

begin reconnect-vanedge-restarted
hook 0 $x/two-vans.xml db1 reconnect begin -
calls <<EOF
-s /run/van/edge.sock attach 200 --device van-db1-1 52:54:00:a1:00:12
-s /run/van/edge.sock attach blue --device vnet3 52:54:00:a1:00:11
EOF

# --- vanctl that does not answer, or is missing ----------------------------
begin vanctl-hangs
FAKE_VANCTL_SLEEP=5 VANFED_TIMEOUT=1
export FAKE_VANCTL_SLEEP VANFED_TIMEOUT
t0=$(date +%s)
hook 1 $x/one-nic.xml web1 started begin -
t1=$(date +%s)
says "no answer in 1 s"
[ $((t1 - t0)) -lt 4 ] || bad "the hook waited $((t1 - t0)) s for vanctl (timeout 1 s)"
calls <<EOF
attach blue --device vnet3 52:54:00:a1:00:01
EOF

begin vanctl-missing
VANFED_VANCTL=$tmp/no-such-vanctl
hook 1 $x/one-nic.xml web1 started begin -
says "no-such-vanctl"
hook 0 $x/one-nic.xml web1 stopped end -
VANFED_VANCTL=$PWD/$x/fake-vanctl
calls </dev/null

# --- bad input --------------------------------------------------------------
begin malformed
hook 1 $x/bad-malformed.xml web1 prepare begin -
says "does not parse"
hook 1 $x/bad-malformed.xml web1 started begin -
hook 0 $x/bad-malformed.xml web1 stopped end -
hook 0 $x/bad-malformed.xml web1 reconnect begin -
calls </dev/null
printf '<domain><name>x</name><devices>' >"$tmp/foreign.xml"
hook 0 "$tmp/foreign.xml" x prepare begin -
quiet

begin no-van
hook 1 $x/bad-no-van.xml web1 prepare begin -
says "vanfed:port 1 names no VAN"
hook 1 $x/bad-no-van.xml web1 started begin -
hook 0 $x/bad-no-van.xml web1 reconnect begin -
calls </dev/null

begin no-such-nic
hook 1 $x/bad-no-nic.xml web1 prepare begin -
says "no NIC has mac 52:54:00:a1:00:99"
hook 1 $x/bad-no-nic.xml web1 started begin -
calls </dev/null

begin not-ethernet
hook 1 $x/bad-bridge.xml web1 prepare begin -
says "type='network'"
calls </dev/null

# Metadata variants made from one-nic.xml.
variant() {
	sed "s|<vanfed:port mac=\"52:54:00:a1:00:01\" van=\"blue\"/>|$1|" \
	    $x/one-nic.xml >"$tmp/variant.xml"
}
begin variants
variant ''
hook 1 "$tmp/variant.xml" web1 prepare begin -
says "names no port"
variant '<vanfed:port van="blue"/>'
hook 1 "$tmp/variant.xml" web1 prepare begin -
says "names no NIC"
variant '<vanfed:port mac="52:54:00:a1:00:01" van="blue red"/>'
hook 1 "$tmp/variant.xml" web1 prepare begin -
says "is not a VAN ID or name"
variant '<vanfed:port mac="52:54:00:a1:00:01" vlan="blue"/>'
hook 1 "$tmp/variant.xml" web1 prepare begin -
says "unknown attribute 'vlan'"
variant '<vanfed:nic mac="52:54:00:a1:00:01" van="blue"/>'
hook 1 "$tmp/variant.xml" web1 prepare begin -
says "unknown element <nic>"
variant '<vanfed:port mac="52:54:00:a1:00:01" van="blue"/><vanfed:port dev="vnet3" van="red"/>'
hook 1 "$tmp/variant.xml" web1 started begin -
says "names the same NIC as vanfed:port 1"
variant '<vanfed:port mac="52:54:00:a1:00:01" van="blue" socket="edge.sock"/>'
hook 1 "$tmp/variant.xml" web1 prepare begin -
says "not an absolute path"
variant '<vanfed:port dev="vnet-web1-0" van="blue"/>'
hook 1 "$tmp/variant.xml" web1 prepare begin -
says "libvirt replaces target names"
calls </dev/null

# As `virsh metadata --set` leaves it: only the top element in the namespace.
begin virsh-metadata
sed 's|<vanfed:port mac|<port mac|' $x/one-nic.xml >"$tmp/variant.xml"
hook 0 "$tmp/variant.xml" web1 prepare begin -
hook 0 "$tmp/variant.xml" web1 started begin -
calls <<EOF
attach blue --device vnet3 52:54:00:a1:00:01
EOF

# The namespace named outside <metadata> only: not a vanfed domain.
sed 's|<name>web1</name>|&<description>see urn:vanfed:libvirt:1</description>|;
    /vanfed:ports/d; /vanfed:port /d' $x/one-nic.xml >"$tmp/described.xml"
begin described-only
hook 0 "$tmp/described.xml" web1 prepare begin -
hook 0 "$tmp/described.xml" web1 started begin -
quiet
calls </dev/null

begin unknown-operation
hook 0 $x/one-nic.xml web1 define begin -
hook 0 $x/one-nic.xml web1 restart begin -
quiet
calls </dev/null

begin usage
hook 2 $x/one-nic.xml web1
says "usage:"
calls </dev/null

# The example in contrib/libvirt/ is a domain the hook accepts.
begin example
hook 0 contrib/libvirt/domain-nic.xml web1 prepare begin -
quiet

if [ $fails -gt 0 ]; then
	echo "libvirt-hook: $fails of $checks checks failed" >&2
	exit 1
fi
echo "libvirt-hook: $checks invocations and call lists as expected"
