"""Tiled printing: one poster split over office sheets that are taped together.

Chosen by the finished poster size ("A1 on A4") or by a grid ("3x2" = 3
columns by 2 rows of sheets). Each sheet prints a window of the poster inside
a margin the printer can reach; neighbours share `overlap` of the poster so
they can be glued without gaps. The margins carry crop marks at the window's
corners, dashed ticks where the neighbour's trimmed edge goes, registration
targets at the centre of each shared band (they fall on top of each other
when two sheets are laid right), neighbour arrows and a label ("B3" = row B,
column 3). The first page shows the assembly grid over a thumbnail.

Every sheet is a vector crop of the same poster page: the poster is written
once (`poster_pdf`), turned into a PDF form XObject with pypdf, and each
sheet draws it through a clip — no raster, and the poster's content is in
the file once however many sheets there are. `plan_tiles` is pure geometry,
so the printer path (`qt_poster`) draws exactly the same sheets.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from journey.errors import WaymarkError
from journey.fonts import ASCENT, metrics
from journey.layout import MapLayout, Rect, TextLine
from journey.queries import MapData
from paint.theme import THEME

from .pages import MM, describe, parse_page_size, size_name
from .poster_parts import Box, Dot, Drawing, Seg, Text
from .poster_plan import PosterPlan, Progress, plan_poster

DEFAULT_OVERLAP_MM = 10.0
DEFAULT_SHEET_MARGIN_MM = 10.0
MAX_SHEETS = 400
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|inch|pt)?\s*$", re.IGNORECASE)
_GRID = re.compile(r"^\s*(\d+)\s*[x×*]\s*(\d+)\s*$", re.IGNORECASE)
_UNITS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "inch": 72.0, "pt": 1.0}


def parse_length(spec: str | float, what: str = "length") -> float:
    """Points from "10mm", "1cm", "0.5in", "12pt" or a bare number of millimetres."""
    if isinstance(spec, int | float):
        return float(spec) * MM
    m = _LENGTH.match(spec or "")
    if not m:
        raise WaymarkError(f"unknown {what} {spec!r}: use millimetres such as 10mm, or 0.5in")
    return float(m.group(1)) * _UNITS[(m.group(2) or "mm").lower()]


def parse_grid(spec: str) -> tuple[int, int]:
    """(columns, rows) from "3x2"."""
    m = _GRID.match(spec or "")
    if not m:
        raise WaymarkError(f"unknown grid {spec!r}: use COLUMNSxROWS such as 3x2")
    cols, rows = int(m.group(1)), int(m.group(2))
    if cols < 1 or rows < 1 or cols * rows > MAX_SHEETS:
        raise WaymarkError(f"a grid of {cols}x{rows} sheets is out of range "
                           f"(1 to {MAX_SHEETS} sheets)")
    return cols, rows


def _plain(size: tuple[float, float]) -> str:
    """"A4" or "600 × 900 mm": a size's name without its orientation."""
    name = describe(size)
    for word in (" portrait", " landscape"):
        name = name.removesuffix(word)
    return name


def row_name(i: int) -> str:
    """A, B, … Z, AA, AB, …"""
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


@dataclass
class Sheet:
    row: int
    col: int
    label: str  # "B3"
    window: Rect  # the part of the poster page it shows, in poster points (y down)
    marks: Drawing  # crop and registration marks, labels, in sheet points


@dataclass
class TilePlan:
    paper: tuple[float, float]  # one sheet, oriented
    paper_name: str  # "A4"
    poster: PosterPlan  # the finished poster page
    poster_name: str  # "A1" or "3 × 2 sheets"
    cols: int
    rows: int
    margin: float  # sheet margin, points
    overlap: float  # points
    content: Rect  # the printed window on every sheet, in sheet points
    sheets: list[Sheet] = field(default_factory=list)
    assembly: Drawing = field(default_factory=Drawing)
    thumb: tuple[float, float, float] = (0.0, 0.0, 1.0)  # poster (0,0) on page 1, scale

    @property
    def count(self) -> int:
        return self.cols * self.rows

    @property
    def title(self) -> str:
        return f"{self.poster_name} poster on {self.count} {self.paper_name} sheets"


