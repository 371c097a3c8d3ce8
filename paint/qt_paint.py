"""QPainter painting of layout elements, shared by the canvas and raster exporters.

One layout, many renderers: every function here draws exactly the rectangles
and text lines of a `journey.layout` element in its absolute coordinates
(points; 1 pt = 1 px at zoom 1). The canvas items call them with the painter
translated to the item's origin; a PNG exporter calls `paint_layout` on a
`QImage`. Text is never re-wrapped: each `TextLine` is drawn where the layout
put it, by `qt_text` (the faces and the cached glyph runs, so CJK falls back
to Droid Sans Fallback exactly as the PDF does). QtGui only: no widgets, no
canvas.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import threading
from collections.abc import Iterator
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)

from journey import fonts as jfonts
from journey.layout import (
    CellBox,
    CurvePointBox,
    CurveShape,
    HeaderBox,
    LegendEntry,
    MapLayout,
    NoteBox,
    NoteFace,
    ScaleShape,
    TextLine,
)

from .qt_text import draw_text_line, draw_text_lines, line_extent
from .theme import (  # noqa: F401  (re-exported for the canvas)
    CHIP_RADIUS,
    CURVE_WIDTH,
    POINT_R,
    STAGE_NOTCH,
    THEME,
    Theme,
    chip_edge,
    chip_fill,
    kind_accent_hex,
    rgb,
    stage_points,
    stage_rgb,
    text_on,
)

# -- theme (colours live in paint.theme, shared with the Qt-free PDF path) ------

LOD_PLAIN = 0.2  # below this level of detail a note is a filled rectangle
LOD_TEXT = 0.4  # below this, text is skipped


class _PaintTheme(Theme):
    """THEME's class while a thread paints with its own theme: that thread's theme
    answers, every other thread (an export worker) still reads THEME's own values."""

    def __getattribute__(self, name: str) -> object:
        theme = getattr(_PAINTING, "theme", None)
        if theme is not None and name in _THEME_FIELDS:
            return getattr(theme, name)
        return super().__getattribute__(name)


_PAINTING = threading.local()
_THEME_FIELDS = frozenset(f.name for f in dataclasses.fields(Theme))


@contextlib.contextmanager
def painting_theme(theme: Theme | None) -> Iterator[None]:
    """Paint with `theme` on this thread for a while (View › Projector theme).

    Every module holds the one THEME object (imported by name), so the switch is
    made on that object: its class becomes `_PaintTheme` and this thread's reads
    see `theme`; a poster exported on a worker thread meanwhile sees the standard
    colours, and after the block THEME is exactly as before."""
    if theme is None:
        yield
        return
    outer = getattr(_PAINTING, "theme", None)  # a paint inside a paint (a grab)
    _PAINTING.theme = theme
    object.__setattr__(THEME, "__class__", _PaintTheme)
    try:
        yield
    finally:
        _PAINTING.theme = outer
        if outer is None:
            object.__setattr__(THEME, "__class__", Theme)


@cache
def qcolor(spec: str) -> QColor:
    return QColor(spec)


def kind_accent(kind: str) -> QColor:
    """The strong hue of the lane kind's note colour (the lane header's stripe)."""
    return qcolor(kind_accent_hex(kind))


def stage_colour(index: int, count: int) -> QColor:
    """A gentle ramp from the first to the last stage so the journey reads left to right."""
    return QColor.fromRgbF(*stage_rgb(index, count))


def lod_of(painter: QPainter) -> float:
    """Level of detail of the painter: 1.0 at 100 % zoom.

    The formula of QStyleOptionGraphicsItem.levelOfDetailFromTransform (the
    square root of the area of a transformed unit square), kept here because
    paint/ must not import QtWidgets."""
    t = painter.worldTransform()
    if t.type().value <= QTransform.TransformationType.TxTranslate.value:
        return 1.0
    sx = math.hypot(t.m11(), t.m12())
    sy = math.hypot(t.m21(), t.m22())
    return math.sqrt(sx * sy)


def qrect(r) -> QRectF:
    return QRectF(r.x, r.y, r.w, r.h)


# -- elements -----------------------------------------------------------------

def paint_paper(painter: QPainter, layout: MapLayout) -> None:
    painter.fillRect(qrect(layout.bounds), qcolor(THEME.paper))


