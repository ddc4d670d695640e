#!/usr/bin/env python3
"""Copies into ROOT the shared libraries its ELF programs need.

Usage: copy-libs.py [--dlopen SONAME]... ROOT PKGDIR...

Every dynamically linked ELF file under ROOT is read with readelf; its
interpreter (PT_INTERP) and NEEDED libraries are looked for in the unpacked
packages PKGDIR... (in lib/x86_64-linux-gnu, usr/lib/x86_64-linux-gnu, lib,
usr/lib, lib64) and copied to the same path under ROOT, symlinks and all,
until the closure is complete. A library that no package has is an error:
the program would not start. This follows the NEEDED entries, not package
Depends, so nothing no program loads is copied (openrc-facts.md).
--dlopen names a library programs load with dlopen rather than NEEDED
(glibc's pthread_exit and pthread_cancel unwind through libgcc_s.so.1):
it is copied, with its closure, when any program in ROOT uses glibc.
"""
import os
import re
import shutil
import subprocess
import sys

LIB_DIRS = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib",
            "usr/lib", "lib64"]


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_needs(path):
    """The interpreter path (or None) and the NEEDED sonames of path."""
    out = subprocess.run(["readelf", "-ldW", path], capture_output=True,
                         text=True, check=True).stdout
    interp = re.search(r"\[Requesting program interpreter: (.*)\]", out)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", out)
    return (interp.group(1) if interp else None), needed


def copy_path(pkgdir, rel, root):
    """Copies pkgdir/rel to root/rel, following a chain of symlinks and
    copying each link and its target."""
    while True:
        src = os.path.join(pkgdir, rel)
        dst = os.path.join(root, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.lexists(dst):
            return
        if os.path.islink(src):
            target = os.readlink(src)
            os.symlink(target, dst)
            if target.startswith("/"):
                rel = target.lstrip("/")
            else:
                rel = os.path.normpath(
                    os.path.join(os.path.dirname(rel), target))
            continue
        shutil.copy2(src, dst)
        return


def resolve(root, rel):
    """root/rel with symlinks followed inside root (absolute link targets
    are relative to root, not to the host)."""
    for _ in range(40):
        p = os.path.join(root, rel)
        if not os.path.islink(p):
            return p
        target = os.readlink(p)
        if target.startswith("/"):
            rel = target.lstrip("/")
        else:
            rel = os.path.normpath(os.path.join(os.path.dirname(rel), target))
    sys.exit(f"copy-libs: symlink loop at {rel}")


def find(pkgdirs, name):
    """(pkgdir, relative path) of a soname or absolute path, or None."""
    if name.startswith("/"):
        cands = [name.lstrip("/")]
    else:
        cands = [os.path.join(d, name) for d in LIB_DIRS]
    for pkg in pkgdirs:
        for rel in cands:
            if os.path.lexists(os.path.join(pkg, rel)):
                return pkg, rel
    return None


def main():
    args, dlopened = sys.argv[1:], []
    while args and args[0] == "--dlopen":
        dlopened.append(args[1])
        args = args[2:]
    root, pkgdirs = args[0], args[1:]
    todo = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p) and is_elf(p):
                todo.append(p)
    done = set()
    missing = []
    while todo:
        path = todo.pop()
        if path in done:
            continue
        done.add(path)
        interp, needed = elf_needs(path)
        if "libc.so.6" in needed:
            needed += dlopened
        for name in ([interp] if interp else []) + needed:
            hit = find(pkgdirs, name)
            if not hit:
                missing.append(f"{name} (needed by {path})")
                continue
            pkg, rel = hit
            copy_path(pkg, rel, root)
            todo.append(resolve(root, rel))
    if missing:
        sys.exit("copy-libs: not in any package: " + ", ".join(missing))


if __name__ == "__main__":
    main()
