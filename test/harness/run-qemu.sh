#!/bin/sh
# Boots a Strix disk image under QEMU + OVMF (q35, -cpu max).
# Usage: run-qemu.sh ESP.img [extra qemu args...]
# HEADLESS=1: serial on stdio and no window; otherwise a window when a
# display exists, with serial on stdio too. SMP, MEM set CPUs and RAM.
# MACHINE=pc: the i440FX + PIIX3 machine, whose IDE controller gets the
# ESP as primary master (on q35, the default, it is AHCI port 0).
set -eu
img=$1
shift
build=${BUILD:-build}
code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
vars_src=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
vars=$build/OVMF_VARS.fd
cp "$vars_src" "$vars"

display="-display none"
if [ -z "${HEADLESS:-}" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
	display="-display gtk"
fi
# Software emulation unless asked: KVM=1 uses /dev/kvm with -cpu host.
accel="-cpu max"
if [ -n "${KVM:-}" ]; then
	accel="-accel kvm -cpu host"
fi

# "none" boots without the ESP disk (the Linux reference, via -kernel).
disk="-drive if=none,id=esp,format=raw,file=$img -device ide-hd,drive=esp,bus=ide.0"
if [ "$img" = none ]; then
	disk=""
fi

exec qemu-system-x86_64 \
	-machine "${MACHINE:-q35}" $accel -smp "${SMP:-2}" -m "${MEM:-1G}" \
	-drive if=pflash,format=raw,readonly=on,file="$code" \
	-drive if=pflash,format=raw,file="$vars" \
	$disk \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-net none -no-reboot -serial stdio $display "$@"
