"""The vector PDF poster: the map's layout scaled onto one page with reportlab.

It draws exactly the layout's rectangles and text lines (one layout, many
renderers), scaled uniformly to fit the page inside the margins and centred,
so the poster is what the room saw. Only the bundled TrueType faces are used
and embedded (see `pdf_fonts`), each text run in the face `journey.fonts`
chose for it. The file is written next to the target and moved into place,
so a failed or cancelled export never leaves half a poster behind.

The page is drawn in three steps a later poster can extend: `place` decides
where the map goes (margins, reserved bands for a legend or footer), `MapPainter`
draws the map in layout coordinates, and `export_poster_pdf` owns the file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtGui import QColor

from journey.errors import WaymarkError
from journey.fonts import metrics, missing_chars, runs
from journey.layout import MapLayout, Rect, TextLine
from journey.queries import MapData

from .pages import MM, describe, orient, parse_page_size
from .pdf_fonts import new_canvas, register_fonts
from .qt_paint import CURVE_WIDTH, POINT_R, THEME, kind_accent, stage_colour, stage_outline

Progress = Callable[[float], bool | None]
RGB = tuple[float, float, float]


class ExportCancelled(WaymarkError):
    """The user cancelled an export; nothing was written."""


@dataclass
class PosterResult:
    path: Path
    page_size: tuple[float, float]  # (w, h) in points
    scale: float  # printed size / layout size
    smallest_text_pt: float  # smallest text as printed, in points
    cut_notes: list[str] = field(default_factory=list)  # ids of notes cut with an ellipsis
    missing_chars: list[str] = field(default_factory=list)  # no bundled face has these
    page_name: str = ""  # e.g. "A0 portrait"


@dataclass(frozen=True)
class Placement:
    """Where the map goes on the page: layout point (x, y) -> page (ox + s·x, oy + s·y),
    both measured from the page's top-left corner."""

    page: tuple[float, float]
    scale: float
    ox: float
    oy: float


def place(layout: MapLayout, page: tuple[float, float], margin: float,
          reserve_top: float = 0.0, reserve_bottom: float = 0.0,
          scale: float | None = None) -> Placement:
    """Fit the map uniformly inside the margins (and reserved bands), centred.

    `scale` fixes the scale instead of fitting (for fixed-scale posters)."""
    pw, ph = page
    avail_w = pw - 2 * margin
    avail_h = ph - 2 * margin - reserve_top - reserve_bottom
    if avail_w <= 1 or avail_h <= 1:
        raise WaymarkError(f"the margins leave no room on a {describe(page)} page")
    s = scale if scale is not None else min(avail_w / layout.width, avail_h / layout.height)
    ox = margin + (avail_w - s * layout.width) / 2
    oy = margin + reserve_top + (avail_h - s * layout.height) / 2
    return Placement(page, s, ox, oy)


# -- colours: the canvas's theme, so the poster prints what the room saw --------

def _rgb(spec: str | QColor) -> RGB:
    c = spec if isinstance(spec, QColor) else QColor(spec)
    if not c.isValid():
        c = QColor("#808080")
    return (c.redF(), c.greenF(), c.blueF())


def _on_white(argb: str) -> RGB:
    """A translucent theme colour flattened onto white paper (print has no need for
    transparency, and strict preflight such as PDF/X-1a refuses it)."""
    c = QColor(argb)
    a = c.alphaF()
    return tuple(1 - a + a * v for v in (c.redF(), c.greenF(), c.blueF()))  # type: ignore


def _luminance(rgb: RGB) -> float:
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _text_on(rgb: RGB) -> RGB:
    """The theme's note ink, or white on a fill dark enough that white contrasts more."""
    fill, ink = _luminance(rgb), _rgb(THEME.note_text)
    dark = (fill + 0.05) / (_luminance(ink) + 0.05)
    return ink if dark >= 1.05 / (fill + 0.05) else (1.0, 1.0, 1.0)


