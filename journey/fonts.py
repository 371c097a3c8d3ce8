"""Bundled font metrics and per-character font fallback, without Qt.

The layout measures text with the advance widths of the same TrueType files
that the PDF embeds and Qt draws with, so lines break identically everywhere.
Each character is set in the bundled face for its script when it has one
(Noto Sans Hebrew, Arabic, Devanagari and Thai, NanumGothic for Hangul), else in
the first face of the chain that has a glyph for it (DejaVu Sans for Latin,
Greek and Cyrillic; Droid Sans Fallback for Chinese and Japanese), and `runs()`
splits a line into same-face runs for renderers. Text in a face that needs
shaping (`SHAPED`) is measured shaped, with HarfBuzz (`journey.shaping`), so
the layout's widths are those the PDF and Qt draw.
The advance widths come from the font's own tables (head, hhea, maxp, hmtx and
the cmap subtable reportlab's parser would choose, read with `struct`), so they
equal what reportlab's TrueType parser gives the PDF writer, without importing
reportlab (and Pillow, which it imports) at every start; a font whose cmap is
in another format than 4 or 12 is still read with reportlab.
"""

from __future__ import annotations

import struct
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from assets import FONTS_DIR

#: Face key -> file. Order of FALLBACK_CHAIN is the order glyphs are looked up.
FACE_FILES: dict[str, str] = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "cjk": "DroidSansFallbackFull.ttf",
    "hebrew": "NotoSansHebrew-Regular.ttf",
    "hebrew-bold": "NotoSansHebrew-Bold.ttf",
    "arabic": "NotoSansArabic-Regular.ttf",
    "arabic-bold": "NotoSansArabic-Bold.ttf",
    "devanagari": "NotoSansDevanagari-Regular.ttf",
    "devanagari-bold": "NotoSansDevanagari-Bold.ttf",
    "thai": "NotoSansThai-Regular.ttf",
    "thai-bold": "NotoSansThai-Bold.ttf",
    "hangul": "NanumGothic.ttf",
}
FALLBACK_CHAIN: dict[str, tuple[str, ...]] = {
    "sans": ("sans", "cjk", "hangul"),
    "sans-bold": ("sans-bold", "sans", "cjk", "hangul"),
}
#: Faces whose text is shaped (contextual forms, conjuncts, marks) when measured and drawn.
SHAPED = frozenset({"hebrew", "hebrew-bold", "arabic", "arabic-bold", "devanagari",
                    "devanagari-bold", "thai", "thai-bold"})
#: Code point ranges (first, last, script face) set in a script's own face even when
#: DejaVu Sans has glyphs for them: one word in one font, so it joins and shapes.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, "hebrew"), (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"), (0x0900, 0x097F, "devanagari"), (0x0E00, 0x0E7F, "thai"),
    (0x1100, 0x11FF, "hangul"), (0x3130, 0x318F, "hangul"), (0xA8E0, 0xA8FF, "devanagari"),
    (0xA960, 0xA97F, "hangul"), (0xAC00, 0xD7FF, "hangul"), (0xFB1D, 0xFB4F, "hebrew"),
    (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
)
_RANGE_STARTS = [r[0] for r in _SCRIPT_RANGES]
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
        parsed = reportlab_widths(path)
    widths, default_width = parsed
    return FaceMetrics(key, path, widths, default_width)


def reportlab_widths(path: Path) -> tuple[dict[int, float], float]:
    """`read_widths` as reportlab reads them: the fallback, and the check that they agree."""
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
    if fmt == 4:
        glyph_of = _cmap4(data, subtable)
    elif fmt == 12:
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


def _cmap4(data: bytes, sub: int) -> dict[int, int]:
    """Code point -> glyph of a format 4 cmap subtable (segments of the BMP)."""
    seg2 = struct.unpack_from(">H", data, sub + 6)[0]
    ends = struct.unpack_from(f">{seg2 // 2}H", data, sub + 14)
    starts = struct.unpack_from(f">{seg2 // 2}H", data, sub + 16 + seg2)
    deltas = struct.unpack_from(f">{seg2 // 2}h", data, sub + 16 + 2 * seg2)
    ro_at = sub + 16 + 3 * seg2
    offsets = struct.unpack_from(f">{seg2 // 2}H", data, ro_at)
    out: dict[int, int] = {}
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if start == 0xFFFF:
            continue
        for cp in range(start, end + 1):
            if offsets[i] == 0:
                gid = (cp + deltas[i]) & 0xFFFF
            else:
                at = ro_at + 2 * i + offsets[i] + 2 * (cp - start)
                gid = struct.unpack_from(">H", data, at)[0]
                if gid:
                    gid = (gid + deltas[i]) & 0xFFFF
            out[cp] = gid
    return out


#: Joiners, the word joiner and variation selectors: drawn as nothing, so they need no
#: face and no width (the layout, the PDF and Qt's fallback all read this one set).
ZERO_WIDTH = frozenset({0x200B, 0x200C, 0x200D, 0x2060, 0xFE0E, 0xFE0F})


def script_face(cp: int, style: str = "sans") -> str | None:
    """The bundled face of `cp`'s script (Hebrew, Arabic, …), if it has one."""
    i = bisect_right(_RANGE_STARTS, cp) - 1
    if i < 0 or cp > _SCRIPT_RANGES[i][1]:
        return None
    key = _SCRIPT_RANGES[i][2]
    if style == "sans-bold" and key + "-bold" in FACE_FILES:
        key += "-bold"
    return key


def face_for(cp: int, style: str = "sans") -> str | None:
    """The script's own face or the first face in the style's chain with a glyph for
    `cp` (None: no bundled face has one)."""
    chain = FALLBACK_CHAIN[style]
    if cp < 0x0590:  # Latin, Greek, Cyrillic: the common case first
        if cp in face(chain[0]).widths:
            return chain[0]
    else:
        key = script_face(cp, style)
        if key is not None and cp in face(key).widths:
            return key
    for key in chain:
        if cp in face(key).widths:
            return key
    return None


def missing_chars(text: str, style: str = "sans") -> list[str]:
    """Characters no bundled face can draw (renderers substitute U+FFFD-like boxes)."""
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in ZERO_WIDTH
                   and face_for(ord(ch), style) is None})


class Metrics:
    """Measures strings in points; caches per-character advances. A string with
    characters of a shaped face (Arabic, Devanagari …) is measured shaped."""

    def __init__(self, style: str = "sans") -> None:
        self.style = style
        self._adv: dict[str, float] = {}
        self._shaped: set[str] = set()  # characters set in a face of SHAPED

    def advance(self, ch: str) -> float:
        """Advance of one character at size 1 (in em)."""
        adv = self._adv.get(ch)
        if adv is None:
            cp = ord(ch)
            if cp in ZERO_WIDTH:
                adv = 0.0
            else:
                key = face_for(cp, self.style)
                f = face(key or FALLBACK_CHAIN[self.style][0])
                adv = f.widths.get(cp, f.default_width) / 1000.0
                if key in SHAPED:
                    self._shaped.add(ch)
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
        if self._shaped and not self._shaped.isdisjoint(text):
            return self._shaped_width(text) * size
        return total * size

    def _shaped_width(self, text: str) -> float:
        from .shaping import shaped_width

        total = 0.0
        for key, chunk in runs(text, self.style):
            if key in SHAPED:
                total += shaped_width(key, chunk)
            else:
                total += sum(self.advance(ch) for ch in chunk)
        return total


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
        if ch.isspace() or ord(ch) in ZERO_WIDTH:
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
