#!/bin/sh
# Builds a GPT disk image whose one partition is the EFI System Partition:
# FAT32 made with mtools, holding EFI/BOOT/BOOTX64.EFI, EFI/strix/initrd.cpio
# and everything in esp-template/. CMDLINE, if set, becomes
# EFI/strix/cmdline.txt. Usage: mkesp.sh OUT.img BOOTX64.EFI initrd.cpio
set -eu
out=$1 efi=$2 initrd=$3
mb=${ESP_MB:-128}
tmp=$out.tmp
part=$out.part

# The partition: 1 MiB in, ending 1 MiB before the end (room for the
# backup GPT); FAT32 as UEFI 2.10 §13.3.1.1 asks of an ESP.
rm -f "$part" "$tmp"
dd if=/dev/zero of="$part" bs=1M count=$((mb - 2)) status=none
mformat -i "$part" -F -v STRIX ::
mmd -i "$part" ::/EFI ::/EFI/BOOT ::/EFI/strix
mcopy -i "$part" "$efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$part" "$initrd" ::/EFI/strix/initrd.cpio
if [ -d esp-template ]; then
	for f in esp-template/* esp-template/.[!.]*; do
		[ -e "$f" ] && mcopy -s -o -i "$part" "$f" ::/
	done
fi
if [ -n "${CMDLINE:-}" ]; then
	printf '%s\n' "$CMDLINE" > "$out.cmdline"
	mcopy -o -i "$part" "$out.cmdline" ::/EFI/strix/cmdline.txt
	rm -f "$out.cmdline"
fi

dd if=/dev/zero of="$tmp" bs=1M count="$mb" status=none
# The partition ends where the FAT volume does: mb - 2 MiB from 1 MiB on.
sgdisk --clear --new=1:2048:$((2048 + (mb - 2) * 2048 - 1)) --typecode=1:EF00 \
	--change-name=1:"EFI System Partition" "$tmp" >/dev/null
dd if="$part" of="$tmp" bs=1M seek=1 conv=notrunc status=none
rm -f "$part"
mv "$tmp" "$out"
