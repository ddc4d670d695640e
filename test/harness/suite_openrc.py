"""The default image as a user boots it: openrc-init brings OpenRC through
sysinit, boot and default to the login prompts; the suite logs in on
ttyS0, asks OpenRC about its services, restarts one, runs dynamic glibc
programs and shuts the machine down through openrc-shutdown."""
import os
import re
import time

from qemu import Timeout
import screen
from suites import BUILD, Suite

PROMPT = "@@> "
# What OpenRC and its scripts print when something goes wrong.
ERROR_LINE = re.compile(r"ERROR|\[ !! \]|\bfailed\b|not found|No such file|"
                        r"Unable to|cannot|can't|not permitted|denied|"
                        r"invalid|warning|error", re.I)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Abort(Exception):
    """A step failed: what follows it would only fail too."""


class OpenRC(Suite):
    name = "openrc"
    cmdline = "panic=exit"
    timeout = 300

    @property
    def initrd(self):
        # The default image plus /test (the dynamic glibc test programs).
        return os.path.join(BUILD, "initrd-test.cpio")

    def __init__(self):
        self.results = []

    def case(self, name, ok, detail=""):
        self.results.append((name, bool(ok), detail))

    def step(self, m, name, keys, expect, timeout=30):
        """Types keys and waits for expect; returns what came after the
        keys (ANSI colour stripped)."""
        start = m.mark()
        m.type(keys)
        try:
            m.wait_for(expect, timeout, start)
        except Timeout:
            tail = m.serial()[start:][-400:]
            self.case(name, False, f"no {expect!r} in {tail!r}")
            raise Abort(name)
        self.case(name, True)
        return ANSI.sub("", m.serial()[start:])

    def run(self, m, name, command, expect=PROMPT, timeout=30):
        """Runs a shell command; its output up to the next prompt."""
        out = self.step(m, name, command + "\n", expect, timeout)
        return out.split("\n", 1)[-1].rsplit(PROMPT, 1)[0]

    def interact(self, m):
        self.results = []
        try:
            self.session(m)
        except Abort:
            m.kill()

    def boot(self, m):
        m.wait_for("OpenRC init version", 120)
        start = m.mark()
        try:
            m.wait_for("strix login: ", 180, start)
        except Timeout:
            self.case("boot/login-prompt", False,
                      repr(m.serial()[start:][-600:]))
            raise Abort("boot")
        self.extra_boot_s = time.time() - m.started
        self.case("boot/login-prompt", True,
                  f"{self.extra_boot_s:.1f} s from QEMU start")
        # The hello service comes last in default; wait for its [ ok ].
        try:
            m.wait_for("Starting hello", 60, start)
            time.sleep(2)
        except Timeout:
            pass
        boot_text = ANSI.sub("", m.serial()[start:])
        errors = [l.strip() for l in boot_text.splitlines()
                  if ERROR_LINE.search(l) and not l.startswith("[")]
        self.case("boot/no-errors", not errors, "; ".join(errors[:6]))
        for level in ("sysinit", "boot", "default"):
            self.case(f"boot/runlevel-{level}",
                      f"Starting {level} runlevel" in boot_text or
                      level == "sysinit" and "Starting sysinit" in
                      m.serial(), "")

    def screenshot(self, m):
        """The framebuffer after boot: tty1 shows the boot messages and
        its login prompt. Saved as PNG for README.md."""
        ppm = m.screendump("boot")
        scr = screen.Screen(ppm, screen.Font())
        text = "\n".join(scr.text())
        self.case("screen/openrc-banner", "OpenRC" in text,
                  "no OpenRC banner on tty1")
        self.case("screen/login-prompt", "strix login:" in text,
                  "no login prompt on tty1")
        screen.write_png(os.path.join(BUILD, "test", self.name, "boot.png"),
                         scr.width, scr.height, scr.px)

    def session(self, m):
        self.boot(m)
        self.screenshot(m)
        self.step(m, "login", "\nroot\n", "# ")
        self.step(m, "prompt", f"PS1='{PROMPT}'\n", "\n" + PROMPT)
        # Every service of the three runlevels is started.
        for level in ("sysinit", "boot", "default"):
            out = self.run(m, f"rc-status/{level}", f"rc-status {level}")
            lines = [l for l in out.splitlines() if "[" in l]
            bad = [l.strip() for l in lines if "started" not in l]
            self.case(f"rc-status/{level}/all-started", lines and not bad,
                      "; ".join(bad) or out[-300:])
        out = self.run(m, "rc-status/runlevel", "rc-status --runlevel")
        self.case("rc-status/runlevel-is-default", "default" in out, out)
        # A restart stops and starts the daemon: a new pid in its log.
        out = self.run(m, "hello/restart", "rc-service hello restart")
        self.case("hello/stopped", "Stopping hello" in out, out[-300:])
        self.case("hello/started", "Starting hello" in out, out[-300:])
        out = self.run(m, "hello/log", "cat /run/hello.log")
        pids = re.findall(r"hello started \d+ pid (\d+)", out)
        self.case("hello/new-pid", len(pids) == 2 and pids[0] != pids[1],
                  out)
        out = self.run(m, "hello/status", "rc-service hello status")
        self.case("hello/status-started", "started" in out, out)
        # OpenRC's own dynamic tools.
        out = self.run(m, "tools/rc-update", "rc-update show default")
        self.case("tools/rc-update-lists-hello", "hello |" in out, out)
        out = self.run(m, "tools/mountinfo", "/lib/rc/bin/mountinfo /run")
        self.case("tools/mountinfo-run", "/run" in out, out)
        # The file systems OpenRC mounted, as /proc/mounts shows them.
        out = self.run(m, "mounts", "cat /proc/mounts")
        for fs, where in (("proc", "/proc"), ("tmpfs", "/run"),
                          ("sysfs", "/sys"), ("devtmpfs", "/dev"),
                          ("devpts", "/dev/pts"), ("cgroup2",
                                                   "/sys/fs/cgroup")):
            self.case(f"mounts/{fs}-on-{where}",
                      re.search(rf"^\S+ {where} {fs} ", out, re.M), out)
        # The system logger got a message through /dev/log.
        self.run(m, "syslog/logger", "logger -t strix-test hello-syslog")
        out = self.run(m, "syslog/messages",
                       "sleep 1; grep hello-syslog /var/log/messages")
        self.case("syslog/message-logged", "strix-test" in out, out)
        # Dynamic glibc programs with threads.
        for prog in ("glibc-thread", "glibc-dynamic"):
            out = self.run(m, f"dynamic/{prog}", f"/test/bin/{prog}",
                           timeout=120)
            cases = re.findall(r"case \S+: (PASS|FAIL)", out)
            self.case(f"dynamic/{prog}/pass", cases and "FAIL" not in cases,
                      out[-300:])
        # Shutdown: services stop, then ACPI power-off ends QEMU.
        start = m.mark()
        m.type("openrc-shutdown --poweroff now\n")
        try:
            m.wait_for("Power down", 120, start)
        except Timeout:
            pass
        out = ANSI.sub("", m.serial()[start:])
        self.case("shutdown/hello-stopped", "Stopping hello" in out,
                  out[-300:])
        self.case("shutdown/mount-ro", "Remounting file systems" in out,
                  out[-300:])

    def check(self, run):
        yield from self.results
        yield "shutdown/exit", run.exit_code == 0, \
            f"exit status {run.exit_code}"
