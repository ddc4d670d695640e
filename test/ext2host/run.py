#!/usr/bin/env python3
"""ext2 on the host: images made by mke2fs -d are read and written by the
kernel's ext2 driver (build/unit/ext2host, with ASan/UBSan) and checked
with e2fsck -fn and debugfs; corrupt images must fail cleanly.

cases() yields (name, ok, detail); run directly it prints them and the
"N passed, N failed" line.
"""
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile

BUILD = os.environ.get("BUILD", "build")
TOOL = os.path.join(BUILD, "unit", "ext2host")
E2FSCK = shutil.which("e2fsck") or "/sbin/e2fsck"
MKE2FS = shutil.which("mke2fs") or "/sbin/mke2fs"
DEBUGFS = shutil.which("debugfs") or "/sbin/debugfs"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def data(seed, size):
    return random.Random(seed).randbytes(size)


class Tool:
    """One ext2host process; each command answers ok, err N or output."""

    def __init__(self):
        self.p = subprocess.Popen([TOOL], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)

    def __call__(self, *args):
        self.p.stdin.write(" ".join(str(a) for a in args) + "\n")
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("ext2host died: " +
                                   self.p.stderr.read()[-2000:])
            line = line.rstrip("\n")
            if line == "ok" or line.startswith("err "):
                return line, out
            out.append(line)

    def close(self):
        self.p.stdin.close()
        err = self.p.stderr.read()
        rc = self.p.wait()
        return rc, err


def build_tree(root, bs):
    """The source tree for mke2fs -d; returns {path: sha256}."""
    files = {}

    def put(rel, content):
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        files[rel] = sha(content)

    put("small.txt", b"hello, ext2\n")
    put("empty", b"")
    put("medium.bin", data(1, 300 * 1024))  # indirect with 1K blocks
    put("double.bin", data(2, 3 * 1024 * 1024 + 123))  # double indirect
    # Sparse: data at 0, 1 MiB and past the double-indirect range of 1K
    # blocks (12 + 256 + 65536 blocks), so triple indirection is used.
    sparse = os.path.join(root, "sparse.bin")
    with open(sparse, "wb") as f:
        for off in (0, 1 << 20, 70 << 20):
            f.seek(off)
            f.write(data(off, 5000))
    with open(sparse, "rb") as f:
        files["sparse.bin"] = sha(f.read())
    deep = "d1/d2/d3/d4/d5/d6/d7/d8"
    put(deep + "/leaf.txt", b"deep leaf\n")
    for k in range(40):
        put(f"many/file{k:03d}", data(100 + k, k * 37))
    # Enough long names for several blocks: e2fsck -D indexes it.
    for k in range(300):
        put(f"htree/{'n' * 40}{k:04d}", data(1000 + k, 10))
    os.symlink("small.txt", os.path.join(root, "fastlink"))
    os.symlink("/" + "long/" * 30 + "target", os.path.join(root, "slowlink"))
    os.link(os.path.join(root, "small.txt"), os.path.join(root, "hardlink"))
    os.mknod(os.path.join(root, "null"), 0o20666, os.makedev(1, 3))
    os.mknod(os.path.join(root, "bigdev"), 0o60600, os.makedev(259, 300))
    return files


def fsck(img):
    p = subprocess.run([E2FSCK, "-fn", img], capture_output=True, text=True)
    return p.returncode == 0, (p.stdout + p.stderr)[-1500:]


