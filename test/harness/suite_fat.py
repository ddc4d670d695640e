"""FAT (vfat) on AHCI disks: images made on the host with mkfs.vfat and
mtools, read and changed by the guest through a shell on ttyS0, then
checked again on the host with fsck.vfat -n, mdir and mtype.

Disks (AHCI ports): sda the boot ESP, sdb FAT32, sdc FAT16, sdd GPT with
a FAT16 partition, sde MBR with FAT32 and FAT12 partitions (sde1, sde2:
4081 clusters, just under FAT16's 4085), sdf a FAT16 whose FAT
and directories hold random garbage (errors, never a panic).
"""
import hashlib
import os
import random
import re
import subprocess

from qemu import Timeout
from suites import BUILD, Suite, parse_cases

PROMPT = "@@> "
MiB = 1024 * 1024


def sh(*args, **kw):
    return subprocess.run(list(args), check=True, capture_output=True,
                          text=True, **kw)


def files_for(seed):
    """The host's files: path -> bytes (long names, nesting, an empty
    file, one spanning many clusters)."""
    r = random.Random(seed)
    return {
        "README.TXT": b"short name only\n",
        "A Long File Name.txt": b"long names work\n",
        "MixedCase.Data": bytes(r.getrandbits(8) for _ in range(5000)),
        "empty file": b"",
        "Dir One/Nested Dir/deep file.bin":
            bytes(r.getrandbits(8) for _ in range(70000)),
        "Dir One/x.y.z.tar.gz": b"dots\n" * 100,
        "big/Big Random File.bin": r.randbytes(3 * MiB),
    }


def populate(img, files):
    dirs = set()
    for path in files:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    for d in sorted(dirs):
        sh("mmd", "-i", img, "::/" + d)
    tmp = img + ".file"
    for path, data in files.items():
        with open(tmp, "wb") as f:
            f.write(data)
        sh("mcopy", "-i", img, tmp, "::/" + path)
    os.unlink(tmp)


def make_fs(path, fat, kib, files, label):
    if os.path.exists(path):
        os.unlink(path)
    sh("mkfs.vfat", "-C", "-F", str(fat), "-n", label, path, str(kib))
    populate(path, files)


def make_partitioned(path, kind, fat, files, fat12_files=None):
    """A 56 MiB disk, one partition from 1 MiB holding a FAT fs; MBR
    disks a second one of 8 MiB at 41 MiB with a FAT12."""
    part = path + ".part"
    make_fs(part, fat, 40 * 1024, files, "PART" + kind.upper())
    with open(path, "wb") as f:
        f.truncate(56 * MiB)
    if fat12_files is not None:
        make_fs(part + "12", 12, 8 * 1024, fat12_files, "PART12")
        sh("dd", f"if={part}12", f"of={path}", "bs=1M", "seek=41",
           "conv=notrunc", "status=none")
        os.unlink(part + "12")
    if kind == "gpt":
        sh("sgdisk", "--new=1:2048:+40M", "--typecode=1:0700", path)
    else:  # one MBR entry: type 0x0C (FAT32 LBA), LBA 2048, 81920 sectors
        with open(path, "r+b") as f:
            f.seek(446)
            f.write(bytes([0, 0, 0, 0, 0x0c, 0, 0, 0]) +
                    (2048).to_bytes(4, "little") +
                    (81920).to_bytes(4, "little"))
            f.write(bytes([0, 0, 0, 0, 0x01, 0, 0, 0]) +  # FAT12
                    (41 * 2048).to_bytes(4, "little") +
                    (8 * 2048).to_bytes(4, "little"))
            f.seek(510)
            f.write(b"\x55\xaa")
    sh("dd", f"if={part}", f"of={path}", "bs=1M", "seek=1", "conv=notrunc",
       "status=none")
    os.unlink(part)


def fuzz(path, seed, n=300):
    """Random bytes over the FAT, the root directory and the first data
    clusters (the subdirectories), the BPB left valid."""
    r = random.Random(seed)
    with open(path, "r+b") as f:
        bs = f.read(512)
        bps = int.from_bytes(bs[11:13], "little")
        rsvd = int.from_bytes(bs[14:16], "little")
        fatsz = int.from_bytes(bs[22:24], "little")
        root = (rsvd + bs[16] * fatsz) * bps
        data = root + int.from_bytes(bs[17:19], "little") * 32
        for lo, size in ((rsvd * bps, 2048), (root, 4096), (data, 65536)):
            for _ in range(n):
                f.seek(lo + r.randrange(size))
                f.write(bytes([r.getrandbits(8)]))


