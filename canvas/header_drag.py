"""Reordering stages and lanes by dragging their headers.

`HeaderDrag` is the live part: the grabbed header follows the pointer along
its axis (stages left/right, lanes up/down), lifted above its neighbours, and
a bar marks where it would land. Nothing is written while dragging; `finish`
returns the new index (None when the order would not change) for the editor
to push as one move command, and `cancel` (Esc) puts the header back.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsScene

from journey.layout import HeaderBox, MapLayout
from paint.qt_paint import THEME

from .column_resize import Z_PREVIEW, map_bottom

BAR = 4.0  # thickness of the insertion bar, in points


def insertion_index(headers: list[HeaderBox], dragged: str, coord: float,
                    vertical: bool) -> int:
    """Where `dragged` lands if dropped at `coord`: its index among the others.

    The others keep their order; the header goes before the first one whose
    middle lies beyond the pointer."""
    others = [h for h in headers if h.id != dragged]
    index = 0
    for h in others:
        mid = h.rect.y + h.rect.h / 2 if vertical else h.rect.x + h.rect.w / 2
        if coord > mid:
            index += 1
    return index


def insertion_bar(layout: MapLayout, headers: list[HeaderBox], dragged: str, index: int,
                  vertical: bool) -> QRectF:
    """The bar between the neighbours the header would land between, across the grid."""
    others = [h for h in headers if h.id != dragged]
    if not others:
        return QRectF()
    if index < len(others):
        at = others[index].rect.y if vertical else others[index].rect.x
    else:
        at = others[-1].rect.bottom if vertical else others[-1].rect.right
    if vertical:
        left = min(h.rect.x for h in layout.lanes)
        right = max((h.rect.right for h in layout.stages), default=left + 200)
        return QRectF(left, at - BAR / 2, right - left, BAR)
    top = min(h.rect.y for h in layout.stages)
    return QRectF(at - BAR / 2, top, BAR, map_bottom(layout) - top)


class HeaderDrag:
    """A stage or lane header being dragged to a new place."""

    def __init__(self, scene: QGraphicsScene, layout: MapLayout, item: QGraphicsItem,
                 kind: str, item_id: str, press: QPointF) -> None:
        self.scene = scene
        self.layout = layout
        self.item = item
        self.kind = kind
        self.item_id = item_id
        self.vertical = kind == "lane"
        self.headers = layout.lanes if self.vertical else layout.stages
        self.index = next(i for i, h in enumerate(self.headers) if h.id == item_id)
        self.target = self.index
        self.press = QPointF(press)
        self.origin = item.pos()
        self.z = item.zValue()
        item.setZValue(Z_PREVIEW - 1)  # lifted above its neighbours, opaque so names never mix
        self.bar = QGraphicsRectItem()
        self.bar.setBrush(QBrush(QColor(THEME.selection)))
        self.bar.setPen(QPen(Qt.PenStyle.NoPen))
        self.bar.setZValue(Z_PREVIEW)
        self.bar.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.bar.hide()
        scene.addItem(self.bar)

    def move(self, pos: QPointF) -> int:
        """Follow the pointer; returns the index the header would land at."""
        delta = pos - self.press
        if self.vertical:
            self.item.setPos(self.origin + QPointF(0, delta.y()))
            coord = pos.y()
        else:
            self.item.setPos(self.origin + QPointF(delta.x(), 0))
            coord = pos.x()
        self.target = insertion_index(self.headers, self.item_id, coord, self.vertical)
        if self.target == self.index:
            self.bar.hide()
        else:
            self.bar.setRect(insertion_bar(self.layout, self.headers, self.item_id,
                                           self.target, self.vertical))
            self.bar.show()
        return self.target

    def finish(self) -> int | None:
        """End the drag; the new index, or None when the order stays as it was."""
        self._restore()
        return None if self.target == self.index else self.target

    def cancel(self) -> None:
        self._restore()

    def _restore(self) -> None:
        self.item.setPos(self.origin)
        self.item.setZValue(self.z)
        if self.bar.scene() is not None:
            self.bar.scene().removeItem(self.bar)