def paint_title(painter: QPainter, title: HeaderBox) -> None:
    for line in title.lines:
        draw_text_line(painter, line, qcolor(THEME.title_text if line.bold
                                             else THEME.subtitle_text))


def stage_outline(header: HeaderBox, first: bool) -> QPolygonF:
    """A chevron inside the header's rect: notched on the left, pointed on the right."""
    r = header.rect
    return QPolygonF([QPointF(x, y) for x, y in stage_points(r.x, r.y, r.w, r.h, first)])


def paint_stage_header(painter: QPainter, header: HeaderBox, index: int = 0,
                       count: int = 1) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(stage_colour(index, count))
    painter.drawPolygon(stage_outline(header, index == 0))
    draw_text_lines(painter, header.lines, qcolor(THEME.stage_text))


def paint_lane_header(painter: QPainter, header: HeaderBox) -> None:
    r = qrect(header.rect)
    painter.fillRect(r, qcolor(THEME.lane_fill))
    painter.fillRect(QRectF(r.x(), r.y(), 4, r.height()), kind_accent(header.kind))
    painter.setPen(QPen(qcolor(THEME.grid), 0.75))
    painter.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()))
    painter.drawLine(QPointF(r.left(), r.top()), QPointF(r.right(), r.top()))
    for line in header.lines:
        draw_text_line(painter, line, qcolor(THEME.lane_text if line.bold
                                             else THEME.lane_kind_text))


def paint_cell(painter: QPainter, cell: CellBox, alternate: bool = False) -> None:
    r = qrect(cell.rect)
    if alternate:
        painter.fillRect(r, qcolor(THEME.lane_alt))
    painter.setPen(QPen(qcolor(THEME.grid), 0.75))
    painter.drawLine(QPointF(r.right(), r.top()), QPointF(r.right(), r.bottom()))
    painter.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()))
    if cell.hidden_notes:
        label = f"{cell.hidden_notes} note" + ("" if cell.hidden_notes == 1 else "s") + " hidden"
        size = 8.0
        w = jfonts.metrics().width(label, size)
        line = TextLine(label, r.x() + (r.width() - w) / 2,
                        r.y() + r.height() / 2 + size * 0.35, size, False, w)
        draw_text_line(painter, line, qcolor(THEME.hidden_notes))


def note_bounds(note: NoteBox) -> QRectF:
    """What a note paints, shadow and selection outline included."""
    return qrect(note.rect).adjusted(-1.5, -1.5, 3.0, 3.0)


def paint_note(painter: QPainter, note: NoteBox, lod: float = 1.0,
               selected: bool = False, min_dot_px: float = 0.0) -> None:
    """A sticky note at its place on the map: its face, moved there."""
    x, y = note.rect.x, note.rect.y
    painter.translate(x, y)
    paint_face(painter, note.face, lod, selected, min_dot_px)
    painter.translate(-x, -y)


def paint_face(painter: QPainter, face: NoteFace, lod: float = 1.0,
               selected: bool = False, min_dot_px: float = 0.0) -> None:
    """A sticky note's face with its top-left corner at (0, 0); simplified when
    zoomed far out (the 40000-chips recipe).

    `min_dot_px`: the smallest vote dot worth drawing, in device pixels (the
    canvas asks for one a room can see; print, read from close by, for none).
    When the dots would come out smaller, one badge with the count is drawn."""
    r = QRectF(0.0, 0.0, face.w, face.h)
    fill = qcolor(face.colour)
    if lod < LOD_PLAIN:
        painter.fillRect(r, fill)
        return
    # The shadow as two strips: far fewer blended pixels than a whole offset rect.
    # Without antialiasing: Qt's raster engine fills a translucent antialiased
    # rect with fractional edges row by row (~30-70 µs for a note-high strip,
    # most of a 100 % frame); snapped to pixels it is ~1 µs and looks the same.
    shadow = qcolor(THEME.note_shadow)
    aa = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
    if aa:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(QRectF(r.right(), r.top() + 1.8, 1.2, r.height()), shadow)
    painter.fillRect(QRectF(r.left() + 1.2, r.bottom(), r.width() - 1.2, 1.8), shadow)
    if aa:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.fillRect(r, fill)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if selected:
        painter.setPen(QPen(qcolor(THEME.selection), 2.0))
        painter.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
    else:
        painter.setPen(QPen(fill.darker(125), 0.6))
        painter.drawRect(r)
    if lod >= LOD_TEXT:
        draw_text_lines(painter, face.lines, qcolor(THEME.note_text))
        if face.chips:
            paint_tag_chips(painter, face)
    if face.votes and 2 * face.dot_r * lod < min_dot_px:
        paint_vote_badge(painter, face, lod, min_dot_px)
        return
    if lod < LOD_TEXT:
        return
    if face.dots:
        painter.setPen(QPen(qcolor("#FFFFFF"), 0.8))
        for dot in face.dots:
            painter.setBrush(qcolor(dot.colour))
            painter.drawEllipse(QPointF(dot.cx, dot.cy), dot.r, dot.r)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    if face.more_votes is not None:
        draw_text_line(painter, face.more_votes, qcolor(THEME.more_votes))


