"""Paragraph styles and user text as reportlab markup, in the bundled faces only.

Every paragraph of the report sets its text run by run in the face
`journey.fonts` picks (DejaVu Sans; Droid Sans Fallback for Chinese and
Japanese), escaped, so a note like ``<b>&</b>`` prints as typed and no
standard-14 font is ever referenced. CJK paragraphs wrap between characters.
"""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.platypus import Paragraph

from journey.fonts import runs

from .pdf_fonts import register_fonts
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


def text(value: str, style: str = "body", bold: bool = False, prefix: str = "",
         suffix: str = "", **kw) -> Paragraph:
    """A paragraph of user text (escaped), with optional trusted markup around it."""
    return para(prefix + rich(value, bold) + suffix, style, has_cjk(value), **kw)


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

    def split(self, aw: float, ah: float) -> list:
        return []  # a heading moves to the next page whole, keeping its TOC entry intact


def table_style(*commands: tuple) -> list[tuple]:
    """Table commands that start with a bundled font: reportlab sets each cell's
    font (Helvetica by default) even when the cell holds a Paragraph."""
    return [("FONTNAME", (0, 0), (-1, -1), register_fonts()["sans"]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands]

