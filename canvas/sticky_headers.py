"""Sticky headers: stage headers stay at the top and lane headers at the left.

When the view is scrolled down so the stage header row has left the
viewport, the view's `drawForeground` paints the stage headers again at the
top edge; scrolled right, the lane headers (with the emotion lane's score
labels) at the left edge. They are painted from the layout with the same
`paint.qt_paint` functions as the header items, in scene coordinates
shifted along one axis only, so at any zoom they line up with their columns
and rows. Like CSS `position: sticky`, a band stops at the end of the grid.
In a lane taller than the window the lane's label also follows the scroll
down the lane, so the row being read is always named.

No items are involved, so nothing needs moving on scroll; the only cost is
that a scroll must repaint the whole viewport while a band is shown (Qt
would otherwise scroll the band's pixels along with the map), which the
notes' pixmap cache keeps cheap.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsView

from journey import fonts as jfonts
from journey.layout import HeaderBox, MapLayout
from paint.qt_paint import (
    THEME,
    paint_lane_header,
    paint_scale,
    paint_stage_header,
    qcolor,
)

LABEL_PAD = 6.0  # scene units between a following lane label and the band above it


def _label_shift(header: HeaderBox, top: float) -> float:
    """How far down a lane's label must move to stay visible below `top` (0 if not)."""
    if not header.lines:
        return 0.0
    ink_top = min(ln.baseline - ln.size * jfonts.ASCENT for ln in header.lines)
    ink_bottom = max(ln.baseline + ln.size * jfonts.DESCENT for ln in header.lines)
    room = header.rect.bottom - LABEL_PAD - ink_bottom
    return max(0.0, min(top + LABEL_PAD - ink_top, room))


def shifted(header: HeaderBox, dy: float) -> HeaderBox:
    """The header with its text lines moved down by `dy` (the box stays)."""
    if dy <= 0:
        return header
    return replace(header, lines=tuple(replace(ln, baseline=ln.baseline + dy)
                                       for ln in header.lines))


class Bands:
    """Where the sticky bands go for one visible rect (scene coordinates).

    `shifts` holds, for lanes in view whose label has scrolled out at the top
    (a tall lane), how far the label moves down to stay readable."""

    def __init__(self, layout: MapLayout, visible: QRectF) -> None:
        stages, lanes = layout.stages, layout.lanes
        self.dy = self.dx = 0.0
        self.stage_band = self.lane_band = QRectF()
        self.shifts: dict[str, float] = {}
        if stages and lanes:
            top = min(h.rect.y for h in stages)
            bottom = max(h.rect.bottom for h in stages)
            left = min(h.rect.x for h in lanes)
            right = max(h.rect.right for h in lanes)
            grid_right = max(h.rect.right for h in stages)
            grid_bottom = max(h.rect.bottom for h in lanes)
            if visible.top() > top:  # the stage row has (partly) left at the top
                self.dy = min(visible.top() - top, grid_bottom - bottom)
                self.stage_band = QRectF(left, top + self.dy, grid_right - left, bottom - top)
            if visible.left() > left:
                self.dx = min(visible.left() - left, grid_right - right)
                self.lane_band = QRectF(left + self.dx, top, right - left, grid_bottom - top)
            label_top = self.stage_band.bottom() if self.dy > 0 else visible.top()
            for h in lanes:
                if h.rect.y < label_top < h.rect.bottom:
                    shift = _label_shift(h, label_top)
                    if shift > 0:
                        self.shifts[h.id] = shift

    @property
    def any(self) -> bool:
        return self.dy > 0 or self.dx > 0 or bool(self.shifts)


