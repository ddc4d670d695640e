"""Disks on the AHCI controller: a GPT disk, an MBR disk with logical
partitions, a CD-ROM and a disk whose reads fail at one sector (QEMU's
blkdebug). The host builds the images with a known pseudo-random content,
the guest reads and writes them through /dev, and the host checks the
bytes after the power-off."""
import hashlib
import os
import random
import re
import subprocess
import time

from qemu import Timeout
from suites import BUILD, Suite

PROMPT = "@@> "
SECTOR = 512
# The GPT disk (sdb): 32 MiB, sdb1 at 2048 (7 MiB), sdb2 at 16384 (23 MiB).
GPT_SECTORS = 65536
GPT_P1 = (2048, 14336)
GPT_P2 = (16384, 47104)
# The MBR disk (sdc): 8 MiB; sdc1 at 2048, sdc2 extended at 6144 holding
# sdc5 at 8192 (4096 sectors) and sdc6 at 13312 (3072 sectors).
MBR_SECTORS = 16384
MBR_P1 = (2048, 4096)
MBR_P5 = (8192, 4096)
MBR_P6 = (13312, 3072)
# The failing disk (sdd): reads of sector 4096 fail.
BAD_SECTORS = 8192
BAD_SECTOR = 4096
PATTERN = (b"strix-disk-test\n" * 62500)[:1000000]
WRITE_SEEK = 3  # sectors into sdb1


def _fill(path, sectors, seed):
    data = random.Random(seed).randbytes(sectors * SECTOR)
    with open(path, "wb") as f:
        f.write(data)


def _mbr_entry(sector, slot, ptype, start, size):
    e = bytearray(16)
    e[4] = ptype
    e[8:12] = start.to_bytes(4, "little")
    e[12:16] = size.to_bytes(4, "little")
    return 446 + 16 * slot, bytes(e)


def _write_table(path, sector, entries):
    """An MBR/EBR at sector: zeroed, the entries, the 0x55AA signature."""
    s = bytearray(SECTOR)
    for slot, (ptype, start, size) in enumerate(entries):
        off, e = _mbr_entry(sector, slot, ptype, start, size)
        s[off:off + 16] = e
    s[510:512] = b"\x55\xaa"
    with open(path, "r+b") as f:
        f.seek(sector * SECTOR)
        f.write(s)


def _region(path, start, count):
    with open(path, "rb") as f:
        f.seek(start * SECTOR)
        return f.read(count * SECTOR)


