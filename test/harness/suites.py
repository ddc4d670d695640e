"""The guest test suites: what each boots with and how its output is read.

QEMU exit status: 0 after an ACPI power-off; (code << 1) | 1 after the
kernel writes code to isa-debug-exit (so 1 means "exit 0", 3 a panic).
"""
import os
import re
import subprocess
import time

import screen

BUILD = os.environ.get("BUILD", "build")


class Suite:
    name = "?"
    cmdline = ""
    timeout = 120
    initrd = None  # path of a cpio to boot instead of build/initrd.cpio
    smp = 2
    mem = "1G"
    esp_mb = 128
    use_esp = True  # False: boot without the ESP disk (Linux via -kernel)
    qemu_args = []
    machine = "q35"  # QEMU's -machine (run-qemu.sh's MACHINE)

    def prepare(self, dir):
        """Before QEMU starts: makes what the suite needs in dir (its
        disk images, say)."""

    def interact(self, m):
        """Drives the running machine; by default just lets it run."""

    def check(self, run):
        raise NotImplementedError


def boot_failure(run):
    """A case describing why a boot went wrong, if it did."""
    if run.timed_out:
        return ("timeout", False, "no exit within the time limit; "
                + run.extra.get("timeout_waiting_for", ""))
    return None


class SelfTests(Suite):
    """The kernel's own SELFTEST()s, all in one boot."""
    name = "selftest"
    cmdline = "selftest=all panic=exit"
    timeout = 180

    def check(self, run):
        for m in re.finditer(r"selftest (\S+): (PASS|FAIL)", run.serial):
            yield m.group(1), m.group(2) == "PASS", ""
        summary = re.search(r"selftests: (\d+) run, (\d+) failed", run.serial)
        # Exit status 0: the kernel powered the machine off through ACPI.
        ok = (summary is not None and int(summary.group(1)) > 0
              and summary.group(2) == "0" and run.exit_code == 0)
        yield "completed", ok, (
            f"exit status {run.exit_code}" if summary else
            "no summary line" + ("; panic" if "Kernel panic" in run.serial else ""))


class Crash(Suite):
    """A deliberate kernel fault: the panic path must print the registers
    and a symbolized backtrace, then leave QEMU through isa-debug-exit."""
    timeout = 90

    def __init__(self, kind, expect, in_trace):
        self.kind = kind
        self.name = f"panic-{kind}"
        self.cmdline = f"crashtest={kind} panic=exit"
        self.expect = expect
        self.in_trace = in_trace

    def check(self, run):
        fail = boot_failure(run)
        if fail:
            yield fail
            return
        s = run.serial
        yield "message", self.expect in s, f"no '{self.expect}' on serial"
        yield "registers", re.search(r"RIP: 0010:ffffffff8", s) is not None, ""
        trace = s[s.find("Call trace:"):] if "Call trace:" in s else ""
        yield "backtrace", self.in_trace in trace, f"'{self.in_trace}' not in trace"
        yield "debug-exit", run.exit_code == 3, f"exit status {run.exit_code}"


def parse_cases(text, prefix=""):
    """The "case PROGRAM/NAME: PASS|FAIL" lines of test/sys programs."""
    seen = set()
    for m in re.finditer(r"case (\S+): (PASS|FAIL)(.*)", text):
        name = m.group(1)
        if name in seen:
            continue
        seen.add(name)
        # The lines before a FAIL explain it; keep the last one.
        before = text[:m.start()].rstrip().splitlines()
        detail = m.group(3).strip()
        if m.group(2) == "FAIL" and before and before[-1].startswith("    "):
            detail = (detail + " " + before[-1].strip()).strip()
        yield prefix + name, m.group(2) == "PASS", detail


