"""Cells (the grid behind the notes) and the small base class of box-like items.

A `BoxItem` holds one immutable layout element, sits at the element's origin
and paints it through `paint.qt_paint` in the layout's absolute coordinates.
`set_element` compares the new element with the old one and touches Qt only
when something changed, so re-applying a layout after an edit is cheap.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from journey.layout import CellBox
from paint.qt_paint import paint_cell, qrect

Z_CELL = 0.0


class BoxItem(QGraphicsRectItem):
    """Base of items drawn from one layout element; subclasses give geometry and paint.

    A QGraphicsRectItem (with no pen) so `boundingRect` and `shape` stay in C++:
    a Python `boundingRect` is called several times per item per frame, which
    is most of the cost of a frame on a big map."""

    def __init__(self, element: Any, z: float) -> None:
        super().__init__()
        self.setPen(Qt.PenStyle.NoPen)
        self.setZValue(z)
        self._el = element
        (self._ox, self._oy), bounds = self.geometry(element)
        self._bounds = bounds.translated(-self._ox, -self._oy)
        self.setRect(self._bounds)
        self.setPos(self._ox, self._oy)

    @property
    def element(self) -> Any:
        return self._el

    def set_element(self, element: Any) -> bool:
        """Show a new element; True if it differed from the current one."""
        if element == self._el:
            return False
        (ox, oy), bounds = self.geometry(element)
        local = bounds.translated(-ox, -oy)
        if local != self._bounds:
            self._bounds = local
            self.setRect(local)  # calls prepareGeometryChange itself
        self._el = element
        if (ox, oy) != (self._ox, self._oy):
            self._ox, self._oy = ox, oy
            self.setPos(ox, oy)
        self.update()
        return True

    def geometry(self, element: Any) -> tuple[tuple[float, float], QRectF]:
        """(origin, bounds) in scene coordinates for an element."""
        raise NotImplementedError

    def draw(self, painter: QPainter, lod: float) -> None:
        """Paint the element in absolute layout coordinates."""
        raise NotImplementedError

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        painter.translate(-self._ox, -self._oy)
        self.draw(painter, lod)
        painter.translate(self._ox, self._oy)


class CellItem(BoxItem):
    """One cell: the lane's band colour and the grid lines; element = (CellBox, alternate)."""

    def __init__(self, cell: CellBox, alternate: bool = False) -> None:
        super().__init__((cell, alternate), Z_CELL)

    @property
    def cell(self) -> CellBox:
        return self._el[0]

    def geometry(self, element: tuple[CellBox, bool]) -> tuple[tuple[float, float], QRectF]:
        r = element[0].rect
        return (r.x, r.y), qrect(r).adjusted(-0.5, -0.5, 0.5, 0.5)

    def draw(self, painter: QPainter, lod: float) -> None:
        cell, alternate = self._el
        paint_cell(painter, cell, alternate)