BADGE_SCALE = 1.5  # a vote badge is this many times the smallest legible dot


def paint_vote_badge(painter: QPainter, face: NoteFace, lod: float, min_dot_px: float) -> None:
    """The note's votes as one round badge with the count, sized in device pixels
    (`BADGE_SCALE` × `min_dot_px`, never more than 70 % of the note's short side),
    in its bottom-right corner: the voter's colour when one person voted, else the
    theme's dark grey, so "how many" reads at any zoom. Note-local coordinates."""
    w, h = face.w, face.h
    lod = max(lod, 1e-6)
    d = min(BADGE_SCALE * min_dot_px / lod, 0.7 * min(w, h))
    spec = face.voter or THEME.more_votes
    inset = min(2.0 / lod, (min(w, h) - d) / 2)
    cx, cy = w - inset - d / 2, h - inset - d / 2
    painter.setPen(QPen(qcolor("#FFFFFF"), d * 0.08))
    painter.setBrush(qcolor(spec))
    painter.drawEllipse(QPointF(cx, cy), d / 2, d / 2)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    # The count in device pixels, in half-pixel steps: a handful of cached text runs
    # whatever the zoom, instead of new ones at every zoom step.
    label = str(face.votes)
    size = max(0.5, round(d * lod * (0.62 if len(label) == 1 else 0.5) * 2) / 2)
    tw = jfonts.metrics("sans-bold").width(label, size)
    ink = qcolor("#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in text_on(rgb(spec)))))
    painter.save()
    painter.translate(cx, cy)
    painter.scale(1 / lod, 1 / lod)
    draw_text_line(painter, TextLine(label, -tw / 2, size * 0.36, size, True, tw), ink)
    painter.restore()


@cache
def _chip_style(note_colour: str) -> tuple[QPen, QColor]:
    fill = rgb(note_colour)
    return QPen(QColor.fromRgbF(*chip_edge(fill)), 0.6), QColor.fromRgbF(*chip_fill(fill))


def paint_tag_chips(painter: QPainter, face: NoteFace) -> None:
    """The note's "#tag" chips: rounded boxes a lighter tint of the note, labelled."""
    pen, brush = _chip_style(face.colour)
    painter.setPen(pen)
    painter.setBrush(brush)
    for chip in face.chips:
        painter.drawRoundedRect(qrect(chip.rect), CHIP_RADIUS, CHIP_RADIUS)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    draw_text_lines(painter, [chip.label for chip in face.chips], qcolor(THEME.tag_text))


def scale_bounds(scale: ScaleShape, labels: bool = True) -> QRectF:
    r = qrect(scale.area)
    if labels:
        r = QRectF()
        for tick in scale.ticks:
            r = r.united(line_extent(tick.label))
    return r.adjusted(-1, -1, 1, 1)


def paint_scale(painter: QPainter, scale: ScaleShape, lines: bool = True,
                labels: bool = True) -> None:
    """Tick lines and the dashed neutral line across the area; score labels at its left.

    The labels sit over the lane header, so the canvas draws them from a
    separate item stacked above the headers."""
    a = scale.area
    if lines:
        painter.setPen(QPen(qcolor(THEME.tick_line), 0.75))
        for tick in scale.ticks:
            if scale.neutral_y is None or abs(tick.y - scale.neutral_y) > 1e-6:
                painter.drawLine(QPointF(a.x, tick.y), QPointF(a.right, tick.y))
        if scale.neutral_y is not None:
            pen = QPen(qcolor(THEME.neutral_line), 1.0, Qt.PenStyle.DashLine)
            pen.setDashPattern([4.0, 3.0])
            painter.setPen(pen)
            painter.drawLine(QPointF(a.x, scale.neutral_y), QPointF(a.right, scale.neutral_y))
    if labels:
        draw_text_lines(painter, [t.label for t in scale.ticks], qcolor(THEME.scale_text))


def curve_path(curve: CurveShape) -> QPainterPath:
    path = QPainterPath()
    if not curve.segments:
        return path
    path.moveTo(*curve.segments[0][0])
    for _, c1, c2, p1 in curve.segments:
        path.cubicTo(QPointF(*c1), QPointF(*c2), QPointF(*p1))
    return path


def paint_curve_path(painter: QPainter, curve: CurveShape,
                     path: QPainterPath | None = None) -> None:
    pen = QPen(qcolor(curve.colour), CURVE_WIDTH)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path if path is not None else curve_path(curve))


