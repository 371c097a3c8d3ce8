"""Shaping (HarfBuzz) and the visual order of a line (the Unicode bidi algorithm), no Qt.

Arabic letters join, Devanagari forms conjuncts and places its vowel signs, Thai
stacks its marks: `shape` gives the glyphs HarfBuzz (uharfbuzz) picks from the
bundled face and where they go. `visual_runs` cuts a line into runs of one face
and one bidi level (levels from python-bidi, the Rust `unicode-bidi` crate) and
puts them in the order they are seen, left to right, each with the layout's
width: the PDF writer and Qt both draw a line from it, so a Hebrew note with a
number or an English word reads the same on every picture of the map. Both
libraries are imported only when a line needs them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from . import fonts as jfonts

_RTL_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI"})
_LEVEL = re.compile(r"Level\(\s*(\d+)\s*,?\s*\)")


@dataclass(frozen=True)
class Glyph:
    """One shaped glyph; advances and offsets in 1/1000 em."""

    gid: int
    cluster: int  # index in the shaped text of the first character it stands for
    x_advance: float
    y_advance: float
    x_offset: float
    y_offset: float


@cache
def harfbuzz_font(key: str):
    """Bundled face `key` opened once by HarfBuzz, and the scale from its units to 1/1000 em."""
    import uharfbuzz as hb

    blob = hb.Blob(jfonts.font_path(key).read_bytes())
    font = hb.Font(hb.Face(blob))
    return font, 1000.0 / font.face.upem


@lru_cache(maxsize=8192)
def shape(key: str, text: str, rtl: bool = False) -> tuple[Glyph, ...]:
    """`text` shaped in bundled face `key`, glyphs in visual (left to right) order."""
    import uharfbuzz as hb

    font, k = harfbuzz_font(key)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    hb.shape(font, buf, {"kern": True, "liga": True})
    return tuple(Glyph(i.codepoint, i.cluster, p.x_advance * k, p.y_advance * k,
                       p.x_offset * k, p.y_offset * k)
                 for i, p in zip(buf.glyph_infos, buf.glyph_positions, strict=True))


@lru_cache(maxsize=65536)
def shaped_width(key: str, text: str) -> float:
    """The shaped advance of `text` in face `key`, in em."""
    rtl = any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)
    return sum(g.x_advance for g in shape(key, text, rtl)) / 1000


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


_ISOLATES = frozenset({"LRI", "RLI", "FSI"})


def paragraph_rtl(text: str) -> bool:
    """True when `text` is a right-to-left paragraph: its first strong letter
    (skipping what isolates enclose, UAX #9 P2/P3) is R or AL. Taken over the
    whole text of a note, so a wrapped line that starts with "Safari 3" stays in
    the note's direction; no strong letter at all is left to right."""
    return not text.isascii() and _first_strong_rtl(text)


@lru_cache(maxsize=65536)
def _first_strong_rtl(text: str) -> bool:
    if not has_rtl(text):
        return False
    depth = 0
    for ch in text:
        cls = unicodedata.bidirectional(ch)
        if cls in _ISOLATES:
            depth += 1
        elif cls == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and cls in ("L", "R", "AL"):
            return cls != "L"
    return False


@lru_cache(maxsize=16384)
def levels(text: str, rtl: bool | None = None) -> tuple[int, ...]:
    """The resolved bidi embedding level of every character (even: left to right).

    `rtl`: the paragraph's direction (a note's, `paragraph_rtl`), or None for the
    line's own (its first strong letter)."""
    if not rtl and not has_rtl(text):
        return (0,) * len(text)
    from bidi import get_display

    # python-bidi reports the levels of the Rust crate per UTF-8 byte (debug=True).
    report = get_display(text, base_dir=None if rtl is None else "R" if rtl else "L",
                         debug=True)
    start = report.index("levels:")
    per_byte = [int(m) for m in _LEVEL.findall(report, start, report.index("paragraphs:"))]
    out, i = [], 0
    for ch in text:
        out.append(per_byte[i] if i < len(per_byte) else out[-1] if out else 0)
        i += len(ch.encode("utf-8"))
    return tuple(out)


@dataclass(frozen=True)
class VisualRun:
    """Part of a line in one face at one bidi level, in visual order.

    `face` is a bundled face key, or None when no bundled face has the characters
    (renderers look further or draw □). Offsets and widths in em (size 1)."""

    face: str | None
    text: str  # in logical order
    rtl: bool
    dx: float  # from the line's left end
    width: float  # the layout's width of this run


@lru_cache(maxsize=16384)
def visual_runs(text: str, style: str = "sans", rtl: bool | None = None
                ) -> tuple[VisualRun, ...]:
    """The line cut into same-face, same-level runs, placed left to right; `rtl` is
    the direction of the paragraph the line belongs to (None: the line's own)."""
    lv = levels(text, rtl)
    m = jfonts.metrics(style)
    groups: list[tuple[str | None, int, list[str]]] = []
    for ch, level in zip(text, lv, strict=True):
        if ch.isspace() or ord(ch) in jfonts.ZERO_WIDTH:
            key = groups[-1][0] if groups else jfonts.FALLBACK_CHAIN[style][0]
        else:
            key = jfonts.face_for(ord(ch), style)
        if groups and groups[-1][0] == key and groups[-1][1] == level:
            groups[-1][2].append(ch)
        else:
            groups.append((key, level, [ch]))
    runs = [(key, level, "".join(chars)) for key, level, chars in groups]
    if any(level for _, level, _ in runs):  # rule L2: reverse from the highest level down
        top = max(level for _, level, _ in runs)
        lowest_odd = min(level for _, level, _ in runs if level % 2) if any(
            level % 2 for _, level, _ in runs) else top + 1
        for lvl in range(top, lowest_odd - 1, -1):
            i = 0
            while i < len(runs):
                if runs[i][1] >= lvl:
                    j = i
                    while j < len(runs) and runs[j][1] >= lvl:
                        j += 1
                    runs[i:j] = runs[i:j][::-1]
                    i = j
                else:
                    i += 1
    out, x = [], 0.0
    for key, level, chunk in runs:
        w = m.width(chunk, 1.0)
        out.append(VisualRun(key, chunk, level % 2 == 1, x, w))
        x += w
    return tuple(out)
