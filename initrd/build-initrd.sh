#!/bin/sh
# Assembles the root file system in $BUILD/initrd-root and packs it as a
# newc cpio: our overlay (initrd/rootfs), then $OVERLAY on top.
# Usage: build-initrd.sh OUT.cpio
set -eu
out=$1
root=${BUILD:-build}/initrd-root

rm -rf "$root"
mkdir -p "$root"
cp -a initrd/rootfs/. "$root/"
if [ -n "${OVERLAY:-}" ]; then
	cp -a "$OVERLAY"/. "$root/"
fi
# Sorted names and fixed ownership, so the same inputs give the same cpio.
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
