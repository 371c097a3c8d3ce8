"""Waymark's text in QPainter: the bundled faces registered with Qt, and layout
lines drawn run by run from cached glyphs (split from `qt_paint`, which paints
the elements around them).

Why the fixed reference size: Qt rounds a font's pixel size to an integer when
it loads the font engine, but the layout shrinks note text in 0.5 pt steps.
So every face is loaded once at `REF_PX` pixels (where DejaVu's advances are
exact) and each line is drawn under a scale of `size / REF_PX`. The laid-out
glyphs are cached as `QStaticText` per (text, weight, size), so a frame never
lays text out again. QtGui only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QStaticText,
    QTransform,
)

from journey import fonts as jfonts
from journey.layout import TextLine

REF_PX = 64  # DejaVu has 2048 units/em: at 64 px its advances are exact in 1/64 px


# -- fonts ------------------------------------------------------------------

_FAMILIES: dict[str, str] = {}
_FALLBACK_FAMILIES = {"sans": "DejaVu Sans", "sans-bold": "DejaVu Sans",
                      "cjk": "Droid Sans Fallback", "hangul": "NanumGothic"}


def ensure_fonts() -> dict[str, str]:
    """Register the bundled TTFs with Qt once; returns face key -> family name.

    Needs a QGuiApplication. Registering the very files the layout measured
    keeps Qt's metrics equal to the layout's and the PDF's. The app's family
    (DejaVu Sans) falls back to the bundled script faces — Hebrew, Arabic,
    Devanagari, Thai, Hangul, CJK — so any QFont of it (editors, dialogs) draws
    those scripts from assets/, never from whatever the machine has."""
    if _FAMILIES:
        return _FAMILIES
    if QGuiApplication.instance() is None:
        raise RuntimeError("create a QGuiApplication before painting Waymark text")
    for key in jfonts.FACE_FILES:
        fid = QFontDatabase.addApplicationFont(str(jfonts.font_path(key)))
        families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
        guess = _FALLBACK_FAMILIES.get(key) or "Noto Sans " + key.split("-")[0].title()
        _FAMILIES[key] = families[0] if families else guess
    extra = [_FAMILIES[k] for k in ("hebrew", "arabic", "devanagari", "thai", "hangul", "cjk")]
    QFont.insertSubstitutions(_FAMILIES["sans"], extra)
    return _FAMILIES


_SYSTEM_FAMILIES: dict[str, str] = {}


def _system_family(path: str) -> str | None:
    """A system TrueType file `font_fallback` found, registered with Qt once."""
    if path not in _SYSTEM_FAMILIES:
        fid = QFontDatabase.addApplicationFont(path)
        families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
        _SYSTEM_FAMILIES[path] = families[0] if families else ""
    return _SYSTEM_FAMILIES[path] or None


def face_font(key: str, pixel_size: int = REF_PX) -> QFont:
    """A QFont for a face key: unhinted so advances match the layout; unkerned, except
    in the faces the layout measures shaped (kerning is part of their shaping)."""
    families = ensure_fonts()
    if key.startswith("system:"):
        font = QFont(_system_family(key[7:]) or families["sans"])
    else:
        font = QFont(families.get(key, families["sans"]))
    font.setPixelSize(max(1, pixel_size))
    font.setBold(key.endswith("-bold"))
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(key in jfonts.SHAPED)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


@dataclass(frozen=True)
class TextRun:
    font: QFont
    text: QStaticText
    x: float  # offset from the line's left end, in REF_PX units
    top: float  # -ascent of the face, in REF_PX units


_RUNS: dict[tuple[str, bool, float, bool | None], tuple[TextRun, ...]] = {}
_RUN_CACHE_MAX = 50_000
_REF_FONTS: dict[str, tuple[QFont, float]] = {}


def _ref_font(key: str) -> tuple[QFont, float]:
    hit = _REF_FONTS.get(key)
    if hit is None:
        font = face_font(key)
        hit = (font, QFontMetricsF(font).ascent())
        _REF_FONTS[key] = hit
    return hit


def _static(text: str) -> QStaticText:
    st = QStaticText(text)
    st.setTextFormat(Qt.TextFormat.PlainText)
    st.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    return st


def text_runs(text: str, bold: bool, size: float, rtl: bool | None = None
              ) -> tuple[TextRun, ...]:
    """The cached, laid-out runs of one line (a new size or text lays out once).

    Runs come in visual order (`journey.shaping.visual_runs`), each where the
    layout measured it; Qt shapes inside a run, and a right-to-left run starts
    with RLM so Qt sets it right to left even when it holds only neutrals. A
    character no bundled face has comes from the system font `font_fallback`
    found for the PDF, or is drawn as □ — what the export's warning says. `rtl`:
    the direction of the line's paragraph (`TextLine.rtl`)."""
    key = (text, bold, size, rtl)
    hit = _RUNS.get(key)
    if hit is not None:
        return hit
    if len(_RUNS) >= _RUN_CACHE_MAX:
        _RUNS.clear()
    from journey.shaping import visual_runs

    from .font_fallback import SUBSTITUTE, SystemFace, split_runs

    style = "sans-bold" if bold else "sans"
    out = []
    for vr in visual_runs(text, style, rtl):
        if vr.face is not None:
            font, ascent = _ref_font(vr.face)
            out.append(TextRun(font, _static(("\u200f" if vr.rtl else "") + vr.text),
                               vr.dx * REF_PX, -ascent))
            continue
        for r in split_runs(vr.text, style):
            if isinstance(r.face, SystemFace):
                face_key, chunk = r.face.key, r.drawn
            elif r.face == SUBSTITUTE:
                face_key, chunk = "sans", r.drawn
            else:
                face_key, chunk = r.face, r.drawn
            if chunk:
                font, ascent = _ref_font(face_key)
                out.append(TextRun(font, _static(chunk), (vr.dx + r.dx) * REF_PX, -ascent))
    hit = tuple(out)
    _RUNS[key] = hit
    return hit


def draw_text_lines(painter: QPainter, lines: Iterable[TextLine],
                    colour: QColor | None = None) -> None:
    """Draw layout lines at their baselines, run by run, from the cached glyphs.

    Lines of one size share one painter transform (a note's lines usually do),
    which keeps the per-frame Python work to a call per run."""
    if colour is not None:
        painter.setPen(colour)
    base = painter.transform()
    size = -1.0
    inv = 1.0
    font = None
    for line in lines:
        if not line.text:
            continue
        if line.size != size:
            size = line.size
            k = size / REF_PX
            inv = 1.0 / k
            painter.setTransform(QTransform(k, 0, 0, k, 0, 0) * base)
        x, y = line.x * inv, line.baseline * inv
        for run in text_runs(line.text, line.bold, size, line.rtl):
            if run.font is not font:
                font = run.font
                painter.setFont(font)
            painter.drawStaticText(QPointF(x + run.x, y + run.top), run.text)
    if size >= 0:
        painter.setTransform(base)


def draw_text_line(painter: QPainter, line: TextLine, colour: QColor | None = None) -> None:
    draw_text_lines(painter, (line,), colour)


def line_extent(line: TextLine) -> QRectF:
    """The ink box of a line (for bounding rects)."""
    return QRectF(line.x, line.baseline - line.size * jfonts.ASCENT,
                  line.width, line.size * (jfonts.ASCENT + jfonts.DESCENT))
