"""ext2 on AHCI disks: images built on the host with mke2fs -d (1 KiB and
4 KiB blocks) are mounted in the guest, every file is checked against the
host's sha256 list, a tree of ~2000 files is written, renamed and pruned,
the disks are unmounted and mounted again and checked, then e2fsck -fn on
the host must find them clean. Corrupt images must fail to mount or give
I/O errors, never a panic. The guest side is a script on the 1 KiB image
(the shell reads it from ext2; busybox runs from ext2 too)."""
import hashlib
import os
import random
import re
import shutil
import subprocess

from qemu import Timeout
from suites import BUILD, Suite

MKE2FS = shutil.which("mke2fs") or "/sbin/mke2fs"
E2FSCK = shutil.which("e2fsck") or "/sbin/e2fsck"
DEBUGFS = shutil.which("debugfs") or "/sbin/debugfs"
DIR = os.path.join(BUILD, "test", "ext2")

GUEST_SCRIPT = r"""
ok() { echo "EXT2TEST $1 PASS"; }
no() { echo "EXT2TEST $1 FAIL $2"; }
t() { n=$1; shift; if "$@" >/tmp/o 2>&1; then ok $n; else no $n "$(tail -c 200 /tmp/o | tr '\n' ' ')"; fi; }
f() { n=$1; shift; if "$@" >/tmp/o 2>&1; then no $n "succeeded"; else ok $n; fi; }
mkdir -p /m2 /b1 /b2 /b3 /b4
t mount2 mount -t ext2 /dev/sdc /m2
t read1k sh -c 'cd /m1/data && sha256sum -c /m1/manifest'
t read4k sh -c 'cd /m2/data && sha256sum -c /m2/manifest'
t exec-from-ext2 /m1/bin/busybox true
t fast-symlink test "$(readlink /m1/data/fastlink)" = small.txt
t slow-symlink test "$(readlink /m2/data/slowlink | wc -c)" -gt 100
t hard-link test "$(stat -c %h /m1/data/hardlink)" = 2
t chrdev test "$(stat -c %t:%T /m1/data/null)" = 1:3
t statfs sh -c 'df /m1 | grep -q /m1'
mk() {
  i=0
  while [ $i -lt $2 ]; do
    mkdir $1/d$i || return 1
    j=0
    while [ $j -lt 49 ]; do
      echo "file $i $j" > $1/d$i/f$j || return 1
      j=$((j+1))
    done
    head -c $((i * 3001)) /m1/data/medium.bin > $1/d$i/big || return 1
    i=$((i+1))
  done
}
t mkdir-tree mkdir /m1/tree /m2/tree
t create-2000 mk /m1/tree 40
t create-500 mk /m2/tree 10
t rename-dir-across mv /m1/tree/d5 /m1/tree/d39/moved5
t dotdot-updated test "$(stat -c %i /m1/tree/d39/moved5/..)" = "$(stat -c %i /m1/tree/d39)"
t rename-over mv /m1/tree/d2/f3 /m1/tree/d2/f4
t rename-file-across mv /m2/tree/d1/f1 /m2/tree/d2/renamed
t unlink sh -c 'rm /m1/tree/d1/f1* /m2/tree/d3/f* /m2/tree/d3/big'
f rmdir-nonempty rmdir /m1/tree/d6
t rmdir rmdir /m2/tree/d3
t link ln /m1/tree/d3/f1 /m1/tree/d3/hl
t symlink ln -s ../d3/f1 /m1/tree/d4/sl
t truncate sh -c 'truncate -s 100 /m1/tree/d7/big && test $(stat -c %s /m1/tree/d7/big) = 100'
t manifest sh -c '(cd /m1/tree && find . -type f | sort | xargs sha256sum > /tmp/t1 && find . | sort > /tmp/l1) && (cd /m2/tree && find . -type f | sort | xargs sha256sum > /tmp/t2 && find . | sort > /tmp/l2)'
/m1/bin/ext2_io /m1 | sed 's/^ext2_io /EXT2TEST io1k-/'
/m1/bin/ext2_io /m2 | sed 's/^ext2_io /EXT2TEST io4k-/'
t0=$(cut -d' ' -f1 /proc/uptime)
t dd-write dd if=/dev/zero of=/m2/zero bs=1M count=@MB@ conv=fsync
echo "EXT2BENCH write @MB@ MiB $t0 $(cut -d' ' -f1 /proc/uptime)"
t remount-ro mount -o remount,ro /m2
f write-on-ro touch /m2/nope
t remount-rw mount -o remount,rw /m2
t umount umount /m1/ /m2
t remount1 mount -t ext2 /dev/sdb /m1
t remount2 mount -t ext2 /dev/sdc /m2
t reread-tree1 sh -c 'cd /m1/tree && sha256sum -c /tmp/t1 && find . | sort | cmp - /tmp/l1'
t reread-tree2 sh -c 'cd /m2/tree && sha256sum -c /tmp/t2 && find . | sort | cmp - /tmp/l2'
t reread-data sh -c 'cd /m1/data && sha256sum -c /m1/manifest'
t mmap-persisted-1k test "$(dd if=/m1/mapped.txt bs=1 skip=4090 count=11 2>/dev/null)" = MAPPED-DATA
t mmap-persisted-4k test "$(dd if=/m2/mapped.txt bs=1 skip=4090 count=11 2>/dev/null)" = MAPPED-DATA
t0=$(cut -d' ' -f1 /proc/uptime)
t dd-read dd if=/m2/zero of=/dev/null bs=1M
echo "EXT2BENCH read @MB@ MiB $t0 $(cut -d' ' -f1 /proc/uptime)"
t dd-read-zeros sh -c 'test "$(tr -d "\0" < /m2/zero | wc -c)" = 0'
f bad-magic mount -t ext2 /dev/sdd /b1
f bad-truncated mount -t ext2 /dev/sde /b2
t bad-dirent-mount mount -t ext2 /dev/sdf /b3
f bad-dirent-lookup cat /b3/dir/f
t bad-dirent-readdir-empty test -z "$(ls /b3/dir 2>/dev/null)"
f bad-dirent-ino cat /b3/dir2/f
t bad-dirent-umount umount /b3
f ext3-name mount -t ext3 /dev/sdd /b4
t umount-end umount /m2
t ext4-name-ext2-image mount -t ext4 /dev/sdc /m2
t umount-ext4 umount /m2
echo EXT2TEST-DONE
"""