def extract(path, out, at=1, mib=40):
    """A partition of a make_partitioned disk, for fsck.vfat."""
    sh("dd", f"if={path}", f"of={out}", "bs=1M", f"skip={at}",
       f"count={mib}", "status=none")
    return out


def sha_lines(files):
    return {"./" + p: hashlib.sha256(d).hexdigest() for p, d in files.items()}


class Abort(Exception):
    pass


class Fat(Suite):
    name = "fat"
    cmdline = "init=/bin/sh panic=exit"
    timeout = 600

    @property
    def initrd(self):  # with /test/bin, for test/sys/fatfs.c
        return os.path.join(BUILD, "initrd-test.cpio")

    def __init__(self):
        self.results = []
        self.dir = os.path.join(BUILD, "test", self.name)
        self.disks = {}

    @property
    def qemu_args(self):
        """Builds the images (each boot starts from fresh ones)."""
        try:
            return self.make_images()
        except (OSError, subprocess.CalledProcessError) as e:
            self.disks = {}
            self.results = [("images", False, f"{e}: "
                             f"{getattr(e, 'stderr', '')}")]
            return []

    def make_images(self):
        os.makedirs(self.dir, exist_ok=True)
        d = self.disks = {k: os.path.join(self.dir, k + ".img") for k in
                          ("fat32", "fat16", "gpt", "mbr", "corrupt")}
        self.files = {k: files_for(k) for k in list(d) + ["fat12"]}
        # FAT12's 8 MiB: the big file smaller.
        self.files["fat12"]["big/Big Random File.bin"] = \
            random.Random(12).randbytes(MiB)
        make_fs(d["fat32"], 32, 64 * 1024, self.files["fat32"], "STRIX32")
        make_fs(d["fat16"], 16, 32 * 1024, self.files["fat16"], "STRIX16")
        make_partitioned(d["gpt"], "gpt", 16, self.files["gpt"])
        with open(d["gpt"], "rb") as f:
            f.seek(MiB + 13)
            self.gpt_spc = f.read(1)
        make_partitioned(d["mbr"], "mbr", 32, self.files["mbr"],
                         self.files["fat12"])
        fuzzed = {f"d{i}/sub/f{j} long name.txt": b"x" * (j * 900)
                  for i in range(8) for j in range(6)}
        make_fs(d["corrupt"], 16, 16 * 1024, fuzzed, "FUZZ")
        fuzz(d["corrupt"], int(os.environ.get("FAT_FUZZ_SEED", "1")))
        args = []
        for port, k in enumerate(("fat32", "fat16", "gpt", "mbr",
                                  "corrupt"), 1):
            args += ["-drive", f"if=none,id=d{port},file={d[k]},format=raw",
                     "-device", f"ide-hd,drive=d{port},bus=ide.{port}"]
        return args

    # ---- talking to the guest shell ----

    def run(self, m, cmd, timeout=60):
        """Runs cmd in the guest shell: (exit status, output)."""
        start = m.mark()
        # The typed line echoes "@@EN""D"; only the output says "@@END".
        m.type(cmd + '; echo "@@EN""D $?"\n')
        end = m.wait_for("@@END ", timeout, start)
        m.wait_for("\n", 5, end)
        # Offsets count bytes: decode from start (UTF-8 names are echoed).
        with m._lock:
            raw = bytes(m._buf[start:])
        text = raw.decode("utf-8", "replace").replace("\r", "")
        out = text[text.find("\n") + 1:text.rfind("@@END ")]
        rc = int(re.match(r"\d+", text[text.rfind("@@END ") + 6:]).group(0))
        return rc, out

    def case(self, name, ok, detail=""):
        self.results.append((name, bool(ok), "" if ok else detail[-400:]))
        return ok

    def must(self, m, name, cmd, expect=None, timeout=60):
        """A case: cmd exits 0 (and its output holds expect)."""
        try:
            rc, out = self.run(m, cmd, timeout)
        except Timeout:
            self.case(name, False, "timeout: " + m.serial()[-300:])
            raise Abort(name)
        ok = rc == 0 and (expect is None or expect in out)
        self.case(name, ok, f"status {rc}: {out}")
        return out

    def interact(self, m):
        if self.results:  # the images could not be made
            m.kill()
            return
        try:
            m.wait_for("#", 120)
            m.type(f"PS1='{PROMPT}'\n")
            m.wait_for(PROMPT, 20)
            self.session(m)
            m.type("poweroff -f\n")
        except (Abort, Timeout) as e:
            self.case("session", False, f"stopped at {e}")
            m.kill()

    def verify_host_files(self, m, key, dev):
        self.must(m, f"{key}/mount", f"mount -t vfat {dev} /mnt")
        out = self.must(m, f"{key}/sha256",
                        "cd /mnt && find . -type f | sort | "
                        "while read f; do sha256sum \"$f\"; done; cd /",
                        timeout=120)
        got = {}
        for line in out.splitlines():
            if re.match(r"[0-9a-f]{64}  ", line):
                got[line[66:]] = line[:64]
        want = sha_lines(self.files[key])
        self.case(f"{key}/contents", got == want,
                  f"got {sorted(got.items())}")

    def write_phase(self, m, key):
        """Names, a tree, renames and removals; then a remount."""
        must = lambda n, c, e=None, t=60: self.must(m, f"{key}/{n}", c, e, t)
        must("long-names", "cd /mnt && echo one > 'New Long Name.txt' && "
             "echo two > MiXeD.CaSe && echo three > 'Ünïcødé €.txt' && "
             "echo four > UPPER.TXT && ls")
        must("case-insensitive", "cat '/mnt/new long name.TXT'", "one")
        must("case-kept", "ls /mnt | grep -x MiXeD.CaSe", "MiXeD.CaSe")
        must("tree", "cd /mnt && mkdir tree && for i in 0 1 2 3 4 5 6 7 8 9;"
             " do mkdir tree/dir$i; for j in $(seq 1 30); do echo $i-$j > "
             "\"tree/dir$i/A Longer File Name $j.txt\"; done; done; "
             "find tree -type f | wc -l", "300", 240)
        must("rename-same-dir", "cd /mnt/tree/dir1 && mv 'A Longer File Name"
             " 1.txt' 'Renamed Here.txt' && cat 'Renamed Here.txt'", "1-1")
        must("rename-across", "cd /mnt/tree && mv 'dir1/A Longer File Name 2"
             ".txt' dir2/moved.txt && cat dir2/moved.txt", "1-2")
        must("rename-replace", "cd /mnt/tree && mv 'dir1/A Longer File Name "
             "3.txt' 'dir2/A Longer File Name 4.txt' && cat 'dir2/A Longer "
             "File Name 4.txt' && ls dir2 | wc -l", "1-3\n31")
        must("rename-dir", "cd /mnt/tree && mv dir3 dir2/dir3moved && "
             "cat '/mnt/tree/dir2/dir3moved/A Longer File Name 5.txt' && "
             "cd dir2/dir3moved/.. && ls | wc -l", "3-5\n32")
        must("unlink", "cd /mnt/tree && rm dir4/*1*.txt && ls dir4 | wc -l",
             "18")
        rc, out = self.run(m, "rmdir /mnt/tree/dir5")
        self.case(f"{key}/rmdir-notempty", rc != 0 and "not empty" in out,
                  out)
        must("rmdir", "rm -r /mnt/tree/dir5 && ! ls /mnt/tree/dir5")
        must("truncate", "cd /mnt && head -c 100000 /dev/urandom > t.bin && "
             "truncate -s 5000 t.bin && truncate -s 70000 t.bin && "
             "stat -c %s t.bin && tail -c 65000 t.bin | tr -d '\\000' | "
             "wc -c", "70000\n0")
        count = 8 if key == "fat12" else 32  # 8 MiB is all FAT12 has
        must("big-write", f"dd if=/dev/urandom of=/mnt/w.bin bs=65536 "
             f"count={count} 2>/dev/null; sha256sum /mnt/w.bin > /tmp/w.sum; "
             "cat /tmp/w.sum", None, 120)
        rc, out = self.run(m, "ln -s x /mnt/sym; ln /mnt/UPPER.TXT /mnt/hl; "
                           "mkfifo /mnt/fifo")
        self.case(f"{key}/no-links",
                  out.count("Operation not permitted") == 3, out)
        must("exec", "cp /bin/busybox /mnt/busybox && /mnt/busybox echo "
             "ran-from-fat", "ran-from-fat", 120)
        must("statfs", "df /mnt", "/mnt")
        rc, out = self.run(m, "FAT_DIR=/mnt /test/bin/fatfs", 240)
        cases = list(parse_cases(out, f"{key}/"))
        for name, ok, detail in cases:
            self.case(name, ok, detail)
        self.case(f"{key}/fatfs-ran", len(cases) >= 7 and rc == 0, out)
        must("umount", "cd / && sync && umount /mnt")
        must("remount", f"mount -t vfat {self.devs[key]} /mnt && "
             "cat '/mnt/Ünïcødé €.txt' /mnt/MiXeD.CaSe && "
             "sha256sum -c /tmp/w.sum && find /mnt/tree -type f | wc -l",
             "three\ntwo\n", 120)
        must("umount-again", "umount /mnt")

    def session(self, m):
        self.devs = {"fat32": "/dev/sdb", "fat16": "/dev/sdc",
                     "gpt": "/dev/sdd1", "mbr": "/dev/sde1",
                     "fat12": "/dev/sde2"}
        self.must(m, "setup", "mount -t proc proc /proc && mkdir -p /mnt "
                  "/boot/efi && cat /proc/partitions", "sde1")
        for key, dev in self.devs.items():
            self.verify_host_files(m, key, dev)
            if key in ("fat32", "fat16", "fat12"):
                self.write_phase(m, key)
            else:
                self.must(m, f"{key}/write", "echo partitioned > "
                          "'/mnt/Written In Guest.txt' && umount /mnt")
        self.options_and_states(m)
        self.must(m, "esp/mount", "mount -t vfat /dev/sda1 /boot/efi && "
                  "ls /boot/efi/EFI/BOOT", "BOOTX64.EFI")
        self.must(m, "esp/umount", "umount /boot/efi")
        # A corrupt boot sector (BPB_SecPerClus 3): a mount error.
        self.must(m, "corrupt/damage", "printf '\\003' | dd of=/dev/sdd1 "
                  "bs=1 seek=13 count=1 conv=notrunc")
        rc, out = self.run(m, "mount -t vfat /dev/sdd1 /mnt")
        self.case("corrupt/refused", rc != 0 and "Invalid argument" in out
                  and "sdd1: not a valid FAT file system: bad "
                  "BPB_SecPerClus" in m.serial(), out)
        # Garbage in the FAT and directories: errors at most.
        rc, out = self.run(m, "mount -t vfat /dev/sdf /mnt && "
                           "(ls -laR /mnt; find /mnt -type f -exec cat {} +;"
                           " mkdir /mnt/new; for i in $(seq 1 20); do echo x"
                           " > /mnt/new/f$i; done; rm -rf /mnt/*) >/dev/null"
                           " 2>&1; umount /mnt; echo fuzz-done", 240)
        self.case("fuzz/survived", "fuzz-done" in out and
                  "Kernel panic" not in m.serial(), out)
        self.must(m, "alive", "echo still-here", "still-here")

    def fat1_clean(self, key):
        """FAT[1]'s clean-shutdown bit in the image, read on the host
        (fatgen103: 0x08000000 on FAT32, 0x8000 on FAT16)."""
        with open(self.disks[key], "rb") as f:
            bs = f.read(512)
            bps = int.from_bytes(bs[11:13], "little")
            rsvd = int.from_bytes(bs[14:16], "little")
            f.seek(rsvd * bps)
            fat = f.read(8)
        if key == "fat32":
            return bool(int.from_bytes(fat[4:8], "little") & 0x08000000)
        return bool(int.from_bytes(fat[2:4], "little") & 0x8000)

    def options_and_states(self, m):
        self.must(m, "options/uid-gid-umask", "mount -t vfat -o uid=1000,"
                  "gid=100,umask=077 /dev/sde1 /mnt && stat -c '%a %u %g' "
                  "'/mnt/Written In Guest.txt' /mnt && umount /mnt",
                  "700 1000 100\n700 1000 100")
        rc, out = self.run(m, "mount -t vfat -o ro /dev/sdd1 /mnt && cat "
                           "'/mnt/Written In Guest.txt' && touch /mnt/x; "
                           "grep sdd1 /proc/mounts; umount /mnt")
        self.case("options/read-only", "partitioned" in out and
                  "Read-only file system" in out and " ro," in out, out)
        rc, out = self.run(m, "mount -t vfat -o bogus /dev/sdb /mnt")
        self.case("options/unknown", rc != 0 and "Invalid argument" in out,
                  out)
        # While mounted writable the volume is marked in use; a clean
        # umount marks it clean again.
        for key, dev in (("fat32", "/dev/sdb"), ("fat16", "/dev/sdc")):
            self.must(m, f"{key}/dirty-mount", f"mount -t vfat {dev} /mnt "
                      "&& sync")
            self.case(f"{key}/dirty-while-mounted", not self.fat1_clean(key),
                      "FAT[1] says clean while mounted")
            if key == "fat32":  # remount,ro marks it clean; rw again not
                self.must(m, "fat32/remount-ro", "mount -o remount,ro /mnt"
                          " && ! touch /mnt/x 2>/dev/null")
                self.case("fat32/clean-when-ro", self.fat1_clean(key),
                          "FAT[1] says dirty after remount,ro")
                self.must(m, "fat32/remount-rw", "mount -o remount,rw /mnt"
                          " && echo back > /mnt/rw-again.txt && sync")
                self.case("fat32/dirty-when-rw", not self.fat1_clean(key),
                          "FAT[1] says clean after remount,rw")
            self.must(m, f"{key}/dirty-umount", "umount /mnt")
            self.case(f"{key}/clean-after-umount", self.fat1_clean(key),
                      "FAT[1] says dirty after umount")

    # ---- on the host, after the power-off ----

    def host_checks(self):
        d = self.disks
        with open(d["gpt"], "r+b") as f:  # undo the guest's damage
            f.seek(MiB + 13)
            f.write(self.gpt_spc)
        for key, path in (("fat32", d["fat32"]), ("fat16", d["fat16"]),
                          ("gpt", extract(d["gpt"], d["gpt"] + ".fs")),
                          ("mbr", extract(d["mbr"], d["mbr"] + ".fs")),
                          ("fat12", extract(d["mbr"], d["mbr"] + ".fs12",
                                            41, 8))):
            p = subprocess.run(["fsck.vfat", "-n", path],
                               capture_output=True, text=True)
            yield f"{key}/fsck", p.returncode == 0, p.stdout[-400:]
            if key not in ("fat32", "fat16", "fat12"):
                p = subprocess.run(["mtype", "-i", path,
                                    "::/Written In Guest.txt"],
                                   capture_output=True, text=True)
                yield f"{key}/mtype", p.stdout == "partitioned\n", p.stderr
                continue
            p = subprocess.run(["mdir", "-i", path, "-/", "-b", "::/"],
                               capture_output=True, text=True)
            names = p.stdout
            yield f"{key}/mdir-names", all(
                n in names for n in ("New Long Name.txt", "MiXeD.CaSe",
                                     "dir2/dir3moved/A Longer File Name 5.txt",
                                     "tree/dir1/Renamed Here.txt")), names[-400:]
            yield f"{key}/mdir-count", names.count("/tree/") >= 250, ""
            p = subprocess.run(["mtype", "-i", path,
                                "::/tree/dir2/A Longer File Name 4.txt"],
                               capture_output=True, text=True)
            yield f"{key}/mtype", p.stdout == "1-3\n", p.stdout + p.stderr

    def check(self, run):
        yield from self.results
        if "Kernel panic" in run.serial:
            yield "no-panic", False, "the kernel panicked"
        yield "exit", run.exit_code == 0, f"exit status {run.exit_code}"
        if self.disks:
            yield from self.host_checks()
