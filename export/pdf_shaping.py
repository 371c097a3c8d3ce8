"""PDF text lines in visual order, shaped, whose text layer reads back in logical order.

`journey.shaping` gives each line's runs left to right and HarfBuzz's glyphs for
them; here they become reportlab `ShapedStr`s (glyph positions as TJ
adjustments and rises) in the bundled faces registered by `pdf_fonts`.

What a reader copies or searches must be the text as typed, not glyphs:
- a glyph the font's cmap gives for exactly the one character it stands for
  keeps that character's code;
- any other glyph (an Arabic joined form, a lam-alef ligature, a Devanagari
  conjunct, a mark moved by shaping) gets a private-use code of its own whose
  ToUnicode entry is the text of its cluster (`TO_UNICODE`, written by
  `pdf_fonts.to_unicode_cmap`), so Arabic extracts as base letters, not
  presentation forms;
- right-to-left runs are drawn in visual order as every PDF writer draws them
  and readers (poppler, pdf.js, Acrobat) put them back in logical order, so a
  ligature's text is stored reversed too;
- a left-to-right run whose glyphs are not its characters in order (Devanagari
  vowel signs drawn before their consonant, Thai SARA AM drawn as two glyphs) is wrapped in a marked-content span
  with /ActualText, the logical text, which readers use instead of the glyphs.
Each run is squeezed or stretched (Tz) to the layout's width, which the layout
measured shaped too, so the scale stays near 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass

from journey import fonts as jfonts
from journey.shaping import harfbuzz_font, shape, visual_runs
from paint.font_fallback import SUBSTITUTE, SystemFace, is_invisible, split_runs

from .pdf_fonts import fix_text_layer, register_fonts

#: Private-use code -> the text its glyph stands for ("" for the second and later
#: glyphs of a cluster: the first carries the cluster's text).
TO_UNICODE: dict[int, str] = {}
_CODES: dict[tuple[str, int, str], int] = {}
_NEXT = [0xF0000]  # plane 15 private use: never a character of a note's text


@dataclass(frozen=True)
class PdfRun:
    font: str  # registered reportlab font name
    drawn: str  # what textOut draws: a str or a ShapedStr
    dx: float  # from the line's left end, em
    hscale: float  # horizontal scale, percent
    actual: str | None = None  # /ActualText of the run, when its glyphs are out of order


@dataclass
class PdfLine:
    exact: bool  # one plain run at the line's origin: no per-run positioning needed
    runs: list[PdfRun]
    missing: set[str]  # drawn as □
    fallback: set[str]  # system font files used


def _code(font_name: str, key: str, gid: int, text: str) -> int:
    """The code that draws glyph `gid` of the font and reads back as `text`."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font_name).face
    if len(text) == 1 and face.charToGlyph.get(ord(text)) == gid:
        return ord(text)
    hit = _CODES.get((font_name, gid, text))
    if hit is None:
        while _NEXT[0] in face.charToGlyph:
            _NEXT[0] += 1
        hit = _NEXT[0]
        _NEXT[0] += 1
        hb_font, k = harfbuzz_font(key)
        face.charToGlyph[hit] = gid
        face.charWidths[hit] = hb_font.get_glyph_h_advance(gid) * k
        TO_UNICODE[hit] = text
        _CODES[(font_name, gid, text)] = hit
    return hit


