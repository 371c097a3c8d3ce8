"""Paragraph styles and user text as reportlab markup, in the bundled faces only.

Every paragraph of the report sets its text run by run in the face
`journey.fonts` picks (DejaVu Sans; Droid Sans Fallback for Chinese and
Japanese), escaped, so a note like ``<b>&</b>`` prints as typed and no
standard-14 font is ever referenced. CJK paragraphs wrap between characters.
User text in a script that needs the bidi algorithm or shaping (Hebrew, Arabic,
Devanagari, Thai) is a `ScriptParagraph` instead: wrapped with the layout's
metrics and drawn line by line like the poster (`pdf_shaping`), since
reportlab's paragraphs lay such text out left to right and unshaped.
"""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.platypus import Flowable, Paragraph

from journey.fonts import SHAPED, runs
from journey.shaping import has_rtl, paragraph_rtl
from journey.text import wrap

from .pdf_fonts import fix_text_layer, register_fonts
from .pdf_shaping import draw_line, pdf_line
from .report_charts import INK, MUTED, NAVY


def rich(text: str, bold: bool = False) -> str:
    """User text as Paragraph markup: escaped, line breaks kept, each run in its face."""
    fonts = register_fonts()
    primary = "sans-bold" if bold else "sans"
    out = []
    for face, s in runs((text or "").replace("\r\n", "\n").replace("\t", " "), primary):
        s = escape(s).replace("\n", "<br/>")
        out.append(s if face == primary else f'<font face="{fonts[face]}">{s}</font>')
    return "".join(out)


def toc_text(plain: str) -> str:
    """A heading for the table of contents, which reportlab sets with its own paragraphs,
    left to right: right-to-left text goes in already in visual order (the bidi
    algorithm), so Hebrew reads right and extracts in logical order; Arabic there
    stays unjoined."""
    if not has_rtl(plain):
        return plain
    from bidi import get_display

    return get_display(plain)


def has_cjk(text: str) -> bool:
    return any(face == "cjk" for face, _ in runs(text or ""))


@cache
def styles() -> dict[str, ParagraphStyle]:
    f = register_fonts()
    for name in f.values():
        bold = f["sans-bold"] if name == f["sans"] else name
        registerFontFamily(name, normal=name, bold=bold, italic=name, boldItalic=bold)
    base = ParagraphStyle("body", fontName=f["sans"], bulletFontName=f["sans"],
                          fontSize=9.5, leading=13.5,
                          textColor=colors.HexColor(INK), alignment=TA_LEFT, spaceAfter=4)
    s = {
        "body": base,
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.HexColor(MUTED)),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontName=f["sans-bold"],
                                   fontSize=8, leading=10, spaceAfter=0,
                                   textColor=colors.white),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2,
                                 spaceAfter=2.5),
        "lane": ParagraphStyle("lane", parent=base, fontName=f["sans-bold"], fontSize=9.5,
                               spaceBefore=6, spaceAfter=2, keepWithNext=1,
                               textColor=colors.HexColor(NAVY)),
        "h1": ParagraphStyle("h1", parent=base, fontName=f["sans-bold"], fontSize=18,
                             leading=22, spaceAfter=10, keepWithNext=1,
                             textColor=colors.HexColor(NAVY)),
        "h2": ParagraphStyle("h2", parent=base, fontName=f["sans-bold"], fontSize=13,
                             leading=16, spaceBefore=10, spaceAfter=6, keepWithNext=1,
                             textColor=colors.HexColor(NAVY)),
        "h3": ParagraphStyle("h3", parent=base, fontName=f["sans-bold"], fontSize=10.5,
                             leading=13, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "title": ParagraphStyle("title", parent=base, fontName=f["sans-bold"], fontSize=30,
                                leading=36, spaceAfter=12, textColor=colors.HexColor(NAVY)),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=18,
                                   spaceAfter=24, textColor=colors.HexColor(MUTED)),
        "quote": ParagraphStyle("quote", parent=base, fontSize=12, leading=16, leftIndent=14,
                                spaceBefore=4, spaceAfter=10,
                                textColor=colors.HexColor(NAVY)),
        "toc0": ParagraphStyle("toc0", parent=base, fontName=f["sans-bold"], fontSize=10.5,
                               leading=14, spaceBefore=5),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=9, leading=12, leftIndent=14),
    }
    return s


def para(markup: str, style: str = "body", cjk: bool = False, **kw) -> Paragraph:
    st = styles()[style]
    if cjk:  # break between CJK characters, which have no spaces to wrap at
        st = ParagraphStyle(st.name + "-cjk", parent=st, wordWrap="CJK")
    return Paragraph(markup, st, **kw)


def needs_shaping(text: str) -> bool:
    """True when reportlab's Paragraph would print `text` wrongly (RTL or shaped)."""
    return bool(text) and (has_rtl(text) or any(face in SHAPED for face, _ in runs(text)))


