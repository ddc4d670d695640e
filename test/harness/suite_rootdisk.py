"""root=: the default image's files on an ext2 partition of a second disk,
on the pc machine's IDE (the ext2 suite uses AHCI); the kernel boots with
root=/dev/sdb1 rw, OpenRC runs from the disk, a 100 MiB file is checked,
the guest writes a file and reboots (QEMU's -no-reboot ends the run), and
the host's e2fsck -fn must find the partition clean with the file in it."""
import hashlib
import os
import random
import re
import shutil
import subprocess

from qemu import Timeout
from suite_openrc import ANSI
from suites import BUILD, Suite

MKE2FS = shutil.which("mke2fs") or "/sbin/mke2fs"
E2FSCK = shutil.which("e2fsck") or "/sbin/e2fsck"
DEBUGFS = shutil.which("debugfs") or "/sbin/debugfs"
PART_START = 2048  # sectors: the partition begins at 1 MiB
PART_MB = 224
BIG_MB = 100
PROMPT = "@@> "
MARK = "written on the disk root by the guest"


class RootDisk(Suite):
    name = "rootdisk"
    cmdline = "root=/dev/sdb1 rw rootwait panic=exit"
    timeout = 420
    machine = "pc"

    def __init__(self):
        self.results = []
        self.disk = None

    def prepare(self, dir):
        """Unpacks the default initrd into a tree, makes it an ext2 file
        system and puts that in partition 1 of a GPT disk."""
        tree = os.path.join(dir, "tree")
        part = os.path.join(dir, "part.img")
        self.disk = os.path.join(dir, "rootdisk.img")
        shutil.rmtree(tree, ignore_errors=True)
        os.makedirs(tree)
        with open(os.path.join(BUILD, "initrd.cpio"), "rb") as f:
            subprocess.run(["cpio", "-idm", "--quiet",
                            "--no-absolute-filenames"], stdin=f, cwd=tree,
                           check=True)
        with open(os.path.join(tree, "etc", "strix-rootdisk"), "w") as f:
            f.write("this root is on /dev/sdb1\n")
        big = random.Random(100).randbytes(BIG_MB << 20)
        self.big_sha = hashlib.sha256(big).hexdigest()
        with open(os.path.join(tree, "root", "big.bin"), "wb") as f:
            f.write(big)
        for p in (part, self.disk):
            if os.path.exists(p):
                os.unlink(p)
        subprocess.run([MKE2FS, "-q", "-F", "-t", "ext2", "-b", "4096",
                        "-L", "strixroot", "-d", tree, part, f"{PART_MB}M"],
                       check=True)
        size = (PART_START + PART_MB * 2048 + 2048) * 512
        with open(self.disk, "wb") as f:
            f.truncate(size)
        subprocess.run(["sgdisk", "-n",
                        f"1:{PART_START}:+{PART_MB}M", "-t", "1:8300",
                        self.disk], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["dd", f"if={part}", f"of={self.disk}", "bs=1M",
                        f"seek={PART_START // 2048}", "conv=notrunc",
                        "status=none"], check=True)

    @property
    def qemu_args(self):
        return ["-drive", f"if=none,id=root,format=raw,file={self.disk}",
                "-device", "ide-hd,drive=root,bus=ide.1"]

    def case(self, name, ok, detail=""):
        self.results.append((name, bool(ok), detail))

    def run(self, m, name, command, expect=PROMPT, timeout=30):
        start = m.mark()
        m.type(command + "\n")
        try:
            m.wait_for(expect, timeout, start)
        except Timeout:
            self.case(name, False, repr(m.serial()[start:][-300:]))
            raise
        out = m.serial()[start:]
        return out.split("\n", 1)[-1].rsplit(PROMPT, 1)[0]

    def interact(self, m):
        self.results = []
        try:
            m.wait_for("VFS: Mounted root (ext2 filesystem) on device 8:17",
                       90)
            self.case("kernel-mounted-root", True)
            m.wait_for("strix login: ", 180)
            self.case("openrc-from-disk", True)
            self.run(m, "login", "root", "# ")
            self.run(m, "prompt", f"PS1='{PROMPT}'", "\n" + PROMPT)
            out = self.run(m, "mounts", "grep ' / ' /proc/mounts")
            self.case("root-is-sdb1", re.search(r"^/dev/sdb1 / ext2 rw", out,
                                                re.M), out)
            out = self.run(m, "marker", "cat /etc/strix-rootdisk")
            self.case("files-from-disk", "on /dev/sdb1" in out, out)
            # The prompt can come before the last service is up.
            self.run(m, "settle", "i=0; while rc-status default | grep -q "
                     "starting && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); "
                     "done", timeout=60)
            out = ANSI.sub("", self.run(m, "rc-status", "rc-status default"))
            states = re.findall(r"\[\s*(\w+)", out)
            self.case("services-started", len(states) >= 5 and all(
                st == "started" for st in states), out[-300:])
            out = self.run(m, "big-file", "sha256sum /root/big.bin",
                           timeout=180)
            self.case("big-file-sha256", self.big_sha in out, out[-200:])
            self.run(m, "write", f"echo '{MARK}' > /root/guest.txt")
            # "reboot" is the profile's alias for openrc-shutdown.
            m.type("reboot\n")
            m.wait_for("reboot: Restarting system", 120)
        except Timeout:
            self.case("session", False, "timed out")
            m.kill()

    def check(self, run):
        yield from self.results
        yield "exit", run.exit_code == 0, f"exit status {run.exit_code}"
        if not self.disk or not os.path.exists(self.disk):
            return
        part = self.disk + ".part"
        subprocess.run(["dd", f"if={self.disk}", f"of={part}", "bs=1M",
                        f"skip={PART_START // 2048}", f"count={PART_MB}",
                        "status=none"], check=True)
        fsck = subprocess.run([E2FSCK, "-fn", part], capture_output=True,
                              text=True)
        yield "e2fsck-clean", fsck.returncode == 0, \
            (fsck.stdout + fsck.stderr)[-300:]
        cat = subprocess.run([DEBUGFS, "-R", "cat /root/guest.txt", part],
                             capture_output=True, text=True)
        yield "guest-file-on-disk", MARK in cat.stdout, cat.stdout[-200:]
