"""The workshop report as a PDF (reportlab platypus), A4 or US Letter.

Cover; contents with page numbers; summary; personas; per map an overview
figure of the whole map (vector, drawn by the poster's painter from the same
layout), the emotion curve and a section per stage; the current vs future
comparison; the action plan with its impact/effort matrix; an appendix of
every note. Running header and "page N of M" on every page but the cover.

Only the bundled TrueType faces are used and embedded: every paragraph sets
its text run by run in the face `journey.fonts` picks (DejaVu Sans, Droid Sans
Fallback for Chinese and Japanese), tables get explicit fonts and the canvas
starts in DejaVu, so no standard-14 font is referenced. All user text is
escaped. Tables repeat their header and split inside rows, so a 10,000
character note flows over pages instead of failing the export.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, IndexingFlowable, PageTemplate, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents
from sqlmodel import Session as Db

from journey.errors import WaymarkError
from journey.fonts import missing_chars
from journey.layout import layout_map
from storage.atomic import write_bytes_atomic

from .pdf_fonts import register_fonts
from .photo_check import photo_warning, usable_photo
from .poster_pdf import ExportCancelled
from .report_charts import MUTED, NAVY, draw_text, fit_line
from .report_model import ReportModel, build_report_model
from .report_story import build_story
from .report_text import Heading, rich, styles, table_style, toc_text

Progress = Callable[[float], bool | None]
PAPERS = {"a4": A4, "letter": LETTER}
MARGIN = 18 * mm
LINE = "#D5DBE1"


@dataclass
class ReportResult:
    path: Path
    pages: int
    paper: str
    headings: list[tuple[int, str, int]] = field(default_factory=list)  # (level, text, page)
    missing_chars: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # one line each, for the user


class _PageCount(IndexingFlowable):
    """Invisible; keeps multiBuild going until "page N of M" knows the final M."""

    def __init__(self, doc: ReportDoc) -> None:
        super().__init__()
        self.doc = doc
        self._ok = False

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass

    def beforeBuild(self) -> None:
        self.doc.headings = []

    def afterBuild(self) -> None:
        self._ok = self.doc.total_pages == self.doc.page
        self.doc.total_pages = self.doc.page

    def isSatisfied(self) -> bool:
        return self._ok


# -- the document ---------------------------------------------------------------------

class ReportDoc(BaseDocTemplate):
    def __init__(self, target, paper: tuple[float, float], model: ReportModel,
                 report: Callable[[float], None]) -> None:
        names = register_fonts()
        super().__init__(target, pagesize=paper, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN + 8, bottomMargin=MARGIN + 4,
                         initialFontName=names["sans"], initialFontSize=10,
                         title=f"{model.session.title} — workshop report",
                         author=model.session.facilitator or "", creator="Waymark",
                         subject="Customer journey workshop report")
        self.model = model
        self.report = report
        self.total_pages = 0
        self.chapter = ""
        self.headings: list[tuple[int, str, int]] = []
        self._flowables_done = 0
        self.passes = 0
        w, h = paper
        lw, lh = landscape(paper)
        portrait = Frame(MARGIN, MARGIN + 4, w - 2 * MARGIN, h - 2 * MARGIN - 12, id="body",
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        wide = Frame(MARGIN, MARGIN + 4, lw - 2 * MARGIN, lh - 2 * MARGIN - 12, id="wide",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover = Frame(MARGIN + 10 * mm, MARGIN, w - 2 * MARGIN - 20 * mm,
                      h - 2 * MARGIN - 40 * mm, id="cover")
        self.addPageTemplates([
            PageTemplate("cover", [cover], onPage=self._cover_page, pagesize=paper),
            PageTemplate("body", [portrait], onPageEnd=self._furniture, pagesize=paper),
            PageTemplate("wide", [wide], onPageEnd=self._furniture, pagesize=(lw, lh)),
        ])

    # -- page furniture -----------------------------------------------------------
    def _cover_page(self, c, doc) -> None:
        w, h = c._pagesize
        c.saveState()
        c.setFillColor(NAVY)
        c.rect(0, h - 28 * mm, w, 28 * mm, stroke=0, fill=1)
        draw_text(c, MARGIN + 10 * mm, h - 17 * mm, "WORKSHOP REPORT", 11, bold=True,
                  colour="#FFFFFF")
        c.setFillColor(NAVY)
        c.rect(0, 0, w, 6 * mm, stroke=0, fill=1)
        c.restoreState()

    def _furniture(self, c, doc) -> None:
        w, h = c._pagesize
        c.saveState()
        c.setStrokeColor(LINE)
        c.setLineWidth(0.5)
        top = h - MARGIN + 2
        c.line(MARGIN, top - 4, w - MARGIN, top - 4)
        half = (w - 2 * MARGIN) / 2 - 10
        draw_text(c, MARGIN, top, fit_line(self.model.session.title, half, 8, True), 8,
                  bold=True, colour=MUTED)
        if self.chapter:
            draw_text(c, w - MARGIN, top, fit_line(self.chapter, half, 8), 8, anchor="end",
                      colour=MUTED)
        c.line(MARGIN, MARGIN - 2, w - MARGIN, MARGIN - 2)
        total = f" of {self.total_pages}" if self.total_pages >= self.page else ""
        draw_text(c, w - MARGIN, MARGIN - 12, f"Page {self.page}{total}", 8, anchor="end",
                  colour=MUTED)
        meta = " · ".join(x for x in (self.model.session.date, "Made with Waymark") if x)
        draw_text(c, MARGIN, MARGIN - 12, meta, 8, colour=MUTED)
        c.restoreState()

    # -- headings, outline and contents --------------------------------------------
    def beforeDocument(self) -> None:
        self.passes += 1
        self._flowables_done = 0
        self.chapter = ""

    def afterFlowable(self, flowable) -> None:
        self._flowables_done += 1
        if self._flowables_done % 25 == 0:
            self.report(min(0.95, 0.1 + 0.3 * (self.passes - 1)
                            + 0.3 * self._flowables_done / max(1, self._story_len)))
        if not isinstance(flowable, Heading):
            return
        if flowable.level == 0:
            self.chapter = flowable.plain
        if not flowable.toc:
            return
        key = f"h{len(self.headings)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.plain, key, flowable.level, closed=flowable.level > 0)
        self.headings.append((flowable.level, flowable.plain, self.page))
        self.notify("TOCEntry", (flowable.level, rich(toc_text(flowable.plain)), self.page,
                                 key))

    _story_len = 1


def _toc() -> TableOfContents:
    st = styles()
    toc = TableOfContents(levelStyles=[st["toc0"], st["toc1"]], dotsMinLevel=0,
                          tableStyle=TableStyle(table_style(
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0))))
    return toc


# -- export ---------------------------------------------------------------------

def export_report_pdf(db: Db, session_id: str, path: str | os.PathLike[str],
                      paper: str = "A4", progress: Progress | None = None) -> ReportResult:
    """Write the session's workshop report to `path` (atomically).

    `paper` is "A4" or "letter"; `progress(fraction)` is called along the way
    and may return False to cancel (raises ExportCancelled, nothing written)."""
    size = PAPERS.get((paper or "").strip().casefold())
    if size is None:
        raise WaymarkError(f"unknown paper {paper!r}: use A4 or letter")

    def report(fraction: float) -> None:
        if progress is not None and progress(min(1.0, max(0.0, fraction))) is False:
            raise ExportCancelled("export cancelled")

    report(0.0)
    model = build_report_model(db, session_id)
    layouts = {rep.data.map.id: layout_map(rep.data) for rep in model.maps}
    report(0.1)
    buf = io.BytesIO()
    doc = ReportDoc(buf, size, model, report)
    story = build_story(model, layouts, doc, _toc())
    story.append(_PageCount(doc))
    doc._story_len = len(story)
    doc.multiBuild(story)
    report(0.97)
    write_bytes_atomic(path, buf.getvalue())
    report(1.0)
    missing: set[str] = set()
    for item in model.all_items:
        missing.update(missing_chars(item.note.text))
    photos = [photo_warning(p.name, p.photo) for p in model.personas
              if p.photo and usable_photo(p.photo) is None]
    return ReportResult(Path(path), doc.page, "A4" if size == A4 else "Letter",
                        list(doc.headings), sorted(missing), photos)
