"""The serial console as a person uses it: BusyBox init starts a shell on
ttyS0 and the suite types into it, with job control, vi and top."""
import time

from qemu import Timeout
from suites import Suite

PROMPT = "@@> "


class Abort(Exception):
    """A step failed: what follows it would only fail too."""


class Console(Suite):
    name = "console"
    cmdline = "panic=exit"
    timeout = 180

    def __init__(self):
        self.results = []

    def step(self, m, name, keys, expect, timeout=20, settle=0.0):
        """Types keys and waits for expect after them; one case."""
        start = m.mark()
        m.type(keys)
        if settle:
            time.sleep(settle)
        try:
            m.wait_for(expect, timeout, start)
            self.results.append((name, True, ""))
        except Timeout:
            tail = m.serial()[start:][-300:]
            self.results.append((name, False, f"no {expect!r} in {tail!r}"))
            raise Abort(name)

    def interact(self, m):
        self.results = []
        try:
            self.session(m)
        except Abort:
            m.kill()

    def session(self, m):
        # getty on ttyS0; root has no password.
        self.step(m, "getty", "", "strix login: ", timeout=120)
        self.step(m, "login", "root\n", "# ")
        self.step(m, "prompt", f"PS1='{PROMPT}'\n", "\n" + PROMPT)
        self.step(m, "hostname", "hostname; uname -sr\n", "strix\r\nLinux ")
        # Job control: ^Z stops the foreground job, bg and fg move it,
        # ^C ends it.
        self.step(m, "jobs/start", "sleep 100\n", "sleep 100\r\n")
        time.sleep(0.5)
        self.step(m, "jobs/ctrl-z", "\x1a", "Stopped")
        self.step(m, "jobs/bg", "bg\n", "sleep 100")
        self.step(m, "jobs/list", "jobs\n", "Running")
        self.step(m, "jobs/fg", "fg\n", "sleep 100\r\n")
        time.sleep(0.5)
        self.step(m, "jobs/ctrl-c", "\x03", PROMPT)
        self.step(m, "jobs/status", "echo st=$?\n", "st=130")
        # A background read from the terminal stops with SIGTTIN.
        self.step(m, "jobs/sigttin", "cat &\n", PROMPT)
        time.sleep(0.5)
        self.step(m, "jobs/sigttin-stopped", "jobs\n", "Stopped")
        self.step(m, "jobs/kill", "kill -9 %1; wait; echo gone\n", "gone")
        # vi: insert, leave insert mode, write and quit.
        self.step(m, "vi/start", "vi /tmp/vi.txt\n", "/tmp/vi.txt", settle=0.5)
        time.sleep(1)
        # Keys with pauses, as typed: ESC followed at once by ':' would
        # read as one escape sequence.
        m.type("ihello from vi")
        time.sleep(0.5)
        m.type("\x1b")
        time.sleep(0.5)
        self.step(m, "vi/write", ":wq\r", PROMPT)
        self.step(m, "vi/file", "cat /tmp/vi.txt\n", "hello from vi\r\n")
        # top draws one screen and exits.
        self.step(m, "top", "top -n 1\n", "PID")
        self.step(m, "top/exit", "echo top=$?\n", "top=0")
        # stty talks to the line discipline through termios ioctls.
        self.step(m, "stty", "stty -a | head -n 1\n", "speed 115200 baud")
        self.step(m, "poweroff", "poweroff\n", "Power down", timeout=60)

    def check(self, run):
        yield from self.results
        yield "exit", run.exit_code == 0, f"exit status {run.exit_code}"
