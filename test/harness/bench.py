#!/usr/bin/env python3
"""make bench: the static programs in test/bench on Strix and on Debian's
Linux kernel, in the same QEMU (q35, -cpu max, OVMF, one CPU) under
-icount shift=3,sleep=off, so virtual time follows instructions and the
figures repeat. Prints figure, Strix, Linux and the ratio Strix/Linux
(below 1 is better for times; for throughputs the ratio is inverted so
below 1 is still better), and writes build/bench/results.md.
"""
import glob
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from suites import Suite  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
ROOT = qemu.ROOT
ICOUNT = ["-icount", "shift=3,sleep=off"]


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
                  LinuxBootBench(kernel)):
        t0 = time.time()
        run = qemu.boot(suite)
        runs[suite.name] = figures(run.serial)
        print(f"  ({suite.name}: {time.time() - t0:.0f}s wall, "
              f"{len(runs[suite.name])} figures, log {run.log_path})")
    strix, linux = runs["bench-strix"], runs["bench-linux"]
    strix.update(runs["bench-boot-strix"])
    linux.update(runs["bench-boot-linux"])
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