class SysTests(Suite):
    """test/sys: every guest test program in one boot, /test/runner as
    init, which powers off at the end."""
    name = "sys"
    cmdline = "init=/test/runner panic=exit"
    timeout = 900

    @property
    def initrd(self):
        return os.path.join(BUILD, "initrd-test.cpio")

    def check(self, run):
        yield from parse_cases(run.serial)
        for m in re.finditer(r"program (\S+): (exit|signal) (\d+)", run.serial):
            prog, how, code = m.groups()
            if how == "signal" or code not in ("0", "1"):
                yield f"program/{prog}", False, f"{how} {code}"
        if "Kernel panic" in run.serial:
            yield "no-panic", False, "the kernel panicked"
        done = "runner: done" in run.serial
        yield "completed", done and run.exit_code == 0, (
            f"exit status {run.exit_code}, timed out {run.timed_out}")


def linux_oracle():
    """The same test programs on the host's Linux kernel: a case that
    fails here has a wrong expectation, not a kernel bug."""
    bindir = os.path.join(BUILD, "sys", "root", "test", "bin")
    if not os.path.isdir(bindir):
        yield "linux/build", False, "test programs not built"
        return
    for prog in sorted(os.listdir(bindir)):
        # Its own session: on a timeout the whole group is killed, so a
        # stray grandchild cannot keep the output pipe (and us) open.
        p = subprocess.Popen([os.path.abspath(os.path.join(bindir, prog))],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd="/tmp", start_new_session=True)
        try:
            out, _ = p.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            out, _ = p.communicate()
            yield f"linux/{prog}", False, "timeout"
        yield from parse_cases(out, "linux/")


# ---- the framebuffer console, read back through QEMU screendumps ----

# Linux's console palette (dev/fbcon_draw.c) as a screendump shows it.
GREY, BLACK = (0xaa, 0xaa, 0xaa), (0, 0, 0)
BRIGHT_RED, GREEN, BLUE = (0xff, 0x55, 0x55), (0, 0xaa, 0), (0, 0, 0xaa)
LOG_LINE = re.compile(r"^\[\s*\d+\.\d+\] .*$", re.M)


def screendump_text(m, name):
    """Screendumps the running machine and reads it as a Screen."""
    return screen.Screen(m.screendump(name), screen.Font())


def find_row(rows, text):
    return next((i for i, r in enumerate(rows) if text in r), None)


class FbconScreen(Suite):
    """A normal boot to the shell: once the kernel is quiet, the screen
    must show the tail of the kernel log exactly as serial has it.
    console=ttyS0 keeps init's messages off the screen (by default they
    are shown there too), so the kernel log and the banner stay there."""
    name = "fbcon-screen"
    cmdline = "console=ttyS0"
    timeout = 120

    def interact(self, m):
        m.wait_for("init: running init as pid 1", 60)
        m.wait_for("login: ", 90)
        time.sleep(1)  # the console draws at the next tick
        scr = screendump_text(m, "screen")
        m.extra["cols"] = scr.cols
        rows = m.extra["rows"] = scr.text()
        r = find_row(rows, "Strix x86_64")
        if r is not None:
            m.extra["banner_cell"] = scr.cell(rows[r].find("Strix"), r)
        m.monitor("quit")

    def check(self, run):
        rows = run.extra.get("rows")
        if rows is None:
            yield boot_failure(run) or ("screendump", False, "no screendump")
            return
        yield "banner", find_row(rows, "Strix x86_64") is not None, \
            "no 'Strix x86_64' on the screen"
        cols = run.extra["cols"]
        shown = list(rows)
        # getty's /etc/issue and prompt follow the log on tty1: the log
        # is what comes before them.
        issue = next((i for i, r in enumerate(shown)
                      if r.startswith("Strix ") and " on x86_64" in r), None)
        if issue is not None:
            shown = shown[:issue]
        while shown and not shown[-1]:
            shown.pop()
        # The log as the terminal wraps it: cols characters a row.
        serial = run.serial.replace("\r", "")
        wrapped = []
        for line in LOG_LINE.findall(serial):
            line = line.rstrip()
            wrapped += [line[i:i + cols].rstrip()
                        for i in range(0, max(len(line), 1), cols)]
        want = wrapped[-len(shown):] if shown else []
        bad = [i for i, (a, b) in enumerate(zip(shown, want)) if a != b]
        yield "log-matches-serial", len(shown) >= 10 and shown == want, (
            f"{len(shown)} rows; first difference at row {bad[0]}: "
            f"screen {shown[bad[0]]!r}, serial {want[bad[0]]!r}" if bad
            else f"{len(shown)} rows on screen, {len(want)} expected")
        cell = run.extra.get("banner_cell")
        yield "log-colours", cell is not None and cell == ("S", GREY, BLACK), \
            f"banner 'S' cell is {cell}"


