"""The legacy IDE driver on QEMU's pc machine (PIIX3): the ESP as primary
master, a 64 MiB disk with a known pseudo-random pattern as primary slave,
a sparse 200 GiB disk as secondary master (LBA48 beyond 2^28 sectors) and
a CD-ROM as secondary slave. In the guest: /proc/partitions, sha256sum of
the pattern disk, dd throughput, writes at LBA28 and LBA48 addresses; after
sync and poweroff the host reads the images back. Booted twice: with
bus-master DMA, and with ata.dma=0 (PIO)."""
import hashlib
import os
import random
import re
import time

from qemu import Timeout
from suites import Suite

PROMPT = "@@> "
MIB = 1 << 20
PATTERN_SIZE = 64 * MIB
BIG_SIZE = 200 << 30
SLOW_SIZE = 1 * MIB
# The writes: (dd arguments, offset into the big disk, offset into the
# pattern, bytes). 2^28 sectors are 128 GiB: past that only LBA48 reaches.
LBA28_END = (1 << 28) * 512
BAD = 1000000  # a sector of the big disk whose reads fail
WRITES = [
    ("bs=512 count=3 skip=7 seek=1", 512, 7 * 512, 3 * 512),
    ("bs=1M count=8 seek=4", 4 * MIB, 0, 8 * MIB),
    # Eight sectors across the 2^28 boundary: one LBA48 command.
    ("bs=512 count=8 skip=100 seek=%d" % ((1 << 28) - 4),
     LBA28_END - 4 * 512, 100 * 512, 8 * 512),
    ("bs=1M count=2 skip=9 seek=140000", 140000 * MIB, 9 * MIB, 2 * MIB),
]


def pattern(seed, size):
    return random.Random(seed).randbytes(size)


class Abort(Exception):
    pass


