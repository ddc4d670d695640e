#!/usr/bin/env python3
"""make test: host unit tests, then guest suites booted under QEMU + OVMF.

Each guest suite boots once with its own kernel command line, reads the
serial console until QEMU exits or the suite's timeout, and turns what the
kernel printed into named cases. The last line is "N passed, N failed".
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import suites  # noqa: E402

BUILD = os.environ.get("BUILD", "build")


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def add(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            self.failures.append(name)
            print(f"FAIL {name}{': ' + detail if detail else ''}", flush=True)


def run_unit(results):
    """The host unit tests, one case per TEST()."""
    build = subprocess.run(["make", "--no-print-directory", "-s",
                            f"{BUILD}/unit/unittest"])
    if build.returncode != 0:
        results.add("unit/build", False, "the unit tests did not compile")
        return
    proc = subprocess.run([f"{BUILD}/unit/unittest"], capture_output=True,
                          text=True, timeout=300)
    seen = 0
    for line in proc.stdout.splitlines():
        m = re.match(r"unit (\S+): (PASS|FAIL)$", line)
        if m:
            seen += 1
            results.add(f"unit/{m.group(1)}", m.group(2) == "PASS")
    if proc.returncode != 0 and seen == 0:
        results.add("unit/run", False, proc.stderr.strip()[-400:])
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)


def run_ext2host(results):
    """The ext2 driver on the host over mke2fs images, checked by e2fsck
    (test/ext2host/run.py)."""
    build = subprocess.run(["make", "--no-print-directory", "-s",
                            f"{BUILD}/unit/ext2host"])
    if build.returncode != 0:
        results.add("ext2host/build", False, "ext2host did not compile")
        return
    sys.path.insert(0, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "..", "ext2host"))
    import run as ext2host  # noqa: E402
    for name, ok, detail in ext2host.cases():
        results.add(f"ext2host/{name}", ok, detail)


def main():
    only = sys.argv[1:]  # suite names to run; all when empty
    results = Results()
    start = time.time()
    if not only or "unit" in only:
        run_unit(results)
    if not only or "ext2host" in only:
        run_ext2host(results)
    if not only or "linux" in only:
        for name, ok, detail in suites.linux_oracle():
            results.add(name, ok, detail)
    for suite in suites.SUITES:
        if only and suite.name not in only:
            continue
        t0 = time.time()
        run = qemu.boot(suite)
        for name, ok, detail in suite.check(run):
            results.add(f"{suite.name}/{name}", ok, detail)
        print(f"  ({suite.name}: {time.time() - t0:.1f}s, log {run.log_path})",
              flush=True)
    print(f"  (total {time.time() - start:.0f}s)")
    if results.failures:
        print("failed: " + " ".join(results.failures))
    print(f"{results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