def point_bounds(point: CurvePointBox) -> QRectF:
    r = POINT_R + 2
    box = QRectF(point.x - r, point.y - r, 2 * r, 2 * r)
    return box.united(line_extent(point.label)) if point.label else box


def paint_curve_point(painter: QPainter, point: CurvePointBox, colour: str,
                      selected: bool = False) -> None:
    c = qcolor(colour)
    painter.setPen(QPen(qcolor(THEME.selection) if selected else c, 2.0))
    painter.setBrush(QBrush(qcolor("#FFFFFF")))
    painter.drawEllipse(QPointF(point.x, point.y), POINT_R, POINT_R)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(c)
    painter.drawEllipse(QPointF(point.x, point.y), POINT_R - 2.2, POINT_R - 2.2)
    if point.label:
        draw_text_line(painter, point.label, qcolor(THEME.curve_label))


def paint_curve(painter: QPainter, curve: CurveShape) -> None:
    paint_curve_path(painter, curve)
    for p in curve.points:
        paint_curve_point(painter, p, curve.colour)


def legend_bounds(entry: LegendEntry) -> QRectF:
    (x0, y0), (x1, _) = entry.swatch
    r = QRectF(x0 - 1, y0 - CURVE_WIDTH - 1, x1 - x0 + 2, 2 * CURVE_WIDTH + 2)
    for line in entry.lines:
        r = r.united(line_extent(line))
    return r.adjusted(-1, -1, 1, 1)


def paint_legend_entry(painter: QPainter, entry: LegendEntry) -> None:
    """A short stroke with a point in the curve's colour, then the curve's name."""
    (x0, y0), (x1, y1) = entry.swatch
    pen = QPen(qcolor(entry.colour), CURVE_WIDTH)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLine(QPointF(x0, y0), QPointF(x1, y1))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(qcolor(entry.colour))
    painter.drawEllipse(QPointF((x0 + x1) / 2, y0), 2.6, 2.6)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    draw_text_lines(painter, entry.lines, qcolor(THEME.lane_text))


def paint_layout(painter: QPainter, layout: MapLayout, lod: float | None = None) -> None:
    """The whole map in the canvas's stacking order (for raster exporters)."""
    lod = lod_of(painter) if lod is None else lod
    paint_paper(painter, layout)
    lane_index = {h.id: i for i, h in enumerate(layout.lanes)}
    for cell in layout.cells:
        paint_cell(painter, cell, lane_index.get(cell.lane_id, 0) % 2 == 1)
    for scale in layout.scales:
        paint_scale(painter, scale, labels=False)
    for note in layout.notes:
        paint_note(painter, note, lod)
    for curve in layout.curves:
        paint_curve(painter, curve)
    for i, header in enumerate(layout.stages):
        paint_stage_header(painter, header, i, len(layout.stages))
    for header in layout.lanes:
        paint_lane_header(painter, header)
    for scale in layout.scales:
        paint_scale(painter, scale, lines=False)
    for entry in layout.legend:
        paint_legend_entry(painter, entry)
    paint_title(painter, layout.title)