def sha(b):
    return hashlib.sha256(b).hexdigest()


def rand(seed, n):
    return random.Random(seed).randbytes(n)


def make_tree(root, script):
    """The files both images carry; returns the manifest text."""
    files = {}

    def put(rel, content):
        p = os.path.join(root, "data", rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(content)
        files[rel] = sha(content)

    put("small.txt", b"hello, ext2\n")
    put("medium.bin", rand(1, 300 * 1024))
    put("double.bin", rand(2, 3 * 1024 * 1024 + 5))
    put("d1/d2/d3/d4/d5/d6/d7/d8/leaf", b"deep\n")
    for k in range(30):
        put(f"many/f{k}", rand(10 + k, k * 101))
    sparse = os.path.join(root, "data", "sparse.bin")
    with open(sparse, "wb") as f:
        for off in (0, 1 << 20, 70 << 20):  # triple indirect on 1K blocks
            f.seek(off)
            f.write(rand(off, 3000))
    with open(sparse, "rb") as f:
        files["sparse.bin"] = sha(f.read())
    d = os.path.join(root, "data")
    os.symlink("small.txt", os.path.join(d, "fastlink"))
    os.symlink("/" + "x" * 150, os.path.join(d, "slowlink"))
    os.link(os.path.join(d, "small.txt"), os.path.join(d, "hardlink"))
    files["hardlink"] = files["small.txt"]
    os.mknod(os.path.join(d, "null"), 0o20666, os.makedev(1, 3))
    os.makedirs(os.path.join(root, "bin"))
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run(["musl-gcc", "-static", "-O2", "-o",
                    os.path.join(root, "bin", "ext2_io"),
                    os.path.join(here, "..", "ext2host", "guest",
                                 "ext2_io.c")], check=True)
    with open(os.path.join(root, "run.sh"), "w") as f:
        f.write(script)
    with open(os.path.join(root, "manifest"), "w") as f:
        for rel, h in sorted(files.items()):
            f.write(f"{h}  {rel}\n")


def mkfs(src, img, bs, size):
    if os.path.exists(img):
        os.unlink(img)
    subprocess.run([MKE2FS, "-q", "-F", "-t", "ext2", "-b", str(bs), "-d",
                    src, img, size], check=True, capture_output=True)


def debugfs(img, req):
    return subprocess.run([DEBUGFS, "-R", req, img], capture_output=True,
                          text=True).stdout


def bad_images():
    """Bad magic, truncated, a directory entry past its block and one
    naming an inode past s_inodes_count."""
    src = os.path.join(DIR, "badsrc")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(os.path.join(src, "dir"))
    os.makedirs(os.path.join(src, "dir2"))
    for d in ("dir", "dir2"):
        with open(os.path.join(src, d, "f"), "w") as f:
            f.write("x\n")
    paths = []
    for name in ("magic", "trunc", "dirent"):
        img = os.path.join(DIR, f"bad-{name}.img")
        mkfs(src, img, 1024, "4M")
        with open(img, "r+b") as f:
            if name == "magic":
                f.seek(1024 + 56)
                f.write(b"\0\0")
            elif name == "dirent":
                blk = int(debugfs(img, "bmap /dir 0").split()[-1])
                f.seek(blk * 1024 + 12 + 4)  # ".." rec_len past the block
                f.write((3000).to_bytes(2, "little"))
                blk = int(debugfs(img, "bmap /dir2 0").split()[-1])
                f.seek(blk * 1024 + 24)  # "f" names inode 999999
                f.write((999999).to_bytes(4, "little"))
        if name == "trunc":
            os.truncate(img, 2 << 20)
        paths.append(img)
    return paths


class Ext2(Suite):
    name = "ext2"
    cmdline = "panic=exit"
    timeout = 900

    def __init__(self):
        self.results = []
        self.imgs = []

    @property
    def qemu_args(self):
        os.makedirs(DIR, exist_ok=True)
        src = os.path.join(DIR, "src")
        shutil.rmtree(src, ignore_errors=True)
        # EXT2_BENCH_MB=64 for the throughput figures (dd of that size).
        mb = os.environ.get("EXT2_BENCH_MB", "8")
        old = os.umask(0o022)
        try:
            make_tree(src, GUEST_SCRIPT.replace("@MB@", mb))
        finally:
            os.umask(old)
        self.imgs = [os.path.join(DIR, "img1k.img"),
                     os.path.join(DIR, "img4k.img")]
        mkfs(src, self.imgs[0], 1024, "64M")
        mkfs(src, self.imgs[1], 4096, "160M")
        args = []
        for port, img in enumerate(self.imgs + bad_images(), start=1):
            args += ["-drive", f"if=none,id=d{port},file={img},format=raw",
                     "-device", f"ide-hd,drive=d{port},bus=ide.{port}"]
        return args

    def step(self, m, name, keys, expect, timeout=30):
        start = m.mark()
        m.type(keys)
        try:
            m.wait_for(expect, timeout, start)
            self.results.append((name, True, ""))
            return True
        except Timeout:
            tail = m.serial()[start:][-300:]
            self.results.append((name, False, f"no {expect!r} in {tail!r}"))
            return False

    def interact(self, m):
        self.results = []
        if not (self.step(m, "login-prompt", "", "login: ", 180)
                and self.step(m, "login", "root\n", "# ")
                and self.step(m, "mount1k", "mkdir -p /m1 && mount -t ext2 "
                              "/dev/sdb /m1 && echo MOUNTED\n",
                              "\nMOUNTED")):
            m.kill()
            return
        start = m.mark()
        m.type("cp /m1/run.sh /tmp/ && sh /tmp/run.sh\n")
        try:
            m.wait_for("\nEXT2TEST-DONE", 600, start)
        except Timeout:
            self.results.append(("script", False, "no EXT2TEST-DONE"))
        out = m.serial()[start:]
        for mt in re.finditer(r"EXT2BENCH (\w+) (\d+) MiB ([\d.]+) ([\d.]+)",
                              out):
            secs = float(mt.group(4)) - float(mt.group(3))
            print(f"  ext2 dd {mt.group(1)} of {mt.group(2)} MiB: "
                  f"{secs:.2f} s, {int(mt.group(2)) / max(secs, 0.01):.1f} "
                  "MiB/s", flush=True)
        for mt in re.finditer(r"EXT2TEST (\S+) (PASS|FAIL)(.*)", out):
            self.results.append((mt.group(1), mt.group(2) == "PASS",
                                 mt.group(3).strip()))
        self.step(m, "umount1k", "umount /m1 && echo UNMOUNTED\n",
                  "\nUNMOUNTED")
        self.step(m, "poweroff", "poweroff\n", "Power down", 60)

    def check(self, run):
        yield from self.results
        yield "no-panic", "Kernel panic" not in run.serial, ""
        yield "exit", run.exit_code == 0, f"exit status {run.exit_code}"
        for img in self.imgs:
            p = subprocess.run([E2FSCK, "-fn", img], capture_output=True,
                               text=True)
            yield (f"e2fsck-{os.path.basename(img)}", p.returncode == 0,
                   (p.stdout + p.stderr)[-600:])
        if self.imgs:
            out = debugfs(self.imgs[0], "cat /tree/d0/f7")
            yield "host-reads-guest-file", out == "file 0 7\n", repr(out)
