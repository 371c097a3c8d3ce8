"""Which font draws each character of a PDF text line, and what to do when none can.

The layout measures with the bundled faces (`journey.fonts`: Latin, Greek,
Cyrillic, CJK, Hangul, Hebrew, Arabic, Devanagari, Thai). A character none of
them covers (Ethiopic, Georgian, math letters, colour emoji …) is looked up
among the system's fonts with fontconfig (`fc-list :charset=…`); only
TrueType-outline files qualify, because reportlab embeds `glyf` fonts and
rejects CFF (`.otf`) and bitmap-colour (CBDT emoji) ones. A character no font
can draw is replaced by a visible WHITE SQUARE (U+25A1) from DejaVu Sans and
reported, never dropped in silence.

A run set in another font than the one the layout measured is squeezed or
stretched horizontally (PDF `Tz`) to the layout's width, so lines keep the
geometry every renderer shares and never spill out of their note. The PNG
painter (`qt_text.text_runs`) draws from the same system file, or □, so the
export's warning is true of both.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from journey import fonts as jfonts

SUBSTITUTE = "\u25a1"  # □, drawn in place of a character no font has
MAX_LOOKUPS = 256  # fontconfig calls per process: a note of 5,000 emoji stays fast


@dataclass(frozen=True)
class SystemFace:
    """A system TrueType font that covers characters the bundled faces lack."""

    path: Path
    widths: dict[int, float]  # code point -> advance in 1/1000 em (covered glyphs only)

    @property
    def key(self) -> str:
        return f"system:{self.path}"


@cache
def _load_face(path: str) -> SystemFace | None:
    """The face if reportlab can embed it (TrueType outlines, embedding allowed)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    try:
        ttf = TTFontFile(path)
    except Exception:  # CFF outlines, bitmap-only, embedding forbidden, unreadable
        return None
    covered = {cp for cp, gid in ttf.charToGlyph.items() if gid}
    widths = {cp: float(w) for cp, w in ttf.charWidths.items() if cp in covered}
    return SystemFace(Path(path), widths) if widths else None


def _rank(line: str) -> tuple[int, int, int]:
    """Prefer regular, sans-serif, proportional faces (closest to DejaVu Sans)."""
    path, _, style = line.partition("|")
    name = Path(path).name.lower()
    return (0 if style.lower() in ("regular", "book", "") else 1,
            0 if "sans" in name else 1, 1 if "mono" in name else 0)


class _Finder:
    def __init__(self) -> None:
        self.lookups = 0
        self.faces: list[SystemFace] = []
        self.by_cp: dict[int, SystemFace | None] = {}
        self.fc_list = shutil.which("fc-list")

    def face_for(self, cp: int) -> SystemFace | None:
        hit = self.by_cp.get(cp, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        face = next((f for f in self.faces if cp in f.widths), None)
        if face is None and self.fc_list and self.lookups < MAX_LOOKUPS:
            self.lookups += 1
            face = self._ask_fontconfig(cp)
        self.by_cp[cp] = face
        return face

    def _ask_fontconfig(self, cp: int) -> SystemFace | None:
        try:
            out = subprocess.run(
                [self.fc_list, f":charset={cp:x}", "--format", "%{file}|%{style[0]}\n"],
                capture_output=True, text=True, timeout=10, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        candidates = sorted((ln for ln in out.splitlines()
                             if ln.split("|", 1)[0].lower().endswith(".ttf")), key=_rank)
        for line in candidates:
            face = _load_face(line.split("|", 1)[0])
            if face is not None and cp in face.widths:
                self.faces.append(face)
                return face
        return None


_FINDER = _Finder()


def system_face_for(cp: int) -> SystemFace | None:
    return _FINDER.face_for(cp)


def resolve(ch: str, style: str = "sans") -> str | SystemFace | None:
    """A bundled face key, a system face, or None (no font can draw `ch`)."""
    cp = ord(ch)
    key = jfonts.face_for(cp, style)
    if key is not None:
        return key
    return system_face_for(cp)


def is_invisible(ch: str) -> bool:
    return ch.isspace() or ord(ch) in jfonts.ZERO_WIDTH


def missing_chars(text: str, style: str = "sans") -> list[str]:
    """Characters that neither a bundled nor a system font can draw."""
    return sorted({ch for ch in text if not is_invisible(ch) and resolve(ch, style) is None})


@dataclass(frozen=True)
class Run:
    """Part of a line set in one font: `face` is a bundled key, a SystemFace or
    SUBSTITUTE (the chars are drawn as □). Offsets and widths in em (size 1)."""

    face: str | SystemFace
    text: str
    dx: float  # from the line's left end, as the layout measured
    width: float  # the layout's width of this run
    drawn: str  # what is actually drawn (□ for missing characters)
    drawn_width: float  # the drawn text's natural width in the drawn font


def split_runs(text: str, style: str = "sans") -> list[Run]:
    """The line cut into same-font runs, each with the layout's offset and width."""
    m = jfonts.metrics(style)
    groups: list[tuple[str | SystemFace, list[str]]] = []
    for ch in text:
        if is_invisible(ch):
            target = groups[-1][0] if groups else jfonts.FALLBACK_CHAIN[style][0]
        else:
            target = resolve(ch, style) or SUBSTITUTE
        if groups and groups[-1][0] == target:
            groups[-1][1].append(ch)
        else:
            groups.append((target, [ch]))
    out: list[Run] = []
    x = 0.0
    sq = jfonts.face("sans").widths.get(ord(SUBSTITUTE), 600.0) / 1000
    for target, chars in groups:
        chunk = "".join(chars)
        w = m.width(chunk, 1.0)
        if isinstance(target, SystemFace):
            drawn = "".join(c for c in chunk if ord(c) not in jfonts.ZERO_WIDTH)
            dw = sum(target.widths.get(ord(c), 0.0) for c in drawn) / 1000
        elif target == SUBSTITUTE:
            drawn = "".join(SUBSTITUTE if not is_invisible(c) else (" " if c.isspace() else "")
                            for c in chunk)
            space = jfonts.face("sans").widths.get(32, 318.0) / 1000
            dw = sum(sq if c == SUBSTITUTE else space for c in drawn)
        else:
            face = jfonts.face(target)
            drawn = "".join(c for c in chunk if ord(c) not in jfonts.ZERO_WIDTH or ord(c) in face.widths)
            dw = w
        out.append(Run(target, chunk, x, w, drawn, dw))
        x += w
    return out