def _grid_for(poster: tuple[float, float], paper: tuple[float, float], margin: float,
              overlap: float) -> tuple[int, int]:
    cw, ch = paper[0] - 2 * margin, paper[1] - 2 * margin
    cols = max(1, math.ceil((poster[0] - overlap) / (cw - overlap) - 1e-9))
    rows = max(1, math.ceil((poster[1] - overlap) / (ch - overlap) - 1e-9))
    return cols, rows


def _check_sheet(paper: tuple[float, float], margin: float, overlap: float, name: str) -> None:
    cw, ch = paper[0] - 2 * margin, paper[1] - 2 * margin
    if margin < 3 * MM:
        raise WaymarkError("the sheet margin must be at least 3 mm: the marks and labels "
                           "print there")
    if min(cw, ch) < 40 * MM:
        raise WaymarkError(f"the margins leave too little of a {name} sheet to print on")
    if overlap < 0 or overlap > min(cw, ch) / 3:
        raise WaymarkError(f"an overlap of {overlap / MM:.0f} mm is out of range for {name} "
                           f"(0 to {min(cw, ch) / 3 / MM:.0f} mm)")


def plan_tiles(layout: MapLayout, data: MapData, paper: str | tuple[float, float] = "A4",
               poster_size: str | None = "A1", grid: str | None = None,
               overlap: str | float = DEFAULT_OVERLAP_MM, orientation: str | None = None,
               margin_mm: float = 10.0, sheet_margin: str | float = DEFAULT_SHEET_MARGIN_MM,
               voters: dict[str, str] | None = None,
               sheet_orientation: str | None = None) -> TilePlan:
    """Where every sheet's window lies on the poster, and each sheet's marks.

    The sheets are turned whichever way needs fewer of them (or prints the map
    larger, for a grid) unless `sheet_orientation` fixes it (a printer's setting)."""
    if (poster_size is None) == (grid is None):
        raise WaymarkError("choose either a poster size (e.g. A1) or a grid (e.g. 3x2)")
    if isinstance(paper, str):
        base = parse_page_size(paper)
        paper_label = size_name(paper) or _plain(base)
    else:
        base = (float(paper[0]), float(paper[1]))
        paper_label = _plain(base)
    lap = parse_length(overlap, "overlap")
    m = parse_length(sheet_margin, "sheet margin")
    options = [(min(base), max(base)), (max(base), min(base))]  # portrait, landscape
    if sheet_orientation in ("portrait", "landscape"):
        options = options[:1] if sheet_orientation == "portrait" else options[1:]
    for sheet in options:
        _check_sheet(sheet, m, lap, paper_label)
    if grid is not None:
        cols, rows = parse_grid(grid)
        best = None
        for sheet in options:  # the sheet orientation that prints the map largest
            cw, ch = sheet[0] - 2 * m, sheet[1] - 2 * m
            size = (cols * (cw - lap) + lap, rows * (ch - lap) + lap)
            plan = plan_poster(layout, data, size, "auto", margin_mm, None, voters)
            if best is None or plan.scale > best[1].scale + 1e-9:
                best = (sheet, plan)
        assert best is not None
        sheet, poster = best
        name = f"{poster.page[0] / MM:.0f} × {poster.page[1] / MM:.0f} mm"
    else:
        poster = plan_poster(layout, data, poster_size or "A1", orientation, margin_mm, None,
                             voters)
        name = size_name(poster_size or "") or _plain(poster.page)
        counts = [(_grid_for(poster.page, s, m, lap), s) for s in options]
        wide = poster.page[0] > poster.page[1]  # on a tie, sheets turned like the poster
        (cols, rows), sheet = min(counts, key=lambda g: (g[0][0] * g[0][1],
                                                         (g[1][0] > g[1][1]) != wide))
        if cols * rows > MAX_SHEETS:
            raise WaymarkError(f"{name} on {paper_label} needs {cols * rows} sheets; "
                               f"the most is {MAX_SHEETS}")
    pw, ph = sheet
    content = Rect(m, m, pw - 2 * m, ph - 2 * m)
    plan = TilePlan(sheet, paper_label, poster, name, cols, rows, m, lap, content)
    sx, sy = content.w - lap, content.h - lap
    gx0 = (cols * sx + lap - poster.page[0]) / 2  # the poster centred on the grid
    gy0 = (rows * sy + lap - poster.page[1]) / 2
    for r in range(rows):
        for c in range(cols):
            window = Rect(c * sx - gx0, r * sy - gy0, content.w, content.h)
            label = f"{row_name(r)}{c + 1}"
            plan.sheets.append(Sheet(r, c, label, window, _marks(plan, r, c, label)))
    plan.assembly, plan.thumb = _assembly(plan, gx0, gy0)
    return plan


