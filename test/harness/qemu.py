"""Booting one Strix image under QEMU + OVMF for a test suite.

A Machine builds the suite's ESP image (its own command line and initrd),
starts QEMU with the serial console on a pipe and the human monitor on a
Unix socket, and offers what tests need: wait for serial text, type on the
serial line, send keys, take screendumps, wait for QEMU to exit.
"""
import os
import socket
import subprocess
import threading
import time

BUILD = os.environ.get("BUILD", "build")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Timeout(Exception):
    pass


class Run:
    """What a boot left behind, for the suite's check()."""

    def __init__(self, serial, exit_code, timed_out, log_path, extra):
        self.serial = serial
        self.exit_code = exit_code
        self.timed_out = timed_out
        self.log_path = log_path
        self.extra = extra  # whatever interact() recorded


class Machine:
    def __init__(self, suite):
        self.suite = suite
        self.dir = os.path.join(BUILD, "test", suite.name)
        os.makedirs(self.dir, exist_ok=True)
        self.log_path = os.path.join(self.dir, "serial.log")
        self.monitor_path = os.path.join(self.dir, "monitor.sock")
        self.extra = {}
        self._mon = None
        self._buf = bytearray()
        self._lock = threading.Condition()
        self._make_image()
        suite.prepare(self.dir)

    def _make_image(self):
        if not self.suite.use_esp:
            self.image = "none"
            return
        img = os.path.join(self.dir, "esp.img")
        initrd = self.suite.initrd or os.path.join(BUILD, "initrd.cpio")
        env = dict(os.environ, CMDLINE=self.suite.cmdline,
                   ESP_MB=str(self.suite.esp_mb))
        subprocess.run(["sh", os.path.join(ROOT, "efi/mkesp.sh"), img,
                        os.path.join(BUILD, "BOOTX64.EFI"), initrd],
                       env=env, check=True, cwd=ROOT)
        self.image = img

    def start(self):
        if os.path.exists(self.monitor_path):
            os.unlink(self.monitor_path)
        env = dict(os.environ, HEADLESS="1", SMP=str(self.suite.smp),
                   MEM=self.suite.mem, BUILD=self.dir,
                   MACHINE=self.suite.machine)
        args = ["sh", os.path.join(ROOT, "test/harness/run-qemu.sh"),
                self.image, "-monitor",
                f"unix:{self.monitor_path},server,nowait"] + self.suite.qemu_args
        self.started = time.time()
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env,
                                     cwd=ROOT)
        self._log = open(self.log_path, "wb")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                break
            self._log.write(chunk)
            self._log.flush()
            with self._lock:
                self._buf += chunk
                self._lock.notify_all()
        with self._lock:
            self._lock.notify_all()

    # ---- what tests use ----

    def serial(self):
        with self._lock:
            return self._buf.decode("utf-8", "replace")

    def wait_for(self, text, timeout, start=0):
        """Waits until text appears in the serial output after offset start;
        returns the offset just past it. Raises Timeout."""
        needle = text.encode()
        deadline = time.time() + timeout
        with self._lock:
            while True:
                i = self._buf.find(needle, start)
                if i >= 0:
                    return i + len(needle)
                left = deadline - time.time()
                if left <= 0 or self.proc.poll() is not None:
                    raise Timeout(text)
                self._lock.wait(min(left, 0.5))

    def mark(self):
        """The current end of the serial output, for wait_for(start=)."""
        with self._lock:
            return len(self._buf)

    def type(self, text):
        """Sends text to the serial line, as if typed."""
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def monitor(self, command):
        """Runs a human-monitor command and returns its output.

        One connection serves every command: QEMU takes one monitor client
        at a time and stops listening while it has one, so connecting per
        command races with QEMU noticing the last client left ("Connection
        refused" under load). A dropped connection is reopened once."""
        for attempt in range(2):
            try:
                if self._mon is None:
                    self._mon = self._monitor_connect()
                    self._until_prompt(self._mon)
                self._mon.sendall(command.encode() + b"\n")
                return self._until_prompt(self._mon).decode("utf-8", "replace")
            except OSError:
                self._monitor_close()
                if attempt:
                    raise
        return ""

    def _monitor_close(self):
        if self._mon is not None:
            self._mon.close()
            self._mon = None

    def _monitor_connect(self):
        """A connected monitor socket. A socket whose connect() failed is
        not reusable, so each attempt gets a fresh one."""
        last = None
        deadline = time.time() + 20
        while time.time() < deadline:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.monitor_path)
                s.settimeout(10)
                return s
            except OSError as e:
                s.close()
                last = e
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise OSError(f"cannot connect to the QEMU monitor: {last}")

    @staticmethod
    def _until_prompt(s):
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = s.recv(4096)
            if not chunk:
                raise ConnectionResetError("the QEMU monitor closed")
            data += chunk
        return data

    def screendump(self, name):
        path = os.path.abspath(os.path.join(self.dir, name + ".ppm"))
        self.monitor(f"screendump {path}")
        for _ in range(50):
            if os.path.exists(path) and os.path.getsize(path) > 0:
                break
            time.sleep(0.1)
        return path

    def sendkey(self, keys):
        self.monitor(f"sendkey {keys}")

    def wait_exit(self, timeout):
        """Waits for QEMU to exit; returns its status or None on timeout."""
        try:
            return self.proc.wait(timeout=max(0.1, timeout))
        except subprocess.TimeoutExpired:
            return None

    def time_left(self):
        return self.suite.timeout - (time.time() - self.started)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def boot(suite):
    m = Machine(suite)
    m.start()
    timed_out = False
    try:
        suite.interact(m)
        code = m.wait_exit(m.time_left())
        if code is None:
            timed_out = True
    except Timeout as e:
        m.extra.setdefault("timeout_waiting_for", str(e))
        timed_out = True
        code = None
    except OSError as e:
        # A lost monitor must fail the suite, not the whole test run.
        m.extra.setdefault("timeout_waiting_for", f"monitor: {e}")
        timed_out = True
        code = None
    finally:
        m._monitor_close()
        m.kill()
        m._reader.join(timeout=5)
        m._log.close()
    return Run(m.serial(), code, timed_out, m.log_path, m.extra)
