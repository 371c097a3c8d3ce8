"""Bundled font metrics and per-character font fallback, without Qt.

The layout measures text with the advance widths of the same TrueType files
that the PDF embeds and Qt draws with, so lines break identically everywhere.
Each character is set in the first bundled face that has a glyph for it
(DejaVu Sans for Latin, Greek and Cyrillic; Droid Sans Fallback for Chinese
and Japanese), and `runs()` splits a line into same-face runs for renderers.
The advance widths come from the font's own tables (head, hhea, maxp, hmtx and
the cmap subtable reportlab's parser would choose, read with `struct`), so they
equal what reportlab's TrueType parser gives the PDF writer, without importing
reportlab (and Pillow, which it imports) at every start; a font whose cmap is
in another format than 12 is still read with reportlab.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from assets import FONTS_DIR

#: Face key -> file. Order of FALLBACK_CHAIN is the order glyphs are looked up.
FACE_FILES: dict[str, str] = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "cjk": "DroidSansFallbackFull.ttf",
}
FALLBACK_CHAIN: dict[str, tuple[str, ...]] = {
    "sans": ("sans", "cjk"),
    "sans-bold": ("sans-bold", "sans", "cjk"),
}
#: Vertical metrics of DejaVu Sans as fractions of the font size (hhea table).
ASCENT = 0.928
DESCENT = 0.236
LINE_GAP = 1.22  # line height as a multiple of the size


@dataclass(frozen=True)
class FaceMetrics:
    key: str
    path: Path
    widths: dict[int, float]  # code point -> advance in 1/1000 em
    default_width: float

    def has(self, cp: int) -> bool:
        return cp in self.widths


def font_path(key: str) -> Path:
    return FONTS_DIR / FACE_FILES[key]


@cache
def face(key: str) -> FaceMetrics:
    path = font_path(key)
    parsed = read_widths(path)
    if parsed is None:
        parsed = _reportlab_widths(path)
    widths, default_width = parsed
    return FaceMetrics(key, path, widths, default_width)


def _reportlab_widths(path: Path) -> tuple[dict[int, float], float]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    ttf = TTFontFile(str(path))
    widths = {cp: float(w) for cp, w in ttf.charWidths.items()}
    # Characters mapped to glyph 0 (.notdef) are not really covered.
    covered = {cp for cp, gid in ttf.charToGlyph.items() if gid}
    return {cp: w for cp, w in widths.items() if cp in covered}, float(ttf.defaultWidth)


def read_widths(path: Path) -> tuple[dict[int, float], float] | None:
    """Advance widths (1/1000 em) of every character with a glyph, and glyph 0's;
    None when the cmap reportlab would use is not in format 12 (the bundled fonts')."""
    data = Path(path).read_bytes()
    tables = {}
    for i in range(struct.unpack_from(">H", data, 4)[0]):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag] = offset
    units = struct.unpack_from(">H", data, tables[b"head"] + 18)[0]
    n_metrics = struct.unpack_from(">H", data, tables[b"hhea"] + 34)[0]
    n_glyphs = struct.unpack_from(">H", data, tables[b"maxp"] + 4)[0]
    hmtx = tables[b"hmtx"]
    advances = array("H", data[hmtx:hmtx + 4 * n_metrics])
    if struct.pack("=H", 1) != struct.pack(">H", 1):
        advances.byteswap()
    advances = advances[0::2]  # (advance, left side bearing) pairs
    if units == 1000:
        scaled = [float(a) for a in advances]
    else:
        mult = 1000 / units
        scaled = [a * mult for a in advances]
    last = scaled[-1]  # glyphs past the metrics share the last advance

    cmap = tables[b"cmap"]
    subtable, unicode_found = None, False
    for i in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        # The same choice as reportlab's TTFontFile (the last suitable subtable wins).
        if platform == 3 or (platform == 1 and encoding == 1) or \
                (platform == 0 and encoding != 5):
            subtable, unicode_found = cmap + offset, True
        elif platform == 1 and encoding == 0 and not unicode_found:
            subtable, unicode_found = cmap + offset, False
    if subtable is None:
        return None
    fmt = struct.unpack_from(">H", data, subtable)[0]
    glyph_of: dict[int, int] = {}
    if fmt == 12:
        (n_groups,) = struct.unpack_from(">I", data, subtable + 12)
        for g in range(n_groups):
            start, end, first = struct.unpack_from(">III", data, subtable + 16 + 12 * g)
            for cp in range(start, end + 1):
                glyph_of[cp] = first + cp - start
    else:
        return None
    if 0x20 in glyph_of:  # as reportlab: a no-break space is drawn as a space
        glyph_of[0xA0] = glyph_of[0x20]
    elif 0xA0 in glyph_of:
        glyph_of[0x20] = glyph_of[0xA0]
    widths = {cp: (scaled[gid] if gid < n_metrics else last)
              for cp, gid in glyph_of.items() if 0 < gid < n_glyphs}
    return widths, scaled[0]


_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0xFE0F, 0xFE0E}


def face_for(cp: int, style: str = "sans") -> str | None:
    """The first face in the style's chain with a glyph for `cp` (None: none has one)."""
    chain = FALLBACK_CHAIN[style]
    if cp in face(chain[0]).widths:
        return chain[0]
    for key in chain[1:]:
        if cp in face(key).widths:
            return key
    return None


def missing_chars(text: str, style: str = "sans") -> list[str]:
    """Characters no bundled face can draw (renderers substitute U+FFFD-like boxes)."""
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in _ZERO_WIDTH
                   and face_for(ord(ch), style) is None})


class Metrics:
    """Measures strings in points; caches per-character advances."""

    def __init__(self, style: str = "sans") -> None:
        self.style = style
        self._adv: dict[str, float] = {}

    def advance(self, ch: str) -> float:
        """Advance of one character at size 1 (in em)."""
        adv = self._adv.get(ch)
        if adv is None:
            cp = ord(ch)
            if cp in _ZERO_WIDTH:
                adv = 0.0
            else:
                key = face_for(cp, self.style)
                f = face(key or FALLBACK_CHAIN[self.style][0])
                adv = f.widths.get(cp, f.default_width) / 1000.0
            self._adv[ch] = adv
        return adv

    def width(self, text: str, size: float) -> float:
        adv = self._adv
        total = 0.0
        for ch in text:
            a = adv.get(ch)
            if a is None:
                a = self.advance(ch)
            total += a
        return total * size


@lru_cache(maxsize=4)
def metrics(style: str = "sans") -> Metrics:
    return Metrics(style)


def runs(text: str, style: str = "sans") -> list[tuple[str, str]]:
    """Split `text` into (face key, substring) runs; spaces stay with the current run."""
    out: list[tuple[str, str]] = []
    primary = FALLBACK_CHAIN[style][0]
    cur_key: str | None = None
    buf: list[str] = []
    for ch in text:
        if ch.isspace() or ord(ch) in _ZERO_WIDTH:
            key = cur_key or primary
        else:
            key = face_for(ord(ch), style) or primary
        if key != cur_key and buf:
            out.append((cur_key or primary, "".join(buf)))
            buf = []
        cur_key = key
        buf.append(ch)
    if buf:
        out.append((cur_key or primary, "".join(buf)))
    return out