class FbconSelfTest(Suite):
    """The fbcon self-test, then the screen it leaves: its last lines and
    the colours of its SGR line. -no-shutdown keeps the display after
    the power-off; the monitor ends QEMU."""
    name = "fbcon-selftest"
    cmdline = "selftest=fbcon panic=exit"
    qemu_args = ["-no-shutdown"]
    timeout = 90

    def interact(self, m):
        m.wait_for("selftests:", 80)
        time.sleep(0.5)
        scr = screendump_text(m, "screen")
        rows = scr.text()
        m.extra["rows"] = rows
        r = find_row(rows, "FBCON-RED")
        if r is not None:
            line = rows[r]
            m.extra["cells"] = [scr.cell(line.find(w), r) for w in
                                ("FBCON-RED", "FBCON-GREEN", "FBCON-REVERSE")]
        m.monitor("quit")

    def check(self, run):
        ok = re.search(r"selftest fbcon: PASS", run.serial) is not None
        yield "selftest", ok, "no 'selftest fbcon: PASS'"
        t = re.search(r"fbcon: (\d+)x(\d+) cells; 2000 lines in (\d+) ms",
                      run.serial)
        yield "timing", t is not None and int(t.group(3)) < 5000, (
            t.group(0) if t else "no timing line")
        rows = run.extra.get("rows")
        if rows is None:
            yield boot_failure(run) or ("screendump", False, "no screendump")
            return
        r = find_row(rows, "FBCON-RED")
        yield "text", r is not None and r > 0 and \
            rows[r - 1] == "fbcon self-test: synchronous scroll", \
            f"row {r}: {rows[r] if r is not None else rows[-4:]}"
        want = [("F", BRIGHT_RED, BLACK), ("F", GREEN, BLUE),
                ("F", BLACK, GREY)]
        got = run.extra.get("cells")
        yield "colours", got == want, f"cells {got}"


class NoFramebuffer(Suite):
    """No display device, so OVMF offers no GOP: serial alone must carry
    the boot through the self-tests."""
    name = "no-gop"
    cmdline = "selftest=all panic=exit"
    qemu_args = ["-vga", "none"]
    timeout = 180

    def check(self, run):
        fail = boot_failure(run)
        if fail:
            yield fail
            return
        yield "serial-only", "Framebuffer: none" in run.serial, \
            "no 'Framebuffer: none' on serial"
        yield "fbcon-skipped", "fbcon: no framebuffer" in run.serial, ""
        summary = re.search(r"selftests: (\d+) run, (\d+) failed", run.serial)
        yield "selftests", summary is not None and summary.group(2) == "0" \
            and run.exit_code == 0, (summary.group(0) if summary else
                                     "no summary line")

SUITES = [
    SelfTests(),
    SysTests(),
    Crash("pagefault", "Kernel panic: page fault at 0xdead", "crashtest_pagefault"),
    Crash("stack", "Kernel panic: kernel stack overflow (double fault)",
          "crashtest_recurse"),
    FbconScreen(),
    FbconSelfTest(),
    NoFramebuffer(),
]

# Suites kept in their own files register here.
from suite_console import Console  # noqa: E402
from suite_keyboard import Keyboard  # noqa: E402
from suite_openrc import OpenRC  # noqa: E402
from suite_disk import Disk, DiskIntx  # noqa: E402
from suite_ide import Ide  # noqa: E402
from suite_ext2 import Ext2  # noqa: E402
from suite_rootdisk import RootDisk  # noqa: E402
from suite_fat import Fat  # noqa: E402

SUITES += [Console(), Keyboard(), OpenRC(), Disk(), DiskIntx(), Ide(dma=True),
           Ide(dma=False), Ext2(), Fat(), RootDisk()]
