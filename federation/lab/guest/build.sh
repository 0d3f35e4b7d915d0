#!/bin/sh
# federation/lab/guest/build.sh OUT AGENT INIT — the qemu guest of vanlab,
# from Debian packages only, into OUT (the build directory's guest/):
#
#   OUT/vmlinuz     the kernel of linux-image-*-cloud-amd64 (the package
#                   linux-image-cloud-amd64 depends on, or $GUEST_KERNEL_PKG),
#                   taken from apt's cache or fetched with `apt-get download`,
#                   unpacked with dpkg-deb -x: nothing is installed
#   OUT/initrd.gz   a newc cpio, gzip: busybox (busybox-static), INIT as
#                   /init, AGENT as /bin/vanlab-agent, and the virtio
#                   modules the cloud kernel has as modules (virtio_pci,
#                   virtio_net, virtio_console and what they depend on,
#                   from modinfo), in load order in /lib/modules/load
#   OUT/kernel.txt  which package and version the kernel came from
set -eu
out=${1:?usage: $0 OUT AGENT INIT}
agent=${2:?}
init=${3:?}
want="virtio_pci virtio_net virtio_console"

for t in dpkg-deb cpio gzip modinfo apt-get; do
	command -v "$t" >/dev/null 2>&1 ||
	    { echo "guest: $t missing (tests/deps.sh lab installs it)" >&2; exit 1; }
done
bb=/bin/busybox
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q ' installed$'; then
	echo "guest: busybox-static missing (tests/deps.sh lab installs it)" >&2
	exit 1
fi

pkg=${GUEST_KERNEL_PKG:-}
if [ -z "$pkg" ]; then
	pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	    sed -n 's/^ *Depends: \(linux-image-[^ ]*-cloud-amd64\)$/\1/p' | head -n 1)
	[ -n "$pkg" ] || { echo "guest: apt knows no linux-image-cloud-amd64" >&2; exit 1; }
fi
mkdir -p "$out/deb"
deb=$(ls /var/cache/apt/archives/"${pkg}"_*_amd64.deb "$out"/deb/"${pkg}"_*_amd64.deb \
    2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	echo "guest: apt-get download $pkg"
	(cd "$out/deb" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	deb=$(ls "$out"/deb/"${pkg}"_*_amd64.deb 2>/dev/null | tail -n 1 || true)
	[ -n "$deb" ] || { echo "guest: cannot fetch $pkg" >&2; exit 1; }
fi

rm -rf "$out/kernel" "$out/root"
dpkg-deb -x "$deb" "$out/kernel"
kver=$(ls "$out/kernel/lib/modules")
cp "$out/kernel/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"

# The modules in load order: each after what it depends on.
moddir=$out/kernel/lib/modules/$kver
root=$out/root
mkdir -p "$root/bin" "$root/sbin" "$root/lib/modules" "$root/proc" "$root/sys" \
    "$root/dev" "$root/tmp" "$root/run" "$root/etc"
: >"$root/lib/modules/load"
add() {
	grep -qx "$1.ko" "$root/lib/modules/load" && return 0
	f=$(find "$moddir/kernel" -name "$1.ko" | head -n 1)
	if [ -z "$f" ]; then
		# Built in: nothing to load.
		grep -q "/$1.ko\$" "$moddir/modules.builtin" 2>/dev/null && return 0
		echo "guest: module $1 not in $pkg" >&2
		exit 1
	fi
	for d in $(modinfo -F depends "$f" | tr ',' ' '); do
		add "$d"
	done
	# sh has no local variables: the recursion changed f.
	f=$(find "$moddir/kernel" -name "$1.ko" | head -n 1)
	cp "$f" "$root/lib/modules/"
	echo "$1.ko" >>"$root/lib/modules/load"
}
for m in $want; do
	add "$m"
done

cp "$bb" "$root/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
done
cp "$init" "$root/init"
chmod 755 "$root/init"
cp "$agent" "$root/bin/vanlab-agent"
echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
    gzip -9n >"$out/initrd.gz.tmp"
echo "$pkg $(dpkg-deb -f "$deb" Version) modules: $(tr '\n' ' ' <"$root/lib/modules/load")" \
    >"$out/kernel.txt"
rm -rf "$out/kernel"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