class MapPainter:
    """Draws a MapLayout on a reportlab canvas whose CTM maps layout (x, y) to (x, -y).

    The same elements, colours and stacking as `export.qt_paint.paint_layout`
    (the canvas), drawn as PDF vectors. Text goes into a few text objects (one
    BT/ET per layer rather than per line), which keeps the content stream short."""

    def __init__(self, canvas, layout: MapLayout) -> None:
        self.c = canvas
        self.layout = layout
        self.fonts = register_fonts()
        self._cache: dict[tuple[str, bool], list[tuple[str, str]]] = {}

    # -- text --------------------------------------------------------------
    def _runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        key = (text, bold)
        out = self._cache.get(key)
        if out is None:
            face = "sans-bold" if bold else "sans"
            if text.isascii():  # the primary face covers ASCII: skip the per-char lookup
                out = [(self.fonts[face], text)]
            else:
                out = [(self.fonts[f], s) for f, s in runs(text, face)]
            self._cache[key] = out
        return out

    def text(self, t, line: TextLine) -> None:
        """One layout line at exactly its x/baseline/size, face by face."""
        if not line.text:
            return
        t.setTextOrigin(line.x, -line.baseline)
        for font, s in self._runs(line.text, line.bold):
            t.setFont(font, line.size)
            t.textOut(s)

    def lines(self, lines, colour: RGB | None = None) -> None:
        t = self.c.beginText()
        if colour is not None:
            t.setFillColorRGB(*colour)
        for line in lines:
            self.text(t, line)
        self.c.drawText(t)

    # -- elements, in the canvas's stacking order -----------------------------
    def cells(self) -> None:
        c, lay = self.c, self.layout
        lane_index = {h.id: i for i, h in enumerate(lay.lanes)}
        c.setFillColorRGB(*_rgb(THEME.lane_alt))
        for cell in lay.cells:
            if lane_index.get(cell.lane_id, 0) % 2 == 1:
                r = cell.rect
                c.rect(r.x, -r.bottom, r.w, r.h, stroke=0, fill=1)
        p = c.beginPath()
        for cell in lay.cells:
            r = cell.rect
            p.moveTo(r.right, -r.y)
            p.lineTo(r.right, -r.bottom)
            p.lineTo(r.x, -r.bottom)
        c.setStrokeColorRGB(*_rgb(THEME.grid))
        c.setLineWidth(0.75)
        c.drawPath(p, stroke=1, fill=0)
        hidden = []
        size = 8.0
        m = metrics("sans")
        for cell in lay.cells:
            if cell.hidden_notes:
                label = f"{cell.hidden_notes} note" + ("" if cell.hidden_notes == 1 else "s")
                w = m.width(label, size)
                r = cell.rect
                hidden.append(TextLine(label, r.x + (r.w - w) / 2, r.y + r.h / 2 + size * 0.35,
                                       size, False, w))
        if hidden:
            self.lines(hidden, _rgb(THEME.hidden_notes))

    def scale_lines(self) -> None:
        c = self.c
        for sc in self.layout.scales:
            a = sc.area
            p = c.beginPath()
            for tick in sc.ticks:
                if sc.neutral_y is None or abs(tick.y - sc.neutral_y) > 1e-6:
                    p.moveTo(a.x, -tick.y)
                    p.lineTo(a.right, -tick.y)
            c.setStrokeColorRGB(*_rgb(THEME.tick_line))
            c.setLineWidth(0.75)
            c.drawPath(p, stroke=1, fill=0)
            if sc.neutral_y is not None:
                c.setStrokeColorRGB(*_rgb(THEME.neutral_line))
                c.setLineWidth(1.0)
                c.setDash(4, 3)
                c.line(a.x, -sc.neutral_y, a.right, -sc.neutral_y)
                c.setDash()

    def notes(self, progress: Callable[[float], None] | None = None) -> None:
        c = self.c
        notes = self.layout.notes
        step = max(1, len(notes) // 20)
        # Shadows first, all in one path: two strips per note, as on the canvas.
        shadow = c.beginPath()
        for n in notes:
            r = n.rect
            shadow.rect(r.right, -(r.bottom + 1.8), 1.2, r.h)
            shadow.rect(r.x + 1.2, -(r.bottom + 1.8), r.w - 1.2, 1.8)
        c.setFillColorRGB(*_on_white(THEME.note_shadow))
        c.drawPath(shadow, stroke=0, fill=1)
        c.setLineWidth(0.6)
        last = None
        for i, n in enumerate(notes):
            r: Rect = n.rect
            if n.colour != last:
                fill = QColor(n.colour)
                c.setFillColorRGB(*_rgb(fill))
                c.setStrokeColorRGB(*_rgb(fill.darker(125)))
                last = n.colour
            c.rect(r.x, -r.bottom, r.w, r.h, stroke=1, fill=1)
            if progress and i % step == 0:
                progress(0.5 * i / len(notes))
        # Vote dots, each in its voter's colour with a white rim.
        c.setStrokeColorRGB(1, 1, 1)
        c.setLineWidth(0.8)
        for n in notes:
            for d in n.dots:
                c.setFillColorRGB(*_rgb(d.colour))
                c.circle(d.cx, -d.cy, d.r, stroke=1, fill=1)
        t = c.beginText()
        last_ink = None
        more = _rgb(THEME.more_votes)
        for i, n in enumerate(notes):
            ink = _text_on(_rgb(n.colour))
            if ink != last_ink:
                t.setFillColorRGB(*ink)
                last_ink = ink
            for line in n.lines:
                self.text(t, line)
            if n.more_votes:
                t.setFillColorRGB(*(more if ink != (1.0, 1.0, 1.0) else ink))
                last_ink = None
                self.text(t, n.more_votes)
            if progress and i % step == 0:
                progress(0.5 + 0.5 * i / len(notes))
        c.drawText(t)

    def curves(self) -> None:
        c = self.c
        c.setLineCap(1)
        c.setLineJoin(1)
        labels: list[TextLine] = []
        for curve in self.layout.curves:
            colour = _rgb(curve.colour)
            if curve.segments:
                p = c.beginPath()
                (x0, y0) = curve.segments[0][0]
                p.moveTo(x0, -y0)
                for _, c1, c2, p1 in curve.segments:
                    p.curveTo(c1[0], -c1[1], c2[0], -c2[1], p1[0], -p1[1])
                c.setStrokeColorRGB(*colour)
                c.setLineWidth(CURVE_WIDTH)
                c.drawPath(p, stroke=1, fill=0)
            # A white disc ringed in the curve's colour around a solid centre.
            c.setLineWidth(2.0)
            for pt in curve.points:
                c.setStrokeColorRGB(*colour)
                c.setFillColorRGB(1, 1, 1)
                c.circle(pt.x, -pt.y, POINT_R, stroke=1, fill=1)
                c.setFillColorRGB(*colour)
                c.circle(pt.x, -pt.y, POINT_R - 2.2, stroke=0, fill=1)
                if pt.label:
                    labels.append(pt.label)
        if labels:
            self.lines(labels, _rgb(THEME.curve_label))

    def stage_headers(self) -> None:
        c, stages = self.c, self.layout.stages
        for i, header in enumerate(stages):
            poly = stage_outline(header, i == 0)
            p = c.beginPath()
            p.moveTo(poly[0].x(), -poly[0].y())
            for k in range(1, poly.size()):
                p.lineTo(poly[k].x(), -poly[k].y())
            p.close()
            c.setFillColorRGB(*_rgb(stage_colour(i, len(stages))))
            c.drawPath(p, stroke=0, fill=1)
        self.lines([line for h in stages for line in h.lines], _rgb(THEME.stage_text))

    def lane_headers(self) -> None:
        c, lanes = self.c, self.layout.lanes
        if not lanes:
            return
        c.setFillColorRGB(*_rgb(THEME.lane_fill))
        for h in lanes:
            r = h.rect
            c.rect(r.x, -r.bottom, r.w, r.h, stroke=0, fill=1)
        for h in lanes:
            r = h.rect
            c.setFillColorRGB(*_rgb(kind_accent(h.kind)))
            c.rect(r.x, -r.bottom, 4, r.h, stroke=0, fill=1)
        p = c.beginPath()
        for h in lanes:
            r = h.rect
            for y in (r.y, r.bottom):
                p.moveTo(r.x, -y)
                p.lineTo(r.right, -y)
        c.setStrokeColorRGB(*_rgb(THEME.grid))
        c.setLineWidth(0.75)
        c.drawPath(p, stroke=1, fill=0)
        t = c.beginText()
        ink, muted = _rgb(THEME.lane_text), _rgb(THEME.lane_kind_text)
        for h in lanes:
            for line in h.lines:
                t.setFillColorRGB(*(ink if line.bold else muted))
                self.text(t, line)
        c.drawText(t)

    def scale_labels(self) -> None:
        labels = [tick.label for sc in self.layout.scales for tick in sc.ticks]
        if labels:
            self.lines(labels, _rgb(THEME.scale_text))

    def title(self) -> None:
        t = self.c.beginText()
        for line in self.layout.title.lines:
            t.setFillColorRGB(*_rgb(THEME.title_text if line.bold else THEME.subtitle_text))
            self.text(t, line)
        self.c.drawText(t)

    def draw(self, progress: Callable[[float], None] | None = None) -> None:
        self.cells()
        self.scale_lines()
        self.notes(progress)
        self.curves()
        self.stage_headers()
        self.lane_headers()
        self.scale_labels()
        self.title()


def smallest_text(layout: MapLayout) -> float:
    """The smallest text size the layout draws, in layout points."""
    sizes = [line.size for line in layout.text_lines()]
    sizes += [n.more_votes.size for n in layout.notes if n.more_votes]
    return min(sizes) if sizes else 0.0


def _metadata(c, data: MapData, page_name: str) -> None:
    title = f"{data.session.title} — {data.map.name}"
    subject = f"Customer journey map: {data.map.name}"
    if data.persona:
        subject += f", persona {data.persona.name}"
    c.setTitle(title)
    c.setAuthor(data.session.facilitator or "")
    c.setSubject(f"{subject} ({page_name} poster)")
    c.setCreator("Waymark")
    c.setKeywords(["customer journey map", "Waymark", data.session.date or ""])


def export_poster_pdf(layout: MapLayout, data: MapData, path, size: str = "A0",
                      orientation: str | None = None, margin_mm: float = 10,
                      progress: Progress | None = None) -> PosterResult:
    """Write the map as a one-page vector poster; raises ExportCancelled if cancelled."""
    path = Path(path).expanduser()
    base = parse_page_size(size)
    page = orient(base, orientation, layout.width, layout.height)
    if margin_mm < 0 or margin_mm * MM * 2 >= min(page) - 1:
        raise WaymarkError(f"margin {margin_mm:g} mm does not fit a {describe(page)} page")
    placement = place(layout, page, margin_mm * MM)

    def report(fraction: float) -> None:
        if progress is not None and progress(min(1.0, max(0.0, fraction))) is False:
            raise ExportCancelled("export cancelled")

    report(0.0)
    if path.is_dir():
        raise WaymarkError(f"cannot write {path}: it is a folder")
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        fh = open(tmp, "xb")
    except OSError as exc:
        raise WaymarkError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with fh:
            c = new_canvas(fh, page)
            _metadata(c, data, describe(page))
            c.saveState()
            c.translate(placement.ox, page[1] - placement.oy)
            c.scale(placement.scale, placement.scale)
            MapPainter(c, layout).draw(lambda f: report(0.85 * f))
            c.restoreState()
            c.showPage()
            report(0.9)
            c.save()
        report(1.0)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WaymarkError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    missing: set[str] = set()
    for line in layout.text_lines():
        if not line.text.isascii():
            missing.update(missing_chars(line.text))
    return PosterResult(
        path=path, page_size=page, scale=placement.scale,
        smallest_text_pt=smallest_text(layout) * placement.scale,
        cut_notes=[n.id for n in layout.notes if n.truncated],
        missing_chars=sorted(missing), page_name=describe(page),
    )
