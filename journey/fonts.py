"""Bundled font metrics and per-character font fallback, without Qt.

The layout measures text with the advance widths of the same TrueType files
that the PDF embeds and Qt draws with, so lines break identically everywhere.
Each character is set in the first bundled face that has a glyph for it
(DejaVu Sans for Latin, Greek and Cyrillic; Droid Sans Fallback for Chinese
and Japanese), and `runs()` splits a line into same-face runs for renderers.
The font tables are read with reportlab's TrueType parser (pure data, no PDF).
"""

from __future__ import annotations

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
    from reportlab.pdfbase.ttfonts import TTFontFile

    path = font_path(key)
    ttf = TTFontFile(str(path))
    widths = {cp: float(w) for cp, w in ttf.charWidths.items()}
    # Characters mapped to glyph 0 (.notdef) are not really covered.
    covered = {cp for cp, gid in ttf.charToGlyph.items() if gid}
    widths = {cp: w for cp, w in widths.items() if cp in covered}
    return FaceMetrics(key, path, widths, float(ttf.defaultWidth))


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
