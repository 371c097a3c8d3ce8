"""The vector PDF poster: the map's layout, its key band and footer on one page.

It draws exactly the layout's rectangles and text lines (one layout, many
renderers) where `poster_plan.plan_poster` put them, so the poster is what the
room saw. Text is set in the bundled TrueType faces, each run in the face
`journey.fonts` chose for it, shaped and in visual order (`pdf_shaping`); a
character they lack comes from a system TrueType font, and one no font has is
drawn as □ and reported (`font_fallback`). Every font used is subset and
embedded. The file is
written next to the target and moved into place, so a failed or cancelled
export never leaves half a poster behind. No Qt here: the CLI and a worker
thread write PDFs without a Qt application.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from journey.fonts import metrics
from journey.layout import MapLayout, Rect, TextLine
from journey.queries import MapData
from paint.theme import (
    CHIP_RADIUS,
    CURVE_WIDTH,
    POINT_R,
    RGB,
    THEME,
    chip_edge,
    chip_fill,
    darker,
    kind_accent_hex,
    on_white,
    rgb,
    stage_points,
    stage_rgb,
    text_on,
)
from storage.atomic import atomic_file

from .pdf_fonts import fix_text_layer, new_canvas, register_fonts
from .pdf_shaping import PdfLine, draw_line, pdf_line
from .poster_parts import Drawing
from .poster_plan import (  # noqa: F401  (re-exported: the public poster API)
    ExportCancelled,
    PosterPlan,
    PosterResult,
    Progress,
    plan_poster,
    smallest_text,
)

WHITE: RGB = (1.0, 1.0, 1.0)


class MapPainter:
    """Draws a MapLayout on a reportlab canvas whose CTM maps layout (x, y) to (x, -y).

    The same elements, colours and stacking as `paint.qt_paint.paint_layout`
    (the canvas), drawn as PDF vectors. Text goes into a few text objects (one
    BT/ET per layer rather than per line), which keeps the content stream short."""

    def __init__(self, canvas, layout: MapLayout) -> None:
        self.c = canvas
        self.layout = layout
        self.fonts = register_fonts()
        fix_text_layer()
        self._cache: dict[tuple[str, bool, bool | None], PdfLine] = {}
        self.missing: set[str] = set()  # drawn as □
        self.fallback: set[str] = set()  # system font files used
        self.warnings: list[str] = []

    # -- text --------------------------------------------------------------
    def _line(self, text: str, bold: bool, rtl: bool | None = None) -> PdfLine:
        key = (text, bold, rtl)
        out = self._cache.get(key)
        if out is None:
            out = self._cache[key] = pdf_line(text, bold, rtl)
            self.missing |= out.missing
            self.fallback |= out.fallback
        return out

    def text(self, t, line: TextLine) -> None:
        """One layout line at exactly its x/baseline/size: shaped, in visual order."""
        if line.text:
            draw_line(t, self._line(line.text, line.bold, line.rtl), line.x, -line.baseline,
                      line.size)

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
        c.setFillColorRGB(*rgb(THEME.lane_alt))
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
        c.setStrokeColorRGB(*rgb(THEME.grid))
        c.setLineWidth(0.75)
        c.drawPath(p, stroke=1, fill=0)
        hidden = []
        size = 8.0
        m = metrics("sans")
        for cell in lay.cells:
            if cell.hidden_notes:
                label = (f"{cell.hidden_notes} note" + ("" if cell.hidden_notes == 1 else "s")
                         + " hidden")
                w = m.width(label, size)
                r = cell.rect
                hidden.append(TextLine(label, r.x + (r.w - w) / 2, r.y + r.h / 2 + size * 0.35,
                                       size, False, w))
        if hidden:
            self.lines(hidden, rgb(THEME.hidden_notes))

    def scale_lines(self) -> None:
        c = self.c
        for sc in self.layout.scales:
            a = sc.area
            p = c.beginPath()
            for tick in sc.ticks:
                if sc.neutral_y is None or abs(tick.y - sc.neutral_y) > 1e-6:
                    p.moveTo(a.x, -tick.y)
                    p.lineTo(a.right, -tick.y)
            c.setStrokeColorRGB(*rgb(THEME.tick_line))
            c.setLineWidth(0.75)
            c.drawPath(p, stroke=1, fill=0)
            if sc.neutral_y is not None:
                c.setStrokeColorRGB(*rgb(THEME.neutral_line))
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
        c.setFillColorRGB(*on_white(THEME.note_shadow))
        c.drawPath(shadow, stroke=0, fill=1)
        c.setLineWidth(0.6)
        last = None
        for i, n in enumerate(notes):
            r: Rect = n.rect
            if n.colour != last:
                fill = rgb(n.colour)
                c.setFillColorRGB(*fill)
                c.setStrokeColorRGB(*darker(fill, 125))
                last = n.colour
            c.rect(r.x, -r.bottom, r.w, r.h, stroke=1, fill=1)
            if progress and i % step == 0:
                progress(0.5 * i / len(notes))
        # Tag chips: a lighter tint of the note, outlined, labelled below with the text.
        for n in notes:
            if not n.chips:
                continue
            fill = rgb(n.colour)
            c.setFillColorRGB(*chip_fill(fill))
            c.setStrokeColorRGB(*chip_edge(fill))
            for chip in n.chips:
                r = chip.rect
                c.roundRect(r.x, -r.bottom, r.w, r.h, CHIP_RADIUS, stroke=1, fill=1)
        # Vote dots, each in its voter's colour with a white rim.
        c.setStrokeColorRGB(1, 1, 1)
        c.setLineWidth(0.8)
        for n in notes:
            for d in n.dots:
                c.setFillColorRGB(*rgb(d.colour))
                c.circle(d.cx, -d.cy, d.r, stroke=1, fill=1)
        t = c.beginText()
        last_ink = None
        more = rgb(THEME.more_votes)
        tag_ink = rgb(THEME.tag_text)
        for i, n in enumerate(notes):
            ink = text_on(rgb(n.colour))
            if ink != last_ink:
                t.setFillColorRGB(*ink)
                last_ink = ink
            for line in n.lines:
                self.text(t, line)
            if n.more_votes:
                t.setFillColorRGB(*(more if ink != WHITE else ink))
                last_ink = None
                self.text(t, n.more_votes)
            if n.chips:
                t.setFillColorRGB(*tag_ink)
                last_ink = None
                for chip in n.chips:
                    self.text(t, chip.label)
            if progress and i % step == 0:
                progress(0.5 + 0.5 * i / len(notes))
        c.drawText(t)

    def curves(self) -> None:
        c = self.c
        c.setLineCap(1)
        c.setLineJoin(1)
        labels: list[TextLine] = []
        for curve in self.layout.curves:
            colour = rgb(curve.colour)
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
        c.setLineCap(0)
        c.setLineJoin(0)
        if labels:
            self.lines(labels, rgb(THEME.curve_label))

    def stage_headers(self) -> None:
        c, stages = self.c, self.layout.stages
        for i, header in enumerate(stages):
            r = header.rect
            pts = stage_points(r.x, r.y, r.w, r.h, i == 0)
            p = c.beginPath()
            p.moveTo(pts[0][0], -pts[0][1])
            for x, y in pts[1:]:
                p.lineTo(x, -y)
            p.close()
            c.setFillColorRGB(*stage_rgb(i, len(stages)))
            c.drawPath(p, stroke=0, fill=1)
        self.lines([line for h in stages for line in h.lines], rgb(THEME.stage_text))

    def lane_headers(self) -> None:
        c, lanes = self.c, self.layout.lanes
        if not lanes:
            return
        c.setFillColorRGB(*rgb(THEME.lane_fill))
        for h in lanes:
            r = h.rect
            c.rect(r.x, -r.bottom, r.w, r.h, stroke=0, fill=1)
        for h in lanes:
            r = h.rect
            c.setFillColorRGB(*rgb(kind_accent_hex(h.kind)))
            c.rect(r.x, -r.bottom, 4, r.h, stroke=0, fill=1)
        p = c.beginPath()
        for h in lanes:
            r = h.rect
            for y in (r.y, r.bottom):
                p.moveTo(r.x, -y)
                p.lineTo(r.right, -y)
        c.setStrokeColorRGB(*rgb(THEME.grid))
        c.setLineWidth(0.75)
        c.drawPath(p, stroke=1, fill=0)
        t = c.beginText()
        ink, muted = rgb(THEME.lane_text), rgb(THEME.lane_kind_text)
        for h in lanes:
            for line in h.lines:
                t.setFillColorRGB(*(ink if line.bold else muted))
                self.text(t, line)
        c.drawText(t)

    def scale_labels(self) -> None:
        labels = [tick.label for sc in self.layout.scales for tick in sc.ticks]
        if labels:
            self.lines(labels, rgb(THEME.scale_text))

    def curve_legend(self) -> None:
        """The curves' legend in the emotion lane header (maps with two or more curves)."""
        c = self.c
        entries = getattr(self.layout, "legend", None) or []
        if not entries:
            return
        c.setLineCap(1)
        for e in entries:
            (x0, y0), (x1, y1) = e.swatch
            colour = rgb(e.colour)
            c.setStrokeColorRGB(*colour)
            c.setLineWidth(CURVE_WIDTH)
            c.line(x0, -y0, x1, -y1)
            c.setFillColorRGB(*colour)
            c.circle((x0 + x1) / 2, -y0, 2.6, stroke=0, fill=1)
        c.setLineCap(0)
        self.lines([line for e in entries for line in e.lines], rgb(THEME.lane_text))

    def title(self) -> None:
        t = self.c.beginText()
        for line in self.layout.title.lines:
            t.setFillColorRGB(*rgb(THEME.title_text if line.bold else THEME.subtitle_text))
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
        self.curve_legend()
        self.title()

    # -- the poster's own furniture (key band, footer) ---------------------------
    def drawing(self, d: Drawing) -> None:
        """A display list (`poster_parts`) in the current coordinates (y flipped)."""
        c = self.c
        for b in d.boxes:
            r = b.rect
            if b.fill:
                c.setFillColorRGB(*on_white(b.fill))
            if b.stroke:
                c.setStrokeColorRGB(*on_white(b.stroke))
                c.setLineWidth(b.width)
            c.rect(r.x, -r.bottom, r.w, r.h, stroke=1 if b.stroke else 0, fill=1 if b.fill else 0)
        for s in d.segs:
            c.setStrokeColorRGB(*on_white(s.colour))
            c.setLineWidth(s.width)
            if s.dash:
                c.setDash(*s.dash)
            c.line(s.x1, -s.y1, s.x2, -s.y2)
            if s.dash:
                c.setDash()
        for dot in d.dots:
            c.setFillColorRGB(*on_white(dot.fill))
            if dot.ring:
                c.setStrokeColorRGB(*on_white(dot.ring))
                c.setLineWidth(dot.ring_width)
            c.circle(dot.cx, -dot.cy, dot.r, stroke=1 if dot.ring else 0, fill=1)
        if d.photo:
            self._photo(*d.photo)
        t = c.beginText()
        last = None
        for item in d.texts:
            if item.colour != last:
                t.setFillColorRGB(*on_white(item.colour))
                last = item.colour
            self.text(t, item.line)
        c.drawText(t)

    def _photo(self, rect: Rect, data: bytes) -> None:
        """The persona's photo, opened by Pillow with its decompression-bomb guard on."""
        from reportlab.lib.utils import ImageReader

        try:
            image = ImageReader(io.BytesIO(data))
            self.c.drawImage(image, rect.x, -rect.bottom, rect.w, rect.h,
                             preserveAspectRatio=True, anchor="c", mask="auto")
        except Exception as exc:  # a broken or oversized image must not sink the poster
            self.warnings.append(f"the persona photo was left out ({type(exc).__name__})")


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


