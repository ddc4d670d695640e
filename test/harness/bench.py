#!/usr/bin/env python3
"""make bench: the static programs in test/bench on Strix and on Debian's
Linux kernel, in the same QEMU (q35, -cpu max, OVMF, one CPU) under
-icount shift=3,sleep=off, so virtual time follows instructions and the
figures repeat. Prints figure, Strix, Linux and the ratio Strix/Linux
(below 1 is better for times; for throughputs the ratio is inverted so
below 1 is still better), and writes build/bench/results.md.
The disk figures (test/bench/disk) come from boots of their own with a
fresh ext2 image on a second AHCI disk; their throughputs depend on how
fast the host completes QEMU's disk I/O (see disk.c), the rest repeat.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from suites import Suite  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ROOT = qemu.ROOT
ICOUNT = ["-icount", "shift=3,sleep=off"]
MKE2FS = shutil.which("mke2fs") or "/sbin/mke2fs"
DISK_MB = 256
# What test/bench/disk/disk.c needs of Debian's modular kernel, in dependency
# order (each module's depends= in its .modinfo): the ext4 driver, which
# also serves ext2, and AHCI -> libata -> SCSI disk (sd_mod wants t10-pi
# and its CRCs). No modules.dep: the package leaves depmod to postinst.
LINUX_MODULES = [
    "crypto/crc32c_generic", "lib/crc16", "fs/mbcache", "fs/jbd2/jbd2",
    "fs/ext4/ext4", "drivers/scsi/scsi_common", "drivers/scsi/scsi_mod",
    "crypto/crct10dif_common", "crypto/crct10dif_generic",
    "lib/crc-t10dif", "lib/crc64", "crypto/crc64_rocksoft_generic",
    "lib/crc64-rocksoft", "block/t10-pi", "drivers/scsi/sd_mod",
    "drivers/ata/libata", "drivers/ata/libahci", "drivers/ata/ahci"]


def linux_kernel():
    """Debian's kernel image, fetched with apt-get download (cached)."""
    debs = os.path.join(BUILD, "debs")
    found = glob.glob(os.path.join(debs, "linux-image-*", "boot", "vmlinuz-*"))
    if found:
        return found[0]
    dep = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                         capture_output=True, text=True, check=True).stdout
    pkg = re.search(r"Depends: (linux-image-\S+)", dep).group(1)
    os.makedirs(debs, exist_ok=True)
    subprocess.run(["apt-get", "download", pkg], cwd=debs, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deb = glob.glob(os.path.join(debs, pkg + "_*.deb"))[0]
    subprocess.run(["dpkg-deb", "-x", deb, os.path.join(debs, pkg)],
                   check=True)
    return glob.glob(os.path.join(debs, pkg, "boot", "vmlinuz-*"))[0]


def linux_initrd(kernel):
    """The disk bench initrd plus the modules of LINUX_MODULES (uncompressed
    in this package, so finit_module takes them as they are) in
    /lib/modules/bench with their load order: a second cpio archive
    appended, which Linux's initramfs unpacks over the first."""
    moddir = glob.glob(os.path.join(os.path.dirname(os.path.dirname(
        kernel)), "lib", "modules", "*", "kernel"))[0]
    tree = os.path.join(BUILD, "bench", "linux-modules")
    dest = os.path.join(tree, "lib", "modules", "bench")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(dest)
    names = []
    for mod in LINUX_MODULES:
        name = os.path.basename(mod) + ".ko"
        shutil.copy(os.path.join(moddir, mod + ".ko"), dest)
        names.append(name)
    with open(os.path.join(dest, "order"), "w") as f:
        f.write("\n".join(names) + "\n")
    extra = os.path.join(BUILD, "bench", "linux-modules.cpio")
    subprocess.run([sys.executable, os.path.join(ROOT, "initrd/mkcpio.py"),
                    tree, extra], check=True)
    out = os.path.join(BUILD, "initrd-bench-disk-linux.cpio")
    with open(out, "wb") as f:
        for part in (os.path.join(BUILD, "initrd-bench-disk.cpio"), extra):
            with open(part, "rb") as p:
                shutil.copyfileobj(p, f)
    return out


class DiskBench(Suite):
    """Attaches a fresh ext2 image (mke2fs on the host, 4 KiB blocks) as
    the disk on AHCI port 1, for test/bench/disk/disk.c: every kernel starts
    from the same empty file system."""

    def prepare(self, dir):
        self.disk = os.path.join(dir, "bench-disk.img")
        if os.path.exists(self.disk):
            os.unlink(self.disk)
        subprocess.run([MKE2FS, "-q", "-F", "-t", "ext2", "-b", "4096",
                        "-L", "bench", self.disk, f"{DISK_MB}M"], check=True,
                       stdout=subprocess.DEVNULL)
        self.qemu_args = self.qemu_args + [
            "-drive", f"if=none,id=bench,format=raw,file={self.disk}",
            "-device", "ide-hd,drive=bench,bus=ide.1"]


class StrixBench(Suite):
    name = "bench-strix"
    cmdline = "init=/test/runner quiet panic=exit"
    timeout = 1800
    smp = 1
    qemu_args = ICOUNT

    @property
    def initrd(self):
        return os.path.join(BUILD, "initrd-bench.cpio")


class LinuxBench(Suite):
    """Linux booted by OVMF through QEMU's -kernel, same initrd."""
    name = "bench-linux"
    cmdline = ""
    timeout = 1800
    smp = 1
    use_esp = False

    def __init__(self, kernel):
        initrd = os.path.join(BUILD, "initrd-bench.cpio")
        self.qemu_args = ICOUNT + [
            "-kernel", kernel, "-initrd", initrd, "-append",
            "console=ttyS0 rdinit=/test/runner quiet panic=-1"]


class StrixDiskBench(DiskBench):
    """test/bench/disk on Strix, in a boot of its own."""
    name = "bench-disk-strix"
    cmdline = "init=/test/runner quiet panic=exit"
    timeout = 900
    smp = 1
    qemu_args = ICOUNT

    @property
    def initrd(self):
        return os.path.join(BUILD, "initrd-bench-disk.cpio")


class LinuxDiskBench(DiskBench):
    """test/bench/disk on Linux; its initrd also has the modules."""
    name = "bench-disk-linux"
    cmdline = ""
    timeout = 900
    smp = 1
    use_esp = False

    def __init__(self, kernel):
        self.qemu_args = ICOUNT + [
            "-kernel", kernel, "-initrd", linux_initrd(kernel), "-append",
            "console=ttyS0 rdinit=/test/runner quiet panic=-1"]


class StrixBootBench(Suite):
    """The default image to OpenRC's default runlevel (boot-mark)."""
    name = "bench-boot-strix"
    cmdline = "panic=exit"
    timeout = 900
    smp = 1
    qemu_args = ICOUNT

    @property
    def initrd(self):
        return os.path.join(BUILD, "initrd-bench-boot.cpio")


class LinuxBootBench(Suite):
    """Debian's Linux booting the same image, openrc-init as rdinit."""
    name = "bench-boot-linux"
    cmdline = ""
    timeout = 900
    smp = 1
    use_esp = False

    def __init__(self, kernel):
        initrd = os.path.join(BUILD, "initrd-bench-boot.cpio")
        self.qemu_args = ICOUNT + [
            "-kernel", kernel, "-initrd", initrd, "-append",
            "console=ttyS0 rdinit=/sbin/init quiet panic=-1"]


def figures(serial):
    return {m.group(1): (float(m.group(2)), m.group(3))
            for m in re.finditer(r"bench (\S+): ([0-9.]+) (\S+)", serial)}


def main():
    kernel = linux_kernel()
    runs = {}
    for suite in (StrixBench(), LinuxBench(kernel), StrixBootBench(),
                  LinuxBootBench(kernel), StrixDiskBench(),
                  LinuxDiskBench(kernel)):
        t0 = time.time()
        run = qemu.boot(suite)
        runs[suite.name] = figures(run.serial)
        print(f"  ({suite.name}: {time.time() - t0:.0f}s wall, "
              f"{len(runs[suite.name])} figures, log {run.log_path})")
    strix, linux = runs["bench-strix"], runs["bench-linux"]
    for kind in ("boot", "disk"):
        strix.update(runs[f"bench-{kind}-strix"])
        linux.update(runs[f"bench-{kind}-linux"])
    rows = ["| figure | Strix | Linux | Strix/Linux |",
            "| --- | --- | --- | --- |"]
    for name in sorted(set(strix) | set(linux)):
        s, l = strix.get(name), linux.get(name)
        unit = (s or l)[1]
        if s and l:
            # For throughputs (MB/s) higher is better: invert the ratio.
            ratio = l[0] / s[0] if unit.endswith("/s") else s[0] / l[0]
            r = f"{ratio:.2f}"
        else:
            r = "-"
        fmt = lambda v: f"{v[0]:.2f} {v[1]}" if v else "missing"
        rows.append(f"| {name} | {fmt(s)} | {fmt(l)} | {r} |")
    table = "\n".join(rows)
    print(table)
    os.makedirs(os.path.join(BUILD, "bench"), exist_ok=True)
    with open(os.path.join(BUILD, "bench", "results.md"), "w") as f:
        f.write(table + "\n")
    return 0 if strix and linux else 1


if __name__ == "__main__":
    sys.exit(main())