# -- marks ---------------------------------------------------------------------------

MARK = 0.3  # line width of marks, points
SMALL = 7.0  # label text size, points


def _text(d: Drawing, text: str, x: float, baseline: float, size: float, bold: bool = False,
          align: str = "left", colour: str = "") -> None:
    w = metrics("sans-bold" if bold else "sans").width(text, size)
    x = x - w / 2 if align == "center" else (x - w if align == "right" else x)
    d.texts.append(Text(TextLine(text, x, baseline, size, bold, w), colour or THEME.mark))


def _target(d: Drawing, cx: float, cy: float, r: float) -> None:
    """A registration target: a ring and a cross through its centre."""
    d.dots.append(Dot(cx, cy, r, "#FFFFFF", THEME.mark, MARK))
    d.segs.append(Seg(cx - 1.4 * r, cy, cx + 1.4 * r, cy, THEME.mark, MARK))
    d.segs.append(Seg(cx, cy - 1.4 * r, cx, cy + 1.4 * r, THEME.mark, MARK))


def _marks(plan: TilePlan, r: int, c: int, label: str) -> Drawing:
    d = Drawing()
    pw, ph = plan.paper
    m, lap, box = plan.margin, plan.overlap, plan.content
    gap, length = min(1.5 * MM, m * 0.15), min(6 * MM, m * 0.55)
    # Crop marks at the window's corners, in the margin, clear of the print.
    for x in (box.x, box.right):
        for y in (box.y, box.bottom):
            sx = -1 if x == box.x else 1
            sy = -1 if y == box.y else 1
            d.segs.append(Seg(x + sx * gap, y, x + sx * (gap + length), y, THEME.mark, MARK))
            d.segs.append(Seg(x, y + sy * gap, x, y + sy * (gap + length), THEME.mark, MARK))
    # Where the neighbour's trimmed edge goes (dashed ticks), and shared-band targets.
    tr = min(2.5 * MM, m * 0.22)
    dash = (2.0, 1.5)
    if c + 1 < plan.cols:
        x = box.right - lap
        for y0, y1 in ((box.y - gap, box.y - gap - length), (box.bottom + gap,
                                                             box.bottom + gap + length)):
            d.segs.append(Seg(x, y0, x, y1, THEME.mark, MARK, dash))
        for cy in (m / 2, ph - m / 2):
            _target(d, box.right - lap / 2, cy, tr)
    if c > 0:
        for cy in (m / 2, ph - m / 2):
            _target(d, box.x + lap / 2, cy, tr)
    if r + 1 < plan.rows:
        y = box.bottom - lap
        for x0, x1 in ((box.x - gap, box.x - gap - length), (box.right + gap,
                                                             box.right + gap + length)):
            d.segs.append(Seg(x0, y, x1, y, THEME.mark, MARK, dash))
        for cx in (m / 2, pw - m / 2):
            _target(d, cx, box.bottom - lap / 2, tr)
    if r > 0:
        for cx in (m / 2, pw - m / 2):
            _target(d, cx, box.y + lap / 2, tr)
    # Label and neighbours.
    size = min(SMALL, m * 0.45)
    base = ph - m / 2 + size * 0.35
    big = min(14.0, m * 0.8)
    _text(d, label, pw / 2 - 4, ph - m / 2 + big * 0.35, big, True, "right")
    last = f"{row_name(plan.rows - 1)}"
    _text(d, f"{plan.poster_name} poster on {plan.paper_name} — sheet {label} of "
             f"{plan.rows}×{plan.cols} (rows A–{last}, columns 1–{plan.cols})",
          pw / 2 + 4, base, size)
    top = m / 2 + size * 0.35
    hints = []
    if r > 0:
        hints.append(f"↑ {row_name(r - 1)}{c + 1}")
    if r + 1 < plan.rows:
        hints.append(f"↓ {row_name(r + 1)}{c + 1}")
    if c > 0:
        _text(d, f"← {row_name(r)}{c}", box.x + lap + 2 * tr + 2, top, size)
    if c + 1 < plan.cols:
        _text(d, f"{row_name(r)}{c + 2} →", box.right - lap - 2 * tr - 2, top, size,
              align="right")
    if hints or c > 0 or r > 0:
        how = "trim " + " and ".join(e for e, on in (("left", c > 0), ("top", r > 0)) if on)
        how = (how + " edge along the marks, lay over the neighbour up to its dashed ticks"
               if (c > 0 or r > 0) else "the first sheet: neighbours are laid over it")
        _text(d, "   ".join(hints + [how]), pw / 2, top, size, align="center")
    elif plan.count > 1:
        _text(d, "the first sheet: neighbours are laid over it", pw / 2, top, size,
              align="center")
    return d


