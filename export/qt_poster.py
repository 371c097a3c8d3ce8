"""The poster page and the tile sheets painted with QPainter.

The PNG poster, the printer, print preview and the export dialog's live
preview all paint through here: the map with the canvas's own painting
functions (`qt_paint.paint_layout`), the key band and footer from the same
display lists the PDF draws (`poster_parts`), the sheets from the same tile
plan. So the PNG, the paper from the printer and the PDF agree.
QtGui only: no widgets.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen

from journey.layout import MapLayout, Rect
from paint.qt_paint import draw_text_line, paint_layout
from paint.theme import on_white

from .poster_parts import Drawing
from .poster_plan import PosterPlan
from .tiles import Sheet, TilePlan


def _colour(spec: str) -> QColor:
    r, g, b = on_white(spec)
    return QColor.fromRgbF(r, g, b)


def paint_drawing(painter: QPainter, d: Drawing) -> None:
    """A display list in the painter's current coordinates."""
    for b in d.boxes:
        r = QRectF(b.rect.x, b.rect.y, b.rect.w, b.rect.h)
        if b.fill:
            painter.fillRect(r, _colour(b.fill))
        if b.stroke:
            painter.setPen(QPen(_colour(b.stroke), b.width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(r)
    for s in d.segs:
        pen = QPen(_colour(s.colour), s.width)
        if s.dash:
            pen.setDashPattern([v / max(s.width, 0.01) for v in s.dash])
        painter.setPen(pen)
        painter.drawLine(QPointF(s.x1, s.y1), QPointF(s.x2, s.y2))
    for dot in d.dots:
        painter.setPen(QPen(_colour(dot.ring), dot.ring_width) if dot.ring
                       else Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(_colour(dot.fill)))
        painter.drawEllipse(QPointF(dot.cx, dot.cy), dot.r, dot.r)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if d.photo:
        rect, data = d.photo
        image = QImage.fromData(data)  # Qt's own allocation limit guards it
        if not image.isNull():
            target = QRectF(rect.x, rect.y, rect.w, rect.h)
            size = image.size().scaled(round(rect.w * 8), round(rect.h * 8),
                                       Qt.AspectRatioMode.KeepAspectRatio)
            w, h = size.width() / 8, size.height() / 8
            painter.drawImage(QRectF(target.center().x() - w / 2, target.center().y() - h / 2,
                                     w, h), image)
    for t in d.texts:
        draw_text_line(painter, t.line, _colour(t.colour))


def culled(layout: MapLayout, area: Rect | None) -> MapLayout:
    """The layout with only the notes and cells that touch `area` (a band, a sheet)."""
    if area is None:
        return layout
    x0, y0, x1, y1 = area.x - 4, area.y - 4, area.right + 4, area.bottom + 4

    def hit(r: Rect) -> bool:
        return r.x < x1 and r.right > x0 and r.y < y1 and r.bottom > y0

    return replace(layout, notes=[n for n in layout.notes if hit(n.rect)],
                   cells=[c for c in layout.cells if hit(c.rect)])


def paint_poster(painter: QPainter, layout: MapLayout, plan: PosterPlan,
                 visible: Rect | None = None, lod: float | None = 1.0) -> None:
    """The poster page in page points (0, 0 = top-left corner of the page).

    `visible` (page points) skips notes outside a band or sheet; `lod` 1.0
    draws full detail whatever the resolution (exports), None lets a small
    preview simplify as the canvas does when zoomed out."""
    painter.save()
    painter.fillRect(QRectF(0, 0, *plan.page), QColor("#FFFFFF"))
    painter.translate(plan.ox, plan.oy)
    painter.scale(plan.scale, plan.scale)
    area = None
    if visible is not None:
        s = plan.scale
        area = Rect((visible.x - plan.ox) / s, (visible.y - plan.oy) / s, visible.w / s,
                    visible.h / s)
    paint_layout(painter, culled(layout, area), lod)
    paint_drawing(painter, plan.key)
    painter.restore()
    painter.save()
    paint_drawing(painter, plan.footer)
    painter.restore()


def paint_sheet(painter: QPainter, layout: MapLayout, plan: TilePlan, sheet: Sheet) -> None:
    """One tile sheet in sheet points: its window of the poster, clipped, then its marks."""
    box, w = plan.content, sheet.window
    painter.save()
    painter.setClipRect(QRectF(box.x, box.y, box.w, box.h))
    painter.translate(box.x - w.x, box.y - w.y)
    paint_poster(painter, layout, plan.poster, visible=w)
    painter.restore()
    paint_drawing(painter, sheet.marks)


def paint_assembly(painter: QPainter, layout: MapLayout, plan: TilePlan) -> None:
    """Page 1 of the tiles: the poster in miniature under the sheet grid."""
    x, y, t = plan.thumb
    pw, ph = plan.poster.page
    painter.save()
    painter.setClipRect(QRectF(x, y, pw * t, ph * t))
    painter.translate(x, y)
    painter.scale(t, t)
    paint_poster(painter, layout, plan.poster, lod=None)
    painter.restore()
    paint_drawing(painter, plan.assembly)


def render_preview(layout: MapLayout, plan: PosterPlan, max_w: int, max_h: int) -> QImage:
    """A small image of the whole page for the export dialog."""
    pw, ph = plan.page
    k = min(max_w / pw, max_h / ph)
    image = QImage(max(1, round(pw * k)), max(1, round(ph * k)), QImage.Format.Format_RGB32)
    image.fill(QColor("#FFFFFF"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.scale(k, k)
    paint_poster(p, layout, plan, lod=None)
    p.end()
    return image
