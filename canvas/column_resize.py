"""Widening and narrowing a stage column by dragging the right edge of its header.

`ColumnResize` is the live part of the gesture: while the mouse moves it
shades the column at its new width with a guide line and the width in
points; nothing is written. `finish` returns the new width (or None when it
did not change) for the editor to push as one `set_stage_width` command, and
`cancel` (Esc) just removes the preview. The hit-test helpers are shared with
the stage header item, which shows the resize cursor over the same zone.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from journey.layout import HeaderBox, MapLayout
from journey.ops.structure import MAX_STAGE_WIDTH, MIN_STAGE_WIDTH
from paint.qt_paint import THEME

EDGE_PX = 6.0  # half-width of the grab zone around a column edge, in screen pixels
SNAP = 10.0  # widths snap to whole multiples of this many points
Z_PREVIEW = 50.0


def view_zoom(scene: QGraphicsScene | None) -> float:
    """The zoom of the scene's first view (1.0 at 100 %)."""
    views = scene.views() if scene is not None else []
    return views[0].transform().m11() if views else 1.0


def edge_tolerance(zoom: float) -> float:
    """Half-width of the edge's grab zone in points: a few screen pixels at any zoom."""
    return max(2.5, EDGE_PX / max(zoom, 1e-6))


def stage_edge_at(layout: MapLayout | None, pos: QPointF, tolerance: float) -> str | None:
    """The stage whose header's right edge is under `pos` (the nearest one), if any."""
    if layout is None:
        return None
    best: tuple[float, str] | None = None
    for header in layout.stages:
        r = header.rect
        if not r.y <= pos.y() <= r.bottom:
            continue
        d = abs(pos.x() - r.right)
        if d <= tolerance and (best is None or d < best[0]):
            best = (d, header.id)
    return best[1] if best else None


def map_bottom(layout: MapLayout) -> float:
    """The bottom of the grid (the last lane), or of the stage headers when there is none."""
    bottoms = [h.rect.bottom for h in layout.lanes] + [h.rect.bottom for h in layout.stages]
    return max(bottoms, default=0.0)


class ColumnResize:
    """A stage column being resized: live preview only; the editor commits on release."""

    def __init__(self, scene: QGraphicsScene, layout: MapLayout, header: HeaderBox,
                 press_x: float) -> None:
        self.scene = scene
        self.stage_id = header.id
        self.left = header.rect.x
        self.top = header.rect.y
        self.bottom = map_bottom(layout)
        self.start_width = header.rect.w
        self.press_x = press_x
        self.width = self.start_width
        accent = QColor(THEME.selection)
        shade = QColor(accent)
        shade.setAlpha(34)
        self.shade = QGraphicsRectItem()
        self.shade.setBrush(QBrush(shade))
        self.shade.setPen(QPen(Qt.PenStyle.NoPen))
        self.guide = QGraphicsLineItem()
        pen = QPen(accent, 2.0)
        pen.setCosmetic(True)
        self.guide.setPen(pen)
        self.label = QGraphicsSimpleTextItem()
        self.label.setBrush(QBrush(QColor("#FFFFFF")))
        font = QFont(self.label.font())
        font.setPixelSize(11)
        font.setBold(True)
        self.label.setFont(font)
        self.pill = QGraphicsRectItem()  # the width reads on notes and on headers alike
        self.pill.setBrush(QBrush(accent))
        self.pill.setPen(QPen(Qt.PenStyle.NoPen))
        self.label_top = header.rect.bottom + 6
        self.items = (self.shade, self.guide, self.pill, self.label)
        for z, item in enumerate(self.items):
            item.setZValue(Z_PREVIEW + z / 10)
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            scene.addItem(item)
        self._show()

    def move(self, x: float) -> float:
        """Follow the pointer; returns the previewed width (clamped and snapped)."""
        raw = self.start_width + (x - self.press_x)
        width = round(raw / SNAP) * SNAP
        self.width = float(min(MAX_STAGE_WIDTH, max(MIN_STAGE_WIDTH, width)))
        self._show()
        return self.width

    def _show(self) -> None:
        right = self.left + self.width
        self.shade.setRect(QRectF(self.left, self.top, self.width, self.bottom - self.top))
        self.guide.setLine(right, self.top, right, self.bottom)
        self.label.setText(f"{self.width:.0f} pt")
        self.label.setPos(right + 8, self.label_top + 2)
        self.pill.setRect(self.label.sceneBoundingRect().adjusted(-4, -2, 4, 2))

    def finish(self) -> float | None:
        """End the gesture; the new width, or None when it is the width it had."""
        self._remove()
        return None if abs(self.width - self.start_width) < 0.5 else self.width

    def cancel(self) -> None:
        self._remove()

    def _remove(self) -> None:
        for item in self.items:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.items = ()