def debugfs_cat(img, path, out):
    subprocess.run([DEBUGFS, "-R", f"dump {path} {out}", img],
                   capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def verify(t, tmp, files, label):
    """Reads every file through the driver against its sha256."""
    bad = []
    for rel, want in files.items():
        out = os.path.join(tmp, "out")
        r, _ = t("get", "/" + rel, out)
        with open(out, "rb") as f:
            got = sha(f.read())
        if r != "ok" or got != want:
            bad.append(f"{rel}: {r}")
    return (label, not bad, "; ".join(bad[:5]))


def read_cases(t, tmp, files, bs):
    yield verify(t, tmp, files, f"{bs}/read-all")
    r, out = t("readlink", "/fastlink")
    yield f"{bs}/fast-symlink", out == ["small.txt"], str(out)
    r, out = t("readlink", "/slowlink")
    yield (f"{bs}/slow-symlink", out == ["/" + "long/" * 30 + "target"],
           str(out))
    r, out = t("stat", "/hardlink")
    yield f"{bs}/hard-link", r == "ok" and "nlink=2" in out[0], str(out)
    r, out = t("stat", "/null")
    yield (f"{bs}/chrdev-old", r == "ok" and "mode=20666" in out[0]
           and "rdev=1:3" in out[0], str(out))
    r, out = t("stat", "/bigdev")
    yield (f"{bs}/blkdev-new", r == "ok" and "rdev=259:300" in out[0],
           str(out))
    r, out = t("ls", "/many")
    names = sorted(line.split()[0] for line in out)
    yield (f"{bs}/readdir", r == "ok" and len(names) == 42
           and names[2] == "file000", f"{r} {len(names)}")


def write_cases(t, tmp, files, bs):
    """Creates, renames, unlinks, truncates; updates files to match."""
    def put(rel, content, chunk=65536):
        src = os.path.join(tmp, "in")
        with open(src, "wb") as f:
            f.write(content)
        files[rel] = sha(content)
        return t("put", src, "/" + rel, chunk)[0]

    errs = []
    for cmd in (("mkdir", "/new"), ("mkdir", "/new/a"), ("mkdir", "/new/b")):
        r, _ = t(*cmd)
        if r != "ok":
            errs.append(f"{cmd}: {r}")
    # ~600 files over 30 directories: directory blocks fill and grow.
    for d in range(30):
        r, _ = t("mkdir", f"/new/a/dir{d:02d}")
        if r != "ok":
            errs.append(f"mkdir {d}: {r}")
        for k in range(20):
            r = put(f"new/a/dir{d:02d}/f{k:02d}_{'x' * (k * 3)}",
                    data(d * 100 + k, (d * 131 + k * 977) % 5000))
            if r != "ok":
                errs.append(f"put {d}/{k}: {r}")
    yield f"{bs}/create-tree", not errs, "; ".join(errs[:5])
    yield f"{bs}/write-big", put("new/big.bin", data(7, 5 << 20), 4000) == "ok", ""
    # Overwrite in place with a different size, append-style chunking.
    yield f"{bs}/rewrite", put("medium.bin", data(8, 100000), 777) == "ok", ""
    # Renames: within a dir, across dirs (directory: '..' moves), over an
    # existing file, over an empty directory.
    ok = all(t(*c)[0] == "ok" for c in (
        ("mv", "/new/a/dir00/f00_", "/new/a/dir00/renamed"),
        ("mv", "/new/a/dir01", "/new/b/moved"),
        ("mv", "/small.txt", "/many/file001"),
        ("mkdir", "/new/emptydir"),
        ("mv", "/new/a/dir02", "/new/emptydir")))
    files["new/a/dir00/renamed"] = files.pop("new/a/dir00/f00_")
    for k in list(files):
        for old, new in (("new/a/dir01/", "new/b/moved/"),
                         ("new/a/dir02/", "new/emptydir/")):
            if k.startswith(old):
                files[new + k[len(old):]] = files.pop(k)
    files["many/file001"] = files.pop("small.txt")
    # small.txt's inode keeps two names (hardlink, many/file001); the
    # replaced file001 is gone.
    r, out = t("stat", "/hardlink")
    r2, _ = t("stat", "/small.txt")
    yield (f"{bs}/rename", ok and "nlink=2" in out[0] and r2 == "err -2",
           f"{out} {r2}")
    r, out = t("ls", "/new/b/moved")
    dotdot = [line for line in out if line.startswith(".. ")]
    r2, out2 = t("ls", "/new")
    b_ino = [line.split()[1] for line in out2 if line.startswith("b ")]
    yield (f"{bs}/rename-dotdot", dotdot and b_ino and
           dotdot[0].split()[1] == b_ino[0], f"{dotdot} {b_ino}")
    # Unlink, rmdir (non-empty fails), links.
    for k in range(0, 20, 3):
        name = f"new/a/dir05/f{k:02d}_{'x' * (k * 3)}"
        errs.append(t("rm", "/" + name)[0])
        files.pop(name)
    errs = [e for e in errs if e != "ok"]
    r1, _ = t("rmdir", "/new/a/dir06")
    r2, _ = t("mkdir", "/new/gone")
    r3, _ = t("rmdir", "/new/gone")
    yield (f"{bs}/unlink-rmdir", not errs and r1 == "err -39" and
           r2 == "ok" and r3 == "ok", f"{errs} {r1} {r2} {r3}")
    r1, _ = t("ln", "/double.bin", "/new/double-link")
    files["new/double-link"] = files["double.bin"]
    r2, _ = t("symlink", "/x" * 200, "/new/slow2")
    r3, _ = t("symlink", "short", "/new/fast2")
    r4, _ = t("mknod", "/new/fifo", "p", 0, 0)
    yield f"{bs}/link-symlink-mknod", (r1, r2, r3, r4) == ("ok",) * 4, ""
    # Truncation: shrink into the direct blocks, then extend (a hole).
    r1, _ = t("truncate", "/double.bin", 5000)
    r2, _ = t("truncate", "/double.bin", 200000)
    content = bytes.fromhex("")
    files["double.bin"] = sha(data(2, 3 * 1024 * 1024 + 123)[:5000]
                              + bytes(195000))
    files["new/double-link"] = files["double.bin"]
    r3, _ = t("truncate", "/sparse.bin", 100)
    files["sparse.bin"] = sha(data(0, 100))
    yield f"{bs}/truncate", (r1, r2, r3) == ("ok",) * 3, content.hex()
    # Past 4 GiB: i_size_high (large_file), a sparse extension.
    put("new/huge", b"head")
    r1, _ = t("truncate", "/new/huge", 5 << 30)
    r2, out = t("stat", "/new/huge")
    yield (f"{bs}/large-file", r1 == "ok" and f"size={5 << 30}" in out[0],
           f"{r1} {out}")
    files.pop("new/huge")
    # Changing a hash-indexed directory drops its index (as Linux's ext2).
    r1 = put(f"htree/{'m' * 50}", b"new entry")
    r2, _ = t("rm", f"/htree/{'n' * 40}0007")
    files.pop(f"htree/{'n' * 40}0007")
    yield f"{bs}/htree-write", (r1, r2) == ("ok", "ok"), f"{r1} {r2}"
    # A shared mapping's change reaches read(2) and the disk.
    content = bytearray(data(9, 10000))
    put("new/mapped", bytes(content))
    r1, _ = t("mapwrite", "/new/mapped", 5000, "MAPPED")
    content[5000:5006] = b"MAPPED"
    files["new/mapped"] = sha(bytes(content))
    out = os.path.join(tmp, "m")
    r2, _ = t("get", "/new/mapped", out)
    with open(out, "rb") as f:
        got = f.read()
    yield f"{bs}/mmap-shared-coherent", r1 == r2 == "ok" and got == content, r1
    r1, _ = t("chmod", "/new/big.bin", "4711")
    r2, out = t("stat", "/new/big.bin")
    yield f"{bs}/chmod", r2 == "ok" and "mode=104711" in out[0], str(out)


def image_cases(tmp, bs):
    src = os.path.join(tmp, f"src{bs}")
    img = os.path.join(tmp, f"img{bs}")
    old = os.umask(0)  # the modes as given; later tests need it back
    try:
        files = build_tree(src, bs)
    finally:
        os.umask(old)
    subprocess.run([MKE2FS, "-q", "-F", "-t", "ext2", "-b", str(bs), "-d",
                    src, img, "96M"], check=True, capture_output=True)
    # dir_index: e2fsck -D turns big directories into hash trees.
    subprocess.run([E2FSCK, "-fyD", img], capture_output=True)
    st = subprocess.run([DEBUGFS, "-R", "stat /htree", img],
                        capture_output=True, text=True).stdout
    yield f"{bs}/htree-made", "Flags: 0x1000" in st, st[:200]
    t = Tool()
    r, _ = t("mount", "ext2", img)
    yield f"{bs}/mount", r == "ok", r
    yield from read_cases(t, tmp, files, bs)
    yield from write_cases(t, tmp, files, bs)
    r, _ = t("umount")
    yield f"{bs}/umount", r == "ok", r
    ok, log = fsck(img)
    yield f"{bs}/e2fsck", ok, log
    r, _ = t("mount", "ext2", img)
    yield verify(t, tmp, files, f"{bs}/reread-after-remount")
    r, _ = t("umount")
    ok, log = fsck(img)
    yield f"{bs}/e2fsck-again", ok, log
    got = debugfs_cat(img, "/new/big.bin", os.path.join(tmp, "dbg"))
    got2 = debugfs_cat(img, "/new/mapped", os.path.join(tmp, "dbg"))
    yield (f"{bs}/debugfs-reads-ours", sha(got) == sha(data(7, 5 << 20))
           and sha(got2) == files["new/mapped"], "")
    rc, err = t.close()
    yield f"{bs}/no-sanitizer-errors", rc == 0 and "ERROR" not in err, err[-800:]


def corrupt(img, off, raw):
    with open(img, "r+b") as f:
        f.seek(off)
        f.write(raw)


def bad_image_cases(tmp):
    """Each corruption must give an error, never a crash or a bad read."""
    src = os.path.join(tmp, "badsrc")
    os.makedirs(os.path.join(src, "dir"))
    with open(os.path.join(src, "dir", "f"), "wb") as f:
        f.write(b"x" * 100)
    base = os.path.join(tmp, "bad-base")
    subprocess.run([MKE2FS, "-q", "-F", "-t", "ext2", "-b", "1024", "-d",
                    src, base, "4M"], check=True, capture_output=True)
    sb = 1024

    def dir_block(img, path):
        p = subprocess.run([DEBUGFS, "-R", f"bmap {path} 0", img],
                           capture_output=True, text=True)
        return int(p.stdout.split()[-1])

    def ino_of(img, path):
        p = subprocess.run([DEBUGFS, "-R", f"stat {path}", img],
                           capture_output=True, text=True)
        return int(p.stdout.split()[1])

    dblk = dir_block(base, "/dir")
    fino = ino_of(base, "/dir/f")
    kinds = {
        "bad-magic": (sb + 56, b"\x00\x00"),
        "inodes-count": (sb + 0, (12345).to_bytes(4, "little")),
        "blocks-count": (sb + 4, (1 << 30).to_bytes(4, "little")),
        "log-block-size": (sb + 24, (9).to_bytes(4, "little")),
        "blocks-per-group": (sb + 32, (0).to_bytes(4, "little")),
        "inode-size": (sb + 88, (100).to_bytes(2, "little")),
        "incompat-feature": (sb + 96, (0x40 | 2).to_bytes(4, "little")),
        # A directory entry whose rec_len runs past its block.
        "dirent-rec-len": (dblk * 1024 + 12 + 4, (3000).to_bytes(2, "little")),
        # A directory entry naming an inode past s_inodes_count.
        "dirent-inode": (dblk * 1024 + 24, (999999).to_bytes(4, "little")),
    }
    for name, (off, raw) in kinds.items():
        img = os.path.join(tmp, "bad-" + name)
        shutil.copy(base, img)
        corrupt(img, off, raw)
        t = Tool()
        r, _ = t("mount", "ext2", img)
        steps = [r]
        if r == "ok":
            steps.append(t("ls", "/dir")[0])
            steps.append(t("get", "/dir/f", os.path.join(tmp, "o"))[0])
            t("umount")
        rc, err = t.close()
        failed = any(s.startswith("err ") for s in steps)
        yield (f"bad/{name}", failed and rc == 0 and "ERROR" not in err,
               f"{steps} rc={rc} {err[-300:]}")
    # Truncated image: the superblock says more blocks than there are.
    img = os.path.join(tmp, "bad-truncated")
    shutil.copy(base, img)
    os.truncate(img, 2 << 20)
    t = Tool()
    r, _ = t("mount", "ext2", img)
    rc, err = t.close()
    yield "bad/truncated", r.startswith("err") and rc == 0, r
    # An unknown ro_compat feature mounts read-only: writes fail.
    img = os.path.join(tmp, "ro-compat")
    shutil.copy(base, img)
    corrupt(img, sb + 100, (0x3 | 0x400).to_bytes(4, "little"))
    t = Tool()
    with open(img, "rb") as f:
        before = f.read()
    r1, _ = t("mount", "ext2", img)
    r2, _ = t("mkdir", "/x")
    r3, _ = t("ls", "/dir")
    t("umount")
    rc, _ = t.close()
    with open(img, "rb") as f:
        same = f.read() == before
    yield ("bad/ro-compat-readonly", r1 == "ok" and r2 == "err -30" and
           r3 == "ok" and same, f"{r1} {r2} {r3} unchanged={same}")
    # "ext3" needs a journal.
    t = Tool()
    r, _ = t("mount", "ext3", base)
    t.close()
    yield "bad/ext3-needs-journal", r == "err -22", r


def cases():
    if not os.path.exists(TOOL):
        yield "build", False, f"{TOOL} missing"
        return
    tmp = tempfile.mkdtemp(prefix="ext2host-")
    try:
        for bs in (1024, 4096):
            yield from image_cases(tmp, bs)
        yield from bad_image_cases(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    passed = failed = 0
    for name, ok, detail in cases():
        print(("PASS " if ok else "FAIL ") + "ext2host/" + name +
              ("" if ok else ": " + detail), flush=True)
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