def _assembly(plan: TilePlan, gx0: float, gy0: float) -> tuple[Drawing, tuple[float, ...]]:
    """Page 1: the poster in miniature with every sheet's window and label over it."""
    d = Drawing()
    pw, ph = plan.paper
    m = plan.margin
    y = m + 16
    _text(d, f"Assembly: {plan.title}", m, y, 14, True, colour=THEME.title_text)
    w_mm, h_mm = plan.poster.page[0] / MM, plan.poster.page[1] / MM
    lines = [
        f"{plan.rows} row{'s' if plan.rows > 1 else ''} (A–{row_name(plan.rows - 1)}) × "
        f"{plan.cols} column{'s' if plan.cols > 1 else ''} (1–{plan.cols}) · finished size "
        f"{w_mm:.0f} × {h_mm:.0f} mm · overlap {plan.overlap / MM:.0f} mm",
        "1. Print at 100 % (\"actual size\", no fit-to-page). 2. Trim the left and top edges "
        "of every sheet except column 1 / row A along the crop marks.",
        "3. Lay each sheet over its left and upper neighbour so the targets meet and the "
        "trimmed edge sits on the dashed ticks; tape from behind.",
    ]
    for i, text in enumerate(lines):
        _text(d, text, m, y + 14 + i * 11, 8, colour=THEME.subtitle_text)
    top = y + 14 + len(lines) * 11 + 6
    gw = plan.cols * (plan.content.w - plan.overlap) + plan.overlap
    gh = plan.rows * (plan.content.h - plan.overlap) + plan.overlap
    avail_w, avail_h = pw - 2 * m, ph - m - top
    t = min(avail_w / gw, avail_h / gh)
    x0 = m + (avail_w - gw * t) / 2
    y0 = top + (avail_h - gh * t) / 2
    d.boxes.append(Box(Rect(x0 + gx0 * t, y0 + gy0 * t, plan.poster.page[0] * t,
                            plan.poster.page[1] * t), None, THEME.neutral_line, 0.5))
    size = max(6.0, min(12.0, (plan.content.h - plan.overlap) * t / 6))
    for s in plan.sheets:
        wx, wy = x0 + (s.window.x + gx0) * t, y0 + (s.window.y + gy0) * t
        d.boxes.append(Box(Rect(wx, wy, s.window.w * t, s.window.h * t), None,
                           THEME.selection, 0.6))
    for s in plan.sheets:  # a tag in each window's top-left corner, over the grid lines
        wx, wy = x0 + (s.window.x + gx0) * t, y0 + (s.window.y + gy0) * t
        w = metrics("sans-bold").width(s.label, size)
        d.boxes.append(Box(Rect(wx, wy, w + 6, size * 1.25), THEME.selection))
        _text(d, s.label, wx + 3, wy + size * (0.125 + ASCENT) - size * 0.05, size, True,
              colour="#FFFFFF")
    return d, (x0 + gx0 * t, y0 + gy0 * t, t)


# -- the PDF -------------------------------------------------------------------------