class Ide(Suite):
    machine = "pc"
    timeout = 420

    def __init__(self, dma):
        self.dma = dma
        self.name = "ide" if dma else "ide-pio"
        self.cmdline = "panic=exit" + ("" if dma else " ata.dma=0")
        self.results = []
        self.extra_args = []

    def prepare(self, dir):
        self.pat_path = os.path.join(dir, "pattern.img")
        self.big_path = os.path.join(dir, "big.img")
        self.pat = pattern(0x5eed, PATTERN_SIZE)
        with open(self.pat_path, "wb") as f:
            f.write(self.pat)
        with open(self.big_path, "wb") as f:
            f.truncate(BIG_SIZE)  # sparse: all zeros
        blkdebug = os.path.join(dir, "blkdebug.cfg")
        with open(blkdebug, "w") as f:
            f.write(f'[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
                    f'sector = "{BAD}"\nonce = "off"\n')
        with open(os.path.join(dir, "esp.img"), "rb") as f:
            self.esp_sha8 = hashlib.sha256(f.read(8 * MIB)).hexdigest()
        self.pat_sha8 = hashlib.sha256(self.pat[:8 * MIB]).hexdigest()
        self.pat_sha = hashlib.sha256(self.pat).hexdigest()
        self.qemu_args = [
            "-drive", f"if=none,id=pat,format=raw,file={self.pat_path}",
            "-device", "ide-hd,drive=pat,bus=ide.0,unit=1",
            "-drive", "if=none,id=big,format=raw,"
            f"file=blkdebug:{blkdebug}:{self.big_path}",
            "-device", "ide-hd,drive=big,bus=ide.1,unit=0",
        ]
        if self.dma:
            # A disk throttled to 4 KiB/s: a 128 KiB request outlasts the
            # driver's 20 s timeout, so the channel is reset.
            self.slow = pattern(7, SLOW_SIZE)
            self.slow_path = os.path.join(dir, "slow.img")
            with open(self.slow_path, "wb") as f:
                f.write(self.slow)
            self.qemu_args += [
                "-drive", "if=none,id=slow,format=raw,"
                f"file={self.slow_path},throttling.bps-total=4096",
                "-device", "ide-hd,drive=slow,bus=ide.1,unit=1"]
        else:
            self.qemu_args += ["-device", "ide-cd,bus=ide.1,unit=1"]

    def run(self, m, name, cmd, timeout=60, check=None):
        """Runs cmd in the shell; its output and exit status, and a case
        from check(out, status) (True, or a failure detail) when given."""
        start = m.mark()
        # The quotes keep the echoed command line from matching.
        m.type(f'{cmd}; echo "@@""END $?"\n')
        try:
            end = m.wait_for("@@END ", timeout, start)
            m.wait_for(PROMPT, 30, end)
        except Timeout:
            tail = m.serial()[start:][-300:]
            self.results.append((name, False, f"timeout; {tail!r}"))
            raise Abort(name)
        text = m.serial()
        status = int(re.match(r"\d*", text[end:]).group(0) or -1)
        text = text[start:end]
        # Drop the echoed command line.
        out = text.split("\n", 1)[1] if "\n" in text else ""
        if check:
            res = check(out, status)
            self.results.append((name, res is True,
                                 "" if res is True else
                                 f"{res}; status {status}; {out[-200:]!r}"))
        return out

    def interact(self, m):
        self.results = []
        try:
            self.session(m)
        except (Abort, Timeout) as e:
            self.results.append(("session", False, f"stopped at {e}"))
            m.kill()

    def login(self, m):
        m.wait_for("strix login: ", 150)
        m.type("root\n")
        m.wait_for("# ", 30)
        m.type(f"PS1='{PROMPT}'\n")
        m.wait_for("\n" + PROMPT, 30)

    def session(self, m):
        self.login(m)
        self.run(m, "partitions", "cat /proc/partitions",
                 check=self.check_partitions)
        # Cold cache: the first read of the disk goes to the device.
        flush2 = ("blockdev --flushbufs /dev/sda && "
                  "blockdev --flushbufs /dev/sdb")
        self.run(m, "flushbufs", flush2,
                 check=lambda o, st: st == 0)
        # Both devices of the primary channel at once: one queue.
        self.run(m, "concurrent", "dd if=/dev/sda bs=1M count=8 | sha256sum "
                 "> /tmp/sa & dd if=/dev/sdb bs=1M count=8 | sha256sum; "
                 "wait; cat /tmp/sa", timeout=120,
                 check=lambda o, st: self.esp_sha8 in o and self.pat_sha8 in o)
        self.run(m, "flushbufs-1", flush2,
                 check=lambda o, st: st == 0)
        up = "$(cut -d' ' -f1 /proc/uptime)"
        out = self.run(m, "dd-read", f"a={up}; dd if=/dev/sdb of=/dev/null "
                       f"bs=1M; b={up}; echo \"ELAPSED $a $b\"",
                       timeout=240,
                       check=lambda o, st: st == 0 and "64+0 records in" in o)
        t = re.search(r"ELAPSED ([\d.]+) ([\d.]+)", out)
        if t:
            secs = float(t.group(2)) - float(t.group(1))
            rate = PATTERN_SIZE / MIB / max(secs, 0.01)
            self.throughput = f"{secs:.2f} s, {rate:.1f} MiB/s"
        else:
            self.throughput = out.strip()[-120:]
        if self.dma:
            # Too slow with PIO: there sha256 reads what dd left cached.
            self.run(m, "flushbufs-2", "blockdev --flushbufs /dev/sdb")
        self.run(m, "sha256", "sha256sum /dev/sdb", timeout=240,
                 check=lambda o, st: self.pat_sha in o)
        for i, (args, *_rest) in enumerate(WRITES):
            self.run(m, f"write{i}", f"dd if=/dev/sdb of=/dev/sdc {args} "
                     "conv=notrunc", timeout=120,
                     check=lambda o, st: st == 0 and "records out" in o)
        self.run(m, "sync", "sync", timeout=120, check=lambda o, st: st == 0)
        # blkdebug fails reads of sector BAD: DMA is retried with PIO,
        # which fails too; dd gets EIO and the channel goes on working.
        self.run(m, "read-error", f"dd if=/dev/sdc of=/dev/null bs=512 "
                 f"skip={BAD} count=1", check=lambda o, st: st != 0)
        # Read the boundary write back from the disk, not the cache.
        self.run(m, "flushbufs-3", "blockdev --flushbufs /dev/sdc")
        want = hashlib.sha256(self.pat[100 * 512:108 * 512]).hexdigest()
        self.run(m, "read-lba48", "dd if=/dev/sdc bs=512 count=8 "
                 f"skip={(1 << 28) - 4} | sha256sum",
                 check=lambda o, st: want in o)
        if self.dma:
            self.timeout_steps(m)
        m.type("poweroff\n")
        m.wait_for("Power down", 90)

    def timeout_steps(self, m):
        """A read the throttled disk cannot finish in time: the driver
        must reset the channel and fail it rather than hang, and the disk
        must work afterwards."""
        start = m.mark()
        self.run(m, "timeout-read", "dd if=/dev/sdd of=/dev/null bs=128k "
                 "count=1", timeout=150)
        try:
            m.wait_for("sdd: command c8 timed out", 60, start)
        except Timeout:
            self.results.append(("timeout", False, "no timeout in 60 s"))
            raise Abort("timeout")
        # Unthrottled, so the read-ahead queued behind finishes quickly.
        m.monitor("block_set_io_throttle slow 0 0 0 0 0 0")
        self.run(m, "flushbufs-4", "blockdev --flushbufs /dev/sdd")
        want = hashlib.sha256(self.slow[64 * 512:72 * 512]).hexdigest()
        self.run(m, "after-timeout", "dd if=/dev/sdd bs=512 count=8 "
                 "skip=64 | sha256sum", timeout=90,
                 check=lambda o, st: want in o)

    def check_partitions(self, out, status):
        want = [r"\s8\s+0\s+\d+ sda\b", r"\s8\s+1\s+\d+ sda1\b",
                rf"\s8\s+16\s+{PATTERN_SIZE >> 10} sdb\b",
                rf"\s8\s+32\s+{BIG_SIZE >> 10} sdc\b"]
        missing = [w for w in want if not re.search(w, out)]
        return True if not missing else f"missing {missing} in {out!r}"

    def check_images(self):
        with open(self.pat_path, "rb") as f:
            pat_ok = hashlib.sha256(f.read()).hexdigest() == self.pat_sha
        yield "pattern-unchanged", pat_ok, "the read-only disk changed"
        with open(self.big_path, "rb") as f:
            for i, (_, off, src, n) in enumerate(WRITES):
                f.seek(off)
                got = f.read(n)
                yield f"host-write{i}", got == self.pat[src:src + n], \
                    f"bytes at {off} differ"
            # Around the writes the disk stays zero.
            f.seek(0)
            yield "host-sector0", f.read(512) == bytes(512), "sector 0 changed"
            f.seek(12 * MIB)
            yield "host-after", f.read(MIB) == bytes(MIB), \
                "bytes after the 8 MiB write changed"

    def check(self, run):
        yield from self.results
        s = run.serial
        mode = "DMA" if self.dma else "PIO"
        yield "identify", re.search(
            rf"ata1\.01: ATA disk 'QEMU HARDDISK', 131072 sectors .*{mode}",
            s) is not None, "no ata1.01 line"
        if self.dma:
            yield "timeout-reset", "sdd: command c8 timed out; resetting " \
                "the channel" in s, "no timeout on the throttled disk"
        else:
            yield "atapi", "ata2.01: ATAPI CD-ROM" in s, \
                "CD-ROM not recognised"
        # The injected error, and nothing else.
        bad = re.compile(rf"ata: sdc: command (c8|25|20|24) at {BAD} failed")
        errs = [l for l in re.findall(
            r"ata: \S+: (?:command|cannot).*|.*timed out.*|.*DMA off.*", s)
            if not bad.search(l) and "sdd: command c8 timed out" not in l]
        yield "no-errors", not errs, "; ".join(errs[:3])
        retry = re.search(rf"ata: sdc: command c8 at {BAD} failed: status "
                          r"\S+ error 04, retrying with PIO", s)
        final = re.search(rf"ata: sdc: command 20 at {BAD} failed: status "
                          r"\S+ error 04\r?\n", s)
        yield "error-logged", bool((retry or not self.dma) and final), \
            "no DMA error and PIO retry for the injected error"
        if hasattr(self, "throughput"):
            yield f"throughput-{mode}", True, self.throughput
            print(f"  ({self.name}: 64 MiB dd bs=1M: {self.throughput})",
                  flush=True)
        if any(name == "sync" and ok for name, ok, _ in self.results):
            yield from self.check_images()
        yield "exit", run.exit_code == 0, f"exit status {run.exit_code}"
