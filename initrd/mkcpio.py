#!/usr/bin/env python3
"""Writes a newc cpio archive of a directory, owned by root, in sorted
order, plus device nodes given as NAME:TYPE:MAJOR:MINOR:MODE (so no root
privilege is needed to make them). The format: cpio(5), "New ASCII".

Usage: mkcpio.py DIR OUT [dev/console:c:5:1:0600 ...]
"""
import os
import stat
import sys


def header(ino, mode, nlink, mtime, size, rmaj, rmin, name):
    fields = [ino, mode, 0, 0, nlink, mtime, size, 0, 0, rmaj, rmin,
              len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def entry(out, ino, mode, nlink, mtime, data, name, rmaj=0, rmin=0):
    name_b = name.encode()
    h = header(ino, mode, nlink, mtime, len(data), rmaj, rmin, name_b)
    out.write(h + name_b + b"\0")
    out.write(pad(len(h) + len(name_b) + 1))
    out.write(data)
    out.write(pad(len(data)))


def main():
    root, out_path = sys.argv[1], sys.argv[2]
    nodes = [a.split(":") for a in sys.argv[3:]]
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            full = os.path.join(dirpath, n)
            paths.append(os.path.relpath(full, root))
    node_names = {n[0] for n in nodes}
    paths = sorted(p for p in paths if p not in node_names)
    inodes = {}
    with open(out_path + ".tmp", "wb") as out:
        ino = 1
        for rel in paths:
            st = os.lstat(os.path.join(root, rel))
            mode = st.st_mode
            data = b""
            if stat.S_ISLNK(mode):
                data = os.readlink(os.path.join(root, rel)).encode()
            elif stat.S_ISREG(mode):
                # Hard links share an inode number; newc stores the data
                # with every name (the extractor links them by ino).
                key = (st.st_dev, st.st_ino)
                if key not in inodes:
                    inodes[key] = ino
                    ino += 1
                with open(os.path.join(root, rel), "rb") as f:
                    data = f.read()
                entry(out, inodes[key], mode, st.st_nlink, int(st.st_mtime),
                      data, rel)
                continue
            entry(out, ino, mode, 2 if stat.S_ISDIR(mode) else 1,
                  int(st.st_mtime), data, rel)
            ino += 1
        for name, kind, major, minor, perm in nodes:
            fmt = stat.S_IFCHR if kind == "c" else stat.S_IFBLK
            entry(out, ino, fmt | int(perm, 8), 1, 0, b"", name,
                  int(major), int(minor))
            ino += 1
        entry(out, 0, 0, 1, 0, b"", "TRAILER!!!")
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main()
