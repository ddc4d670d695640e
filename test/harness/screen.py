"""Reading the guest's screen back as text: a PPM (P6) reader, a PSF1/PSF2
font parser and a matcher from character cells to glyphs. Independent of
dev/psf2c.py on purpose, so a bug there cannot hide itself; standard
library only.
"""
import gzip
import struct
import zlib

DEFAULT_FONT = "/usr/share/consolefonts/Lat15-Fixed16.psf.gz"


def read_ppm(path):
    """(width, height, rgb bytes) of a binary PPM with maxval 255."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1  # the single whitespace byte before the raster
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError(f"{path}: not a P6 PPM with maxval 255")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos:pos + w * h * 3]
    if len(pixels) != w * h * 3:
        raise ValueError(f"{path}: truncated raster")
    return w, h, pixels


def write_png(path, width, height, rgb):
    """Writes 8-bit RGB pixels (as read_ppm returns them) as a PNG."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + \
            struct.pack(">I", zlib.crc32(body) & 0xffffffff)
    stride = width * 3
    raw = b"".join(b"\0" + rgb[y * stride:(y + 1) * stride]
                   for y in range(height))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                           0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


class Font:
    """A console font: width, height, glyph rows as ints, and for each
    glyph the code points the Unicode table gives it."""

    def __init__(self, path=DEFAULT_FONT):
        with open(path, "rb") as f:
            d = f.read()
        if d[:2] == b"\x1f\x8b":
            d = gzip.decompress(d)
        if d[:4] == b"\x72\xb5\x4a\x86":
            self._psf2(d)
        elif d[:2] == b"\x36\x04":
            self._psf1(d)
        else:
            raise ValueError(f"{path}: not a PSF font")
        # Bitmap -> character, preferring printable ASCII, then the
        # lowest code point, for glyphs several code points share.
        self.by_bitmap = {}
        for g, rows in enumerate(self.glyphs):
            for cp in sorted(self.chars.get(g, []),
                             key=lambda c: (not 0x20 <= c < 0x7f, c)):
                prev = self.by_bitmap.get(rows)
                if prev is None or ((not 0x20 <= ord(prev) < 0x7f)
                                    and 0x20 <= cp < 0x7f):
                    self.by_bitmap[rows] = chr(cp)
                break

    def _glyph_rows(self, raw, stride):
        return tuple(int.from_bytes(raw[i:i + stride], "big")
                     for i in range(0, len(raw), stride))

    def _psf1(self, d):
        mode, size = d[2], d[3]
        count = 512 if mode & 1 else 256
        self.width, self.height, stride = 8, size, 1
        self.glyphs = [self._glyph_rows(d[4 + g * size:4 + (g + 1) * size], 1)
                       for g in range(count)]
        self.chars = {}
        pos = 4 + count * size
        if mode & 6:
            for g in range(count):
                seq = False
                while True:
                    (u,) = struct.unpack_from("<H", d, pos)
                    pos += 2
                    if u == 0xFFFF:
                        break
                    if u == 0xFFFE:
                        seq = True
                    elif not seq:
                        self.chars.setdefault(g, []).append(u)
        else:
            self.chars = {g: [g] for g in range(min(count, 256))}
        self.stride = stride

    def _psf2(self, d):
        (_, _, hdr, flags, count, size, h, w) = struct.unpack_from("<8I", d, 0)
        self.width, self.height = w, h
        self.stride = (w + 7) // 8
        self.glyphs = [self._glyph_rows(d[hdr + g * size:hdr + (g + 1) * size],
                                        self.stride) for g in range(count)]
        self.chars = {}
        pos = hdr + count * size
        if flags & 1:
            for g in range(count):
                end = d.index(b"\xff", pos)
                single = d[pos:end].split(b"\xfe")[0].decode("utf-8")
                self.chars[g] = [ord(c) for c in single]
                pos = end + 1
        else:
            self.chars = {g: [g] for g in range(min(count, 256))}


class Screen:
    """A screendump cut into the font's character cells."""

    def __init__(self, ppm_path, font):
        self.width, self.height, self.px = read_ppm(ppm_path)
        self.font = font
        self.cols = self.width // font.width
        self.rows = self.height // font.height

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.px[i:i + 3])

    def cell(self, col, row):
        """(character or None, foreground, background) of one cell. The
        background is the commoner colour; the underline cursor (last
        rows with colours swapped) is recognised too."""
        f = self.font
        x0, y0 = col * f.width, row * f.height
        colours = [[self.pixel(x0 + x, y0 + y) for x in range(f.width)]
                   for y in range(f.height)]
        counts = {}
        for line in colours:
            for c in line:
                counts[c] = counts.get(c, 0) + 1
        ranked = sorted(counts, key=lambda c: -counts[c])
        bg = ranked[0]
        if len(ranked) == 1:
            return " ", bg, bg
        fg = ranked[1]
        for on in (fg, bg):
            rows = tuple(sum(1 << (f.width - 1 - x + (f.stride * 8 - f.width))
                             for x in range(f.width) if line[x] == on)
                         for line in colours)
            for cursor in (0, 1, 2):
                cand = rows
                if cursor:
                    mask = ((1 << f.width) - 1) << (f.stride * 8 - f.width)
                    cand = rows[:-cursor] + tuple(r ^ mask for r in rows[-cursor:])
                ch = f.by_bitmap.get(cand)
                if ch is not None:
                    return ch, (fg if on == fg else bg), (bg if on == fg else fg)
        return None, fg, bg

    def row_text(self, row):
        """The row as text; '\\ufffd' for a cell no glyph matches."""
        s = "".join((self.cell(c, row)[0] or "\ufffd") for c in range(self.cols))
        return s.rstrip()

    def text(self):
        return [self.row_text(r) for r in range(self.rows)]
