"""The PS/2 keyboard and the virtual consoles, end to end: keys sent
through the QEMU monitor log in on tty1 and run commands whose output is
sent to the serial line; Alt+F2 switches to tty2, and screendumps show
each console's own text; Ctrl+Alt+Del makes init reboot."""
import time

import screen
from qemu import Timeout
from suites import Suite

# Characters as QEMU sendkey names (US layout).
KEYNAMES = {
    " ": "spc", "\n": "ret", "-": "minus", "=": "equal", ".": "dot",
    "/": "slash", ";": "semicolon", "'": "apostrophe", ",": "comma",
    "_": "shift-minus", "+": "shift-equal", ">": "shift-dot",
    "<": "shift-comma", "?": "shift-slash", "$": "shift-4",
    "(": "shift-9", ")": "shift-0", "*": "shift-8", "|": "shift-backslash",
    '"': "shift-apostrophe", ":": "shift-semicolon", "!": "shift-1",
}


def keyname(c):
    if c in KEYNAMES:
        return KEYNAMES[c]
    if c.isupper():
        return "shift-" + c.lower()
    return c


class Keyboard(Suite):
    name = "kbd"
    cmdline = "panic=exit"
    timeout = 150

    def __init__(self):
        self.results = []

    def typ(self, m, text):
        for c in text:
            m.sendkey(keyname(c))

    def expect(self, m, name, start, text, timeout=15):
        try:
            m.wait_for(text, timeout, start)
            self.results.append((name, True, ""))
            return True
        except Timeout:
            self.results.append((name, False, f"no {text!r} on serial"))
            return False

    def screen_rows(self, m, name):
        scr = screen.Screen(m.screendump(name), screen.Font())
        return scr.text()

    def interact(self, m):
        self.results = []
        m.wait_for("PS/2 keyboard on IRQ 1", 60)
        m.wait_for("login: ", 60)
        time.sleep(2)  # getty on tty1 as well
        mark = m.mark()
        self.typ(m, "root\n")
        time.sleep(1.5)
        self.typ(m, "echo kbd-$((6*7)) > /dev/ttyS0\n")
        if not self.expect(m, "login-and-command", mark, "kbd-42"):
            return
        # Backspace, then the up arrow recalls the line from history.
        mark = m.mark()
        self.typ(m, "echo kbd-4x")
        m.sendkey("backspace")
        self.typ(m, "3 > /dev/ttyS0\n")
        self.expect(m, "backspace", mark, "kbd-43")
        mark = m.mark()
        time.sleep(0.3)
        m.sendkey("up")
        m.sendkey("ret")
        self.expect(m, "arrow-history", mark, "kbd-43")
        # Caps Lock changes letters only.
        mark = m.mark()
        self.typ(m, "echo ")
        m.sendkey("caps_lock")
        self.typ(m, "xy1")
        m.sendkey("caps_lock")
        self.typ(m, "z > /dev/ttyS0\n")
        self.expect(m, "caps-lock", mark, "XY1z")
        # ^C interrupts the foreground job.
        self.typ(m, "sleep 100\n")
        time.sleep(1)
        m.sendkey("ctrl-c")
        mark = m.mark()
        self.typ(m, "echo st=$? > /dev/ttyS0\n")
        self.expect(m, "ctrl-c", mark, "st=130")
        self.typ(m, "echo SCREEN-ONE\n")
        # Alt+F2: the second console, its own getty and screen.
        m.sendkey("alt-f2")
        time.sleep(1)
        mark = m.mark()
        self.typ(m, "root\n")
        time.sleep(1.5)
        self.typ(m, "tty > /dev/ttyS0; echo SCREEN-TWO\n")
        self.expect(m, "alt-f2-tty", mark, "/dev/tty2")
        time.sleep(1)
        rows = self.screen_rows(m, "tty2")
        text = "\n".join(rows)
        self.results.append(("tty2-screen", "SCREEN-TWO" in text and
                             "SCREEN-ONE" not in text,
                             "tty2's screen: " + repr(text[-400:])))
        m.sendkey("alt-f1")
        time.sleep(1)
        rows = self.screen_rows(m, "tty1")
        text = "\n".join(rows)
        self.results.append(("tty1-screen", "SCREEN-ONE" in text and
                             "SCREEN-TWO" not in text,
                             "tty1's screen: " + repr(text[-400:])))
        # Full-screen programs on the console: top draws its table,
        # vi edits and saves a file.
        self.typ(m, "clear; top -n 1\n")
        time.sleep(3)
        text = "\n".join(self.screen_rows(m, "tty1-top"))
        self.results.append(("top-screen", "PID" in text and "Mem:" in text,
                             "screen: " + repr(text[:300])))
        self.typ(m, "vi /tmp/v\n")
        time.sleep(1.5)
        self.typ(m, "ihi there")
        time.sleep(0.5)
        m.sendkey("esc")
        time.sleep(0.5)
        mark = m.mark()
        self.typ(m, ":wq\n")
        time.sleep(1)
        self.typ(m, "cat /tmp/v > /dev/ttyS0\n")
        self.expect(m, "vi-file", mark, "hi there")
        # Ctrl+Alt+Del: init (CAD off) gets SIGINT and runs reboot.
        m.extra["before_reboot"] = m.mark()
        try:
            m.sendkey("ctrl-alt-delete")
        except OSError:
            pass  # QEMU may exit before the monitor answers

    def check(self, run):
        yield from self.results
        if not self.results:
            yield "boot", False, run.extra.get("timeout_waiting_for", "")
            return
        tail = run.serial[run.extra.get("before_reboot", 0):]
        yield "ctrl-alt-del", ("Restarting system" in tail and
                               run.exit_code == 0), (
            f"exit status {run.exit_code}, timed out {run.timed_out}")
        yield "no-panic", "Kernel panic" not in run.serial, ""