def shaped(key: str, font_name: str, text: str,
           rtl: bool) -> tuple[str, float, float, str | None]:
    """(ShapedStr, its width in em, the space before its first glyph in em, /ActualText
    or None) of `text` in face `key`. Spaces become room, not glyphs: readers put
    their own spaces at the gaps, where their bidi reordering expects them."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

    fix_text_layer()  # the private-use codes need our ToUnicode CMap
    glyphs = shape(key, text, rtl)
    starts = sorted({g.cluster for g in glyphs}) + [len(text)]
    end_of = dict(zip(starts, starts[1:], strict=False))
    widths = pdfmetrics.getFont(font_name).face.charWidths
    chars, data, seen, read = [], [], set(), []
    lead = 0.0
    for g in glyphs:
        t = text[g.cluster:end_of[g.cluster]] if g.cluster not in seen else ""
        seen.add(g.cluster)
        read.append(t)
        if t.isspace():
            if data:
                data[-1] = data[-1]._replace(x_advance=data[-1].x_advance + g.x_advance)
            else:
                lead += g.x_advance
            continue
        cp = _code(font_name, key, g.gid, t[::-1] if rtl else t)
        chars.append(chr(cp))
        data.append(ShapeData(g.cluster, g.x_advance, g.y_advance, g.x_offset, g.y_offset,
                              widths.get(cp, 0)))
    width = sum(g.x_advance for g in glyphs) / 1000
    actual = None if rtl or ("".join(read) == text and "" not in read) else text
    return ShapedStr("".join(chars), shapeData=data), width, lead / 1000, actual


def _system_font(face: SystemFace) -> str:
    """Register a system TrueType font with reportlab once; returns its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"Waymark-Fallback-{face.path.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(face.path)))
    return name


def _scale(width: float, drawn: float) -> float:
    if drawn > 0 and abs(drawn - width) > 1e-3 * max(1.0, width):
        return max(40.0, min(250.0, 100 * width / drawn))
    return 100.0


def pdf_line(text: str, bold: bool, rtl: bool | None = None) -> PdfLine:
    """How to draw one layout line: runs left to right, each in its font and place.

    `rtl`: the direction of the paragraph the line belongs to (`TextLine.rtl`;
    None: the line's own), which orders "Safari 3" and a Hebrew word on it."""
    fonts = register_fonts()
    style = "sans-bold" if bold else "sans"
    if text.isascii() and not rtl:  # the primary face covers ASCII: no lookup, no shaping
        return PdfLine(True, [PdfRun(fonts[style], text, 0.0, 100.0)], set(), set())
    out = PdfLine(False, [], set(), set())
    for vr in visual_runs(text, style, rtl):
        if vr.face is not None and (vr.rtl or vr.face in jfonts.SHAPED):
            drawn, w, lead, actual = shaped(vr.face, fonts[vr.face], vr.text, vr.rtl)
            if drawn:
                hs = _scale(vr.width, w)
                out.runs.append(PdfRun(fonts[vr.face], drawn, vr.dx + lead * hs / 100, hs,
                                       actual))
            continue
        if vr.face is not None:
            face = jfonts.face(vr.face)
            drawn = "".join(c for c in vr.text
                            if ord(c) not in jfonts.ZERO_WIDTH or ord(c) in face.widths)
            out.runs.append(PdfRun(fonts[vr.face], drawn, vr.dx, 100.0))
            continue
        for r in split_runs(vr.text, style):  # no bundled face: a system font or □
            if isinstance(r.face, SystemFace):
                font = _system_font(r.face)
                out.fallback.add(str(r.face.path))
            elif r.face == SUBSTITUTE:
                font = fonts["sans"]
                out.missing.update(ch for ch in r.text if not is_invisible(ch))
            else:
                font = fonts[r.face]
            if r.drawn:
                out.runs.append(PdfRun(font, r.drawn, vr.dx + r.dx,
                                       _scale(r.width, r.drawn_width)))
    return out


def _utf16be(text: str) -> str:
    return "".join(f"{b:02X}" for b in text.encode("utf-16-be"))


def draw_line(t, line: PdfLine, x: float, y: float, size: float) -> None:
    """Draw `line` into reportlab text object `t` with its left end at (x, y)."""
    if line.exact:
        t.setTextOrigin(x, y)
        for run in line.runs:
            t.setFont(run.font, size)
            t.textOut(run.drawn)
        return
    for run in line.runs:
        t.setTextOrigin(x + run.dx * size, y)
        t.setFont(run.font, size)
        if run.actual is not None:
            t._code.append(f"/Span <</ActualText <FEFF{_utf16be(run.actual)}>>> BDC")
        if run.hscale != 100.0:
            t.setHorizScale(run.hscale)
        t.textOut(run.drawn)
        if run.hscale != 100.0:
            t.setHorizScale(100)
        if run.actual is not None:
            t._code.append("EMC")