def draw_poster(c, layout: MapLayout, plan: PosterPlan,
                progress: Callable[[float], None] | None = None) -> MapPainter:
    """The whole poster page on a reportlab canvas of the plan's page size."""
    painter = MapPainter(c, layout)
    ph = plan.page[1]
    c.saveState()
    c.translate(plan.ox, ph - plan.oy)
    c.scale(plan.scale, plan.scale)
    painter.draw(progress)
    painter.drawing(plan.key)
    c.restoreState()
    c.saveState()
    c.translate(0, ph)
    painter.drawing(plan.footer)
    c.restoreState()
    return painter


def write_poster_pdf(target: BinaryIO, layout: MapLayout, data: MapData, plan: PosterPlan,
                     progress: Callable[[float], None] | None = None) -> MapPainter:
    """The one-page PDF into an open binary file (or BytesIO)."""
    c = new_canvas(target, plan.page)
    _metadata(c, data, plan.page_name)
    painter = draw_poster(c, layout, plan, progress)
    c.showPage()
    c.save()
    return painter


def reporter(progress: Progress | None) -> Callable[[float], None]:
    def report(fraction: float) -> None:
        if progress is not None and progress(min(1.0, max(0.0, fraction))) is False:
            raise ExportCancelled("export cancelled")
    return report


