#!/bin/sh
# Build-time check of the vDSO image: what the kernel maps must need no
# loader (no relocations, no imports, no TEXTREL), be one R+X PT_LOAD at
# address 0, and export Linux's x86_64 vDSO symbols under LINUX_2.6.
# Usage: check.sh VDSO.so
set -eu
so=$1
fail() {
	echo "vdso check: $so: $*" >&2
	exit 1
}

readelf -r "$so" | grep -q 'There are no relocations' ||
	fail "has relocations"
dyn=$(readelf -d "$so")
for tag in NEEDED TEXTREL RELA REL JMPREL PLTGOT; do
	echo "$dyn" | grep -q "($tag)" && fail "has DT_$tag"
done
echo "$dyn" | grep -q 'Library soname: \[linux-vdso.so.1\]' ||
	fail "soname is not linux-vdso.so.1"
echo "$dyn" | grep -q '(HASH)' || fail "no DT_HASH"
echo "$dyn" | grep -q '(GNU_HASH)' || fail "no DT_GNU_HASH"
[ -z "$(nm -u "$so")" ] || fail "undefined symbols: $(nm -u "$so")"
loads=$(readelf -lW "$so" | grep -c '^ *LOAD')
[ "$loads" = 1 ] || fail "$loads PT_LOAD segments, want 1"
readelf -lW "$so" | grep '^ *LOAD' |
	grep -q '0x0*000000 0x0*000000 .* R E ' ||
	fail "the PT_LOAD is not R+X at offset and address 0"
syms=$(readelf -W --dyn-syms "$so")
for s in clock_gettime gettimeofday time getcpu clock_getres; do
	for n in "__vdso_$s" "$s"; do
		echo "$syms" | grep -q " FUNC .* $n@@LINUX_2.6\$" ||
			fail "$n@@LINUX_2.6 missing"
	done
done
exit 0