class Disk(Suite):
    name = "disk"
    cmdline = "panic=exit"
    timeout = 420

    def __init__(self):
        self.dir = os.path.join(BUILD, "test", self.name)
        self.out = {}
        self.results = []

    # ---- the images ----

    def make_images(self):
        os.makedirs(self.dir, exist_ok=True)
        self.gpt = os.path.join(self.dir, "gpt.img")
        self.mbr = os.path.join(self.dir, "mbr.img")
        self.bad = os.path.join(self.dir, "bad.img")
        _fill(self.gpt, GPT_SECTORS, 1)
        subprocess.run(["sgdisk", "-Z", "-o",
                        f"-n=1:{GPT_P1[0]}:{sum(GPT_P1) - 1}",
                        f"-n=2:{GPT_P2[0]}:{sum(GPT_P2) - 1}", self.gpt],
                       check=True, capture_output=True)
        _fill(self.mbr, MBR_SECTORS, 2)
        _write_table(self.mbr, 0, [(0x83, 2048, 4096), (0x05, 6144, 10240)])
        _write_table(self.mbr, 6144, [(0x83, 2048, 4096), (0x05, 6144, 4096)])
        _write_table(self.mbr, 12288, [(0x83, 1024, 3072)])
        with open(self.bad, "wb") as f:
            f.truncate(BAD_SECTORS * SECTOR)
        self.sha_p2 = hashlib.sha256(_region(self.gpt, *GPT_P2)).hexdigest()
        self.sha_p5 = hashlib.sha256(_region(self.mbr, *MBR_P5)).hexdigest()
        self.sha_gpt1 = hashlib.sha256(_region(self.gpt, *GPT_P1)).hexdigest()
        self.sha_mbr1 = hashlib.sha256(
            _region(self.mbr, *MBR_P1)).hexdigest()
        self.p1_before = _region(self.gpt, *GPT_P1)

    @property
    def qemu_args(self):
        self.make_images()
        # raw over blkdebug over the file: raw's reads are blkdebug's
        # read_aio events.
        blkdebug = ("driver=raw,node-name=bad,file.driver=blkdebug,"
                    "file.image.driver=file,"
                    f"file.image.filename={self.bad},"
                    "file.inject-error.0.event=read_aio,"
                    "file.inject-error.0.errno=5,"
                    f"file.inject-error.0.sector={BAD_SECTOR}")
        return [
            "-drive", f"if=none,id=d1,format=raw,file={self.gpt}",
            "-device", "ide-hd,drive=d1,bus=ide.1",
            "-drive", f"if=none,id=d2,format=raw,file={self.mbr}",
            "-device", "ide-hd,drive=d2,bus=ide.2",
            "-drive", "if=none,id=cd",
            "-device", "ide-cd,drive=cd,bus=ide.3",
            "-blockdev", blkdebug,
            "-device", "ide-hd,drive=bad,bus=ide.4,rerror=report",
        ]

    # ---- the session ----

    def step(self, m, name, keys, expect, timeout=30):
        start = m.mark()
        m.type(keys)
        try:
            m.wait_for(expect, timeout, start)
            self.results.append((name, True, ""))
        except Timeout:
            tail = m.serial()[start:][-300:]
            self.results.append((name, False, f"no {expect!r} in {tail!r}"))
            raise

    def run(self, m, name, cmd, timeout=120):
        """Runs cmd in the shell; its output (with the echo) into out."""
        start = m.mark()
        m.type(f"{cmd}; echo @@EN''D $?\n")
        end = m.wait_for("@@END ", timeout, start)
        self.out[name] = m.serial()[start:end + 4]

    def interact(self, m):
        self.results = []
        self.out = {}
        try:
            self.session(m)
        except Timeout:
            m.kill()

    def session(self, m):
        self.step(m, "login", "", "strix login: ", timeout=180)
        self.step(m, "shell", "root\n", "# ")
        self.step(m, "prompt", f"PS1='{PROMPT}'\n", "\n" + PROMPT)
        self.run(m, "partitions", "cat /proc/partitions")
        self.run(m, "sysfs", "ls /sys/block; cd /sys/block; cat sdb/dev "
                 "sdb/size sdb/ro sdb/removable sdb/sdb2/dev sdb/sdb2/start "
                 "sdb/sdb2/size sdb/sdb2/partition sdc/sdc6/start; cd /")
        self.run(m, "ioctls", "blockdev --getsize64 /dev/sdb2; "
                 "blockdev --getss /dev/sdb; blockdev --getro /dev/sdb1; "
                 "blockdev --getsz /dev/sdc5; blockdev --getsize /dev/sdc6")
        self.run(m, "sha256", "sha256sum /dev/sdb2 /dev/sdc5", 300)
        # Two disks at once: two ports, the cache and the slots shared.
        self.run(m, "parallel", "blockdev --flushbufs /dev/sdb1 && "
                 "blockdev --flushbufs /dev/sdc1 && "
                 "sha256sum /dev/sdb1 & sha256sum /dev/sdc1 & wait", 300)
        t0 = time.time()
        self.run(m, "readspeed", "blockdev --flushbufs /dev/sdb2 && "
                 "cat /proc/uptime && dd if=/dev/sdb2 of=/dev/null bs=1M && "
                 "cat /proc/uptime", 300)
        self.host_seconds = time.time() - t0
        self.run(m, "write", "yes strix-disk-test | head -c 1000000 > /tmp/p"
                 f" && dd if=/tmp/p of=/dev/sdb1 bs=512 seek={WRITE_SEEK}"
                 " conv=notrunc && printf LOGICAL6 | dd of=/dev/sdc6 bs=1"
                 " seek=4096 conv=notrunc")
        # The flusher thread writes a dirty block back within ~5 s while
        # the file stays open (a close would write it back itself).
        self.run(m, "flusher", "(printf FLUSHER7; sleep 40) 1<>/dev/sdc6 & "
                 "true")
        for _ in range(50):
            head = _region(self.mbr, MBR_P6[0], 1)[:8]
            if head == b"FLUSHER7":
                break
            time.sleep(0.5)
        self.results.append(("flusher/written-back", head == b"FLUSHER7",
                             repr(head)))
        self.run(m, "past-end-write", "dd if=/tmp/p of=/dev/sdb1 bs=512 "
                 f"seek={GPT_P1[1] - 1} count=3 conv=notrunc")
        self.run(m, "past-end-read", "dd if=/dev/sdb1 of=/dev/null bs=512 "
                 f"skip={GPT_P1[1]} count=1")
        self.run(m, "readback", "blockdev --flushbufs /dev/sdb1 && "
                 f"tail -c +{WRITE_SEEK * SECTOR + 1} /dev/sdb1 | "
                 "head -c 1000000 | sha256sum; sha256sum /tmp/p")
        self.run(m, "ioerror", "dd if=/dev/sdd of=/dev/null bs=4096 "
                 f"skip={BAD_SECTOR // 8} count=1")
        self.run(m, "after-error", "dd if=/dev/sdd of=/dev/null bs=4096 "
                 "count=16")
        self.run(m, "sync", "sync")
        self.run(m, "nodes", "ls /dev | grep -E '^(sd|sr)'")
        self.step(m, "poweroff", "poweroff\n", "Power down", timeout=90)

    # ---- the verdict ----

    def check(self, run):
        yield from self.results
        s = run.serial
        out = self.out
        yield "no-panic", "Kernel panic" not in s, ""
        yield "log/link", "ata2: SATA link up" in s, ""
        yield "log/disk", re.search(r"sdb: 65536 sectors \(33\.55 MB\) "
                                    r"QEMU HARDDISK", s) is not None, ""
        yield "log/gpt", " sdb: sdb1 sdb2\n" in s.replace("\r", ""), ""
        yield "log/mbr", " sdc: sdc1 sdc2 < sdc5 sdc6 >" in s, ""
        yield "log/atapi", "ata4.00: ATAPI: QEMU DVD-ROM" in s, ""
        parts = out.get("partitions", "")
        for line in ["   8        0     131072 sda",
                     "   8       16      32768 sdb",
                     "   8       17       7168 sdb1",
                     "   8       18      23552 sdb2",
                     "   8       32       8192 sdc",
                     "   8       33       2048 sdc1",
                     "   8       34          1 sdc2",
                     "   8       37       2048 sdc5",
                     "   8       38       1536 sdc6",
                     "   8       48       4096 sdd"]:
            yield f"proc-partitions/{line.split()[-1]}", line in parts, \
                repr(parts[-400:])
        yield "proc-partitions/sda1", re.search(
            r"   8        1 +\d+ sda1\r\n", parts) is not None, ""
        yield "proc-partitions/header", \
            "major minor  #blocks  name\r\n\r\n" in parts, ""
        sysfs = out.get("sysfs", "").replace("\r", "")
        want = "8:16\n65536\n0\n0\n8:18\n16384\n47104\n2\n13312\n"
        yield "sysfs/attrs", want in sysfs, repr(sysfs[-200:])
        yield "sysfs/block", all(d in sysfs for d in ("sda", "sdb", "sdd")), ""
        yield "ioctls", "24117248\r\n512\r\n0\r\n4096\r\n3072\r\n" in \
            out.get("ioctls", ""), repr(out.get("ioctls", "")[-120:])
        sha = out.get("sha256", "")
        yield "sha256/gpt-partition", f"{self.sha_p2}  /dev/sdb2" in sha, ""
        yield "sha256/logical-partition", f"{self.sha_p5}  /dev/sdc5" in sha, ""
        par = out.get("parallel", "")
        yield "parallel/sdb1", f"{self.sha_gpt1}  /dev/sdb1" in par, ""
        yield "parallel/sdc1", f"{self.sha_mbr1}  /dev/sdc1" in par, ""
        speed = re.search(r"\n([\d.]+) [\d.]+\r\n23\+0 records in.*"
                          r"\n([\d.]+) [\d.]+\r\n", out.get("readspeed", ""),
                          re.S)
        yield "readspeed", speed is not None, out.get("readspeed", "")[-200:]
        if speed:
            ms = max(round((float(speed.group(2)) -
                            float(speed.group(1))) * 1000), 1)
            print(f"  disk: sequential read of sdb2 (23 MiB, dd bs=1M, TCG):"
                  f" {ms} ms guest time, {23 * 1000 / ms:.1f} MiB/s; "
                  f"{self.host_seconds:.2f} s on the host for the command")
        yield "past-end-write/enospc", "No space left on device" in \
            out.get("past-end-write", ""), out.get("past-end-write", "")[-200:]
        yield "past-end-read/eof", "0+0 records in" in \
            out.get("past-end-read", ""), ""
        rb = re.findall(r"([0-9a-f]{64})  ", out.get("readback", ""))
        yield "readback", len(rb) == 2 and rb[0] == rb[1], repr(rb)
        yield "ioerror/eio", "Input/output error" in out.get("ioerror", ""), \
            out.get("ioerror", "")[-200:]
        yield "ioerror/recovered", "16+0 records in" in \
            out.get("after-error", ""), out.get("after-error", "")[-200:]
        yield "ioerror/logged", re.search(r"ata5: error: .* 1 command\(s\) "
                                          r"failed", s) is not None, ""
        nodes = out.get("nodes", "")
        yield "dev/no-cdrom-node", "sde" not in nodes and "sr0" not in nodes \
            and "sdd" in nodes, ""
        yield from self.check_images()
        yield "exit", run.exit_code == 0, f"exit status {run.exit_code}"

    def check_images(self):
        p1 = _region(self.gpt, *GPT_P1)
        off = WRITE_SEEK * SECTOR
        yield "host/written", p1[off:off + len(PATTERN)] == PATTERN, ""
        yield "host/untouched-before", p1[:off] == self.p1_before[:off], ""
        end = off + len(PATTERN)
        last = len(p1) - SECTOR
        yield "host/untouched-after", \
            p1[end:last] == self.p1_before[end:last], ""
        yield "host/last-sector", p1[last:] == PATTERN[:SECTOR], ""
        yield "host/next-partition-intact", hashlib.sha256(
            _region(self.gpt, *GPT_P2)).hexdigest() == self.sha_p2, ""
        p6 = _region(self.mbr, *MBR_P6)
        yield "host/logical-written", p6[4096:4104] == b"LOGICAL6", ""