def write_atomically(path, write: Callable[[BinaryIO], None]) -> Path:
    """Call `write(fh)` on a temporary file beside `path`, then fsync it, move it
    onto `path` and fsync the folder (storage.atomic); a failure leaves `path` as it was."""
    target = Path(path).expanduser()
    with atomic_file(target) as fh:
        write(fh)
    return target


def result_of(path: Path, layout: MapLayout, plan: PosterPlan, missing: set[str],
              fallback: set[str], extra: list[str] | None = None) -> PosterResult:
    cut = [n.id for n in layout.notes if n.truncated]
    warnings = list(plan.warnings) + list(extra or [])
    if cut:
        warnings.append(f"{len(cut)} note{'s' if len(cut) != 1 else ''} too long to fit "
                        f"{'were' if len(cut) != 1 else 'was'} cut with an ellipsis")
    if missing:
        warnings.append("no font can draw " + " ".join(sorted(missing))
                        + f" (U+{' U+'.join(f'{ord(c):04X}' for c in sorted(missing))}); "
                        "printed as □")
    return PosterResult(
        path=path, page_size=plan.page, scale=plan.scale,
        smallest_text_pt=plan.smallest_text_pt, cut_notes=cut, missing_chars=sorted(missing),
        page_name=plan.page_name, readable_pt=plan.readable_pt, warnings=warnings,
        fallback_fonts=sorted(fallback))


def export_poster_pdf(layout: MapLayout, data: MapData, path, size: str = "A0",
                      orientation: str | None = None, margin_mm: float = 10,
                      progress: Progress | None = None, scale: str | float | None = None,
                      voters: dict[str, str] | None = None, furniture: bool = True,
                      plan: PosterPlan | None = None) -> PosterResult:
    """Write the map as a one-page vector poster; raises ExportCancelled if cancelled.

    `furniture` adds the key band (title block, persona card, legend) and the
    footer; the CLI, the export dialog and print always ask for it. Without it
    the page holds the bare map, fitted to the margins (the first poster)."""
    plan = plan or plan_poster(layout, data, size, orientation, margin_mm, scale, voters,
                               key=furniture, footer=furniture)
    report = reporter(progress)
    report(0.0)
    painter: list[MapPainter] = []

    def write(fh: BinaryIO) -> None:
        painter.append(write_poster_pdf(fh, layout, data, plan, lambda f: report(0.9 * f)))
        report(0.95)

    path = write_atomically(path, write)
    report(1.0)
    p = painter[0]
    return result_of(path, layout, plan, p.missing, p.fallback, p.warnings)