def text(value: str, style: str = "body", bold: bool = False, prefix: str = "",
         suffix: str = "", **kw) -> Flowable:
    """A paragraph of user text (escaped), with optional trusted markup around it."""
    if needs_shaping(value) and "<" not in prefix:
        return ScriptParagraph(prefix + value, styles()[style], bold, suffix,
                               kw.get("bulletText"))
    return para(prefix + rich(value, bold) + suffix, style, has_cjk(value), **kw)


class ScriptParagraph(Flowable):
    """User text laid out like a note on the poster: wrapped with the layout's metrics,
    each line shaped and in visual order; right-aligned when the text is right to left.
    Trusted markup after it (votes, author, tags) follows as a Paragraph of its own."""

    def __init__(self, value: str, style: ParagraphStyle, bold: bool = False,
                 suffix: str = "", bullet: str | None = None,
                 lines: list[str] | None = None) -> None:
        super().__init__()
        self.value, self.style, self.bold, self.bullet = value, style, bold, bullet
        self.suffix = suffix
        self.rtl = paragraph_rtl(value)  # the first strong letter's, for every line
        self._lines = lines
        self._tail: Paragraph | None = None
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter

    def _text_width(self, aw: float) -> float:
        return max(10.0, aw - self.style.leftIndent - self.style.rightIndent)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        st = self.style
        face = "sans-bold" if self.bold else "sans"
        if self._lines is None:
            self._lines = [ln for ln in wrap(self.value, self._text_width(aw), st.fontSize,
                                             face)] or [""]
        h = len(self._lines) * st.leading
        if self.suffix.strip():
            tail_style = ParagraphStyle(st.name + "-tail", parent=st, spaceBefore=0,
                                        spaceAfter=0)
            self._tail = Paragraph(self.suffix.strip(), tail_style)
            h += self._tail.wrap(aw, ah)[1]
        self.width, self.height = aw, h
        return aw, h

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self.wrap(aw, ah)
        n = int(ah // self.style.leading)
        if n <= 0 or n >= len(self._lines or []):
            return []
        lines = self._lines or []
        return [ScriptParagraph(self.value, self.style, self.bold, "", self.bullet, lines[:n]),
                ScriptParagraph(self.value, self.style, self.bold, self.suffix, None,
                                lines[n:])]

    def draw(self) -> None:
        fix_text_layer()
        st, c = self.style, self.canv
        fonts = register_fonts()
        avail = self._text_width(self.width)
        from journey.fonts import metrics

        m = metrics("sans-bold" if self.bold else "sans")
        top = self.height
        if self.bullet:
            t = c.beginText()
            t.setFillColor(st.textColor)
            t.setTextOrigin(st.bulletIndent, top - st.fontSize)
            t.setFont(fonts["sans"], st.fontSize)
            t.textOut(self.bullet)
            c.drawText(t)
        t = c.beginText()
        t.setFillColor(st.textColor)
        for i, line in enumerate(self._lines or []):
            if not line:
                continue
            x = st.leftIndent
            if self.rtl:
                x += max(0.0, avail - m.width(line, st.fontSize))
            draw_line(t, pdf_line(line, self.bold, self.rtl), x,
                      top - st.fontSize - i * st.leading, st.fontSize)
        c.drawText(t)
        if self._tail is not None:
            self._tail.drawOn(c, 0, 0)


class Heading(Paragraph):
    """A heading that goes in the contents (level 0/1) and the PDF outline."""

    def __init__(self, value: str, level: int, style: str | None = None,
                 toc: bool = True) -> None:
        self.plain = " ".join(value.split())
        self.level = level
        self.toc = toc
        st = styles()[style or ("h1" if level == 0 else "h2")]
        if has_cjk(value):
            st = ParagraphStyle(st.name + "-cjk", parent=st, wordWrap="CJK")
        super().__init__(rich(self.plain, True), st)
        # Hebrew, Arabic, Devanagari … are set like user text; the TOC keeps the markup.
        self._script = ScriptParagraph(self.plain, st, True) if needs_shaping(self.plain) \
            else None

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        if self._script is not None:
            self.width, self.height = self._script.wrap(aw, ah)
            return self.width, self.height
        return super().wrap(aw, ah)

    def draw(self) -> None:
        if self._script is None:
            super().draw()
            return
        self._script.canv = self.canv
        self._script.draw()

    def split(self, aw: float, ah: float) -> list:
        return []  # a heading moves to the next page whole, keeping its TOC entry intact


def table_style(*commands: tuple) -> list[tuple]:
    """Table commands that start with a bundled font: reportlab sets each cell's
    font (Helvetica by default) even when the cell holds a Paragraph."""
    return [("FONTNAME", (0, 0), (-1, -1), register_fonts()["sans"]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands]

