#!/bin/sh
# Assembles the root file system in $BUILD/initrd-root and packs it as a
# newc cpio: files from Debian packages (fetched once with apt-get download
# and unpacked with dpkg-deb -x into $BUILD/debs), our overlay
# (initrd/rootfs), then each directory of $OVERLAY on top.
# Usage: build-initrd.sh OUT.cpio
set -eu
out=$1
build=${BUILD:-build}
root=$build/initrd-root
debs=$build/debs

# fetch PACKAGE: unpacks PACKAGE's .deb into $debs/PACKAGE (cached).
fetch() {
	pkg=$1
	[ -d "$debs/$pkg" ] && return 0
	mkdir -p "$debs"
	(cd "$debs" && rm -f "${pkg}"_*.deb &&
		apt-get download "$pkg" >apt.log 2>&1) || {
		cat "$debs/apt.log" >&2
		echo "build-initrd: cannot download $pkg (run 'make deps' once, which runs apt-get update)" >&2
		exit 1
	}
	dpkg-deb -x "$debs/${pkg}"_*.deb "$debs/$pkg.tmp"
	mv "$debs/$pkg.tmp" "$debs/$pkg"
}

rm -rf "$root"
mkdir -p "$root"

# BusyBox, statically linked, with every applet as a symlink where
# Debian's busybox --list-full puts it.
fetch busybox-static
mkdir -p "$root/bin"
cp "$debs/busybox-static/bin/busybox" "$root/bin/busybox"
"$root/bin/busybox" --list-full | while read -r applet; do
	[ -e "$root/$applet" ] && continue
	dir=$(dirname "$applet")
	mkdir -p "$root/$dir"
	if [ "$dir" = . ]; then
		ln -s bin/busybox "$root/$applet"
	else
		ln -s "$(echo "$dir" | sed 's|[^/][^/]*|..|g')/bin/busybox" \
			"$root/$applet"
	fi
done

# OpenRC from Debian, with openrc-init as PID 1, and the shared libraries
# its programs load (the NEEDED closure, found in these packages).
fetch openrc
cp -a "$debs/openrc/bin" "$debs/openrc/etc" "$debs/openrc/lib" \
	"$debs/openrc/sbin" "$root/"
mkdir -p "$root/usr"
cp -a "$debs/openrc/usr/bin" "$debs/openrc/usr/sbin" "$root/usr/" 2>/dev/null || true
ln -sf openrc-init "$root/sbin/init"
# Debian's lsb2rcconf reads /etc/insserv.conf (openrc-facts.md).
fetch insserv
cp -a "$debs/insserv/etc/insserv.conf" "$debs/insserv/etc/insserv.conf.d" \
	"$root/etc/"
# Debian's agetty service runs util-linux's agetty, which is not here; our
# getty service (BusyBox getty) replaces it, and two services providing
# "getty" would be an error.
rm -f "$root/etc/init.d/agetty"
libpkgs="libc6 libgcc-s1 librc1 libeinfo1 libselinux1 libpcre2-8-0 libpam0g libaudit1 libcap-ng0"
for pkg in $libpkgs; do
	fetch "$pkg"
done
cp -a initrd/rootfs/. "$root/"
for dir in ${OVERLAY:-}; do
	cp -a "$dir"/. "$root/"
done
# Directories a root file system is expected to have, even if empty.
for d in dev proc sys tmp run root mnt var/log var/lib var/tmp; do
	mkdir -p "$root/$d"
done
ln -sfn /run "$root/var/run"
ln -sfn /run/lock "$root/var/lock"
chmod 1777 "$root/tmp"
# After the overlays, so test programs' libraries come along too.
python3 initrd/copy-libs.py --dlopen libgcc_s.so.1 "$root" $(for p in $libpkgs; do echo "$debs/$p"; done)
# Sorted names, root ownership, and the console node Linux's initramfs
# wants (Strix's devtmpfs makes its own): mkcpio.py needs no privilege.
python3 initrd/mkcpio.py "$root" "$out" dev/console:c:5:1:0600