class DiskIntx(Disk):
    """The same disks with MSI turned off (pci=nomsi): the HBA interrupts
    through the IOAPIC, level-triggered on a PCI GSI."""
    name = "disk-intx"
    cmdline = "pci=nomsi panic=exit"
    timeout = 300

    def session(self, m):
        self.step(m, "login", "", "strix login: ", timeout=180)
        self.step(m, "shell", "root\n", "# ")
        self.step(m, "prompt", f"PS1='{PROMPT}'\n", "\n" + PROMPT)
        self.run(m, "sha256", "sha256sum /dev/sdb2 /dev/sdc5", 300)
        self.run(m, "write", "printf LOGICAL6 | dd of=/dev/sdc6 bs=1"
                 " seek=4096 conv=notrunc; sync")
        self.step(m, "poweroff", "poweroff\n", "Power down", timeout=90)

    def check(self, run):
        yield from self.results
        s = run.serial
        yield "no-panic", "Kernel panic" not in s, ""
        yield "log/intx", re.search(r"ahci: INTx on GSI (1[6-9]|2[0-3]) ",
                                    s) is not None, ""
        sha = self.out.get("sha256", "")
        yield "sha256/gpt-partition", f"{self.sha_p2}  /dev/sdb2" in sha, ""
        yield "sha256/logical-partition", f"{self.sha_p5}  /dev/sdc5" in sha, ""
        p6 = _region(self.mbr, *MBR_P6)
        yield "host/logical-written", p6[4096:4104] == b"LOGICAL6", ""
        yield "exit", run.exit_code == 0, f"exit status {run.exit_code}"