class StickyHeaders(QObject):
    """Paints the sticky bands for one MapView; `enabled` turns them off."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.view = view
        self.enabled = True
        self._shown = False  # a band was painted in the last frame
        view.viewport().installEventFilter(self)

    def _layout(self) -> MapLayout | None:
        scene = self.view.scene()
        return getattr(scene, "layout", None) if scene is not None else None

    def bands(self) -> Bands | None:
        layout = self._layout()
        if not self.enabled or layout is None:
            return None
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        bands = Bands(layout, visible)
        return bands if bands.any else None

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        self.view.viewport().update()

    # -- hooks called by the view -------------------------------------------------
    def scrolled(self) -> None:
        """After a scroll: repaint everything if a band is (or was) on screen."""
        if self._shown or self.bands() is not None:
            self.view.viewport().update()

    def paint(self, painter: QPainter, exposed: QRectF) -> None:
        layout = self._layout()
        bands = self.bands()
        self._shown = bands is not None
        if bands is None or layout is None:
            return
        paper = qcolor(THEME.paper)
        edge = QPen(qcolor(THEME.grid), 0)  # cosmetic: one device pixel at any zoom
        n = len(layout.stages)
        if bands.dx > 0:
            band = bands.lane_band
            painter.fillRect(band, paper)
            painter.save()
            painter.translate(bands.dx, 0)
            for header in layout.lanes:
                if header.rect.bottom >= exposed.top() and header.rect.y <= exposed.bottom():
                    paint_lane_header(painter, shifted(header, bands.shifts.get(header.id, 0)))
            for scale in layout.scales:
                paint_scale(painter, scale, lines=False)
            painter.restore()
            painter.setPen(edge)
            painter.drawLine(QPointF(band.right(), band.top()),
                             QPointF(band.right(), band.bottom()))
        elif bands.shifts:  # not scrolled right, but a tall lane's label scrolled away
            for header in layout.lanes:
                if header.id in bands.shifts:
                    paint_lane_header(painter, shifted(header, bands.shifts[header.id]))
            for scale in layout.scales:
                if scale.lane_id in bands.shifts:
                    paint_scale(painter, scale, lines=False)
        if bands.dy > 0:
            band = bands.stage_band
            painter.fillRect(band.adjusted(0, -2, 0, 2), paper)
            painter.save()
            painter.translate(0, bands.dy)
            for i, header in enumerate(layout.stages):
                if header.rect.right >= exposed.left() and header.rect.x <= exposed.right():
                    paint_stage_header(painter, header, i, n)
            painter.restore()
            painter.setPen(edge)
            painter.drawLine(QPointF(band.left(), band.bottom() + 2),
                             QPointF(band.right(), band.bottom() + 2))
        if bands.dx > 0 and bands.dy > 0:  # the corner where both bands meet
            lane, stage = bands.lane_band, bands.stage_band
            painter.fillRect(QRectF(lane.left(), stage.top() - 2, lane.width(),
                                    stage.height() + 4), paper)

    # -- clicks on a band do not reach the notes hidden beneath it ------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) \
                and event.button() == Qt.MouseButton.LeftButton \
                and not getattr(self.view, "_space", False):  # space-drag pans anywhere
            hit = self.band_at(event.position())  # type: ignore[attr-defined]
            if hit is not None:
                self._select_header(*hit)
                return True
        return False

    def band_at(self, pos: QPointF) -> tuple[str, str] | None:
        """("stage" | "lane", id) of the sticky header under a viewport point, if any."""
        bands = self.bands()
        layout = self._layout()
        if bands is None or layout is None:
            return None
        p = self.view.mapToScene(pos.toPoint())
        if bands.dy > 0 and bands.stage_band.contains(p):
            if bands.dx > 0 and bands.lane_band.contains(p):
                return None  # the blank corner
            for h in layout.stages:
                if h.rect.x <= p.x() <= h.rect.right:
                    return "stage", h.id
        if bands.dx > 0 and bands.lane_band.contains(p):
            for h in layout.lanes:
                if h.rect.y <= p.y() <= h.rect.bottom:
                    return "lane", h.id
        return None

    def _select_header(self, kind: str, header_id: str) -> None:
        """A click on a sticky header selects the real header item (if selectable)."""
        scene: Any = self.view.scene()
        table = getattr(scene, "stages" if kind == "stage" else "lanes", {})
        item = table.get(header_id)
        if item is None or not item.flags() & item.GraphicsItemFlag.ItemIsSelectable:
            return
        scene.clearSelection()
        item.setSelected(True)


__all__ = ["Bands", "StickyHeaders"]