@dataclass
class TilesResult:
    path: Path
    sheets: int
    cols: int
    rows: int
    paper_name: str
    poster_name: str
    poster_size: tuple[float, float]  # points
    overlap_mm: float
    pages: int  # sheets + the assembly page
    smallest_text_pt: float
    readable_pt: float
    cut_notes: list[str] = field(default_factory=list)
    missing_chars: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _sheets_pdf(plan: TilePlan, data: MapData, fh: BinaryIO) -> None:
    """Page 1 (assembly) and one page per sheet: marks and labels only."""
    from .pdf_fonts import new_canvas
    from .poster_pdf import MapPainter

    c = new_canvas(fh, plan.paper)
    c.setTitle(f"{data.session.title} — {data.map.name} ({plan.title})")
    c.setAuthor(data.session.facilitator or "")
    c.setCreator("Waymark")
    c.setSubject(f"Tiled poster: {plan.title}")
    painter = MapPainter(c, None)  # type: ignore[arg-type]  (draws display lists only)
    for d in [plan.assembly] + [s.marks for s in plan.sheets]:
        c.saveState()
        c.translate(0, plan.paper[1])
        painter.drawing(d)
        c.restoreState()
        c.showPage()
    c.save()


def _num(v: float) -> bytes:
    return f"{v:.4f}".rstrip("0").rstrip(".").encode() or b"0"


def assemble(plan: TilePlan, poster_pdf: bytes, sheets_pdf: bytes, out: BinaryIO) -> int:
    """Draw the poster page, once stored as a form XObject, under every page's marks."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    poster_page = PdfReader(io.BytesIO(poster_pdf)).pages[0]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sheets_pdf)))
    form = DecodedStreamObject()
    form.set_data(poster_page.get_contents().get_data())
    pw, ph = plan.poster.page
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(pw),
                                          FloatObject(ph)]),
        NameObject("/Resources"): poster_page["/Resources"].get_object().clone(writer),
    })
    form_ref = writer._add_object(form.flate_encode())
    sw, sh = plan.paper
    box = plan.content
    for i, page in enumerate(writer.pages):
        if i == 0:
            x, y, t = plan.thumb
            op = (b"q " + b" ".join(_num(v) for v in (t, 0, 0, t, x, sh - y - ph * t))
                  + b" cm 0 0 " + _num(pw) + b" " + _num(ph) + b" re W n /WmPoster Do Q\n")
        else:
            w = plan.sheets[i - 1].window
            tx, ty = box.x - w.x, (sh - box.y) - (ph - w.y)
            op = (b"q " + b" ".join(_num(v) for v in (box.x, sh - box.bottom, box.w, box.h))
                  + b" re W n 1 0 0 1 " + _num(tx) + b" " + _num(ty)
                  + b" cm /WmPoster Do Q\n")
        stream = DecodedStreamObject()
        stream.set_data(op)
        resources = page["/Resources"].get_object()
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if xobjects is None:
            from pypdf.generic import DictionaryObject

            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        xobjects[NameObject("/WmPoster")] = form_ref
        contents = page.get("/Contents")
        existing = list(contents.get_object()) if isinstance(
            contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(stream)] + existing)
    writer.write(out)
    return len(writer.pages)


def export_tiles_pdf(layout: MapLayout, data: MapData, path, paper: str = "A4",
                     poster_size: str | None = "A1", grid: str | None = None,
                     overlap: str | float = DEFAULT_OVERLAP_MM, orientation: str | None = None,
                     margin_mm: float = 10.0, voters: dict[str, str] | None = None,
                     progress: Progress | None = None,
                     plan: TilePlan | None = None) -> TilesResult:
    """Write the tiled poster PDF (assembly page + one page per sheet)."""
    from .poster_pdf import reporter, result_of, write_atomically, write_poster_pdf

    plan = plan or plan_tiles(layout, data, paper, poster_size, grid, overlap, orientation,
                              margin_mm, voters=voters)
    report = reporter(progress)
    report(0.0)
    buf = io.BytesIO()
    painter = write_poster_pdf(buf, layout, data, plan.poster, lambda f: report(0.6 * f))
    report(0.65)
    sheets = io.BytesIO()
    _sheets_pdf(plan, data, sheets)
    report(0.75)
    pages: list[int] = []

    def write(fh: BinaryIO) -> None:
        pages.append(assemble(plan, buf.getvalue(), sheets.getvalue(), fh))
        report(0.98)

    path = write_atomically(path, write)
    report(1.0)
    poster = result_of(path, layout, plan.poster, painter.missing, painter.fallback,
                       painter.warnings)
    return TilesResult(path, plan.count, plan.cols, plan.rows, plan.paper_name,
                       plan.poster_name, plan.poster.page, plan.overlap / MM, pages[0],
                       poster.smallest_text_pt, poster.readable_pt, poster.cut_notes,
                       poster.missing_chars, poster.warnings)
