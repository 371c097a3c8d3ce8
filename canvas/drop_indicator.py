"""The drop indicator of a note drag: the target cell tinted and outlined, and a
bold insertion bar (with end caps, like a text caret) where the notes will land.

Two plain items that never take the mouse; made once per scene and shown or
hidden as the pointer moves, so a drag costs two `setRect`s per mouse move.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene

from paint.qt_paint import THEME

Z_DROP_CELL = 0.6  # above the cell's band, below the notes
Z_DROP_BAR = 25.0  # above the dragged notes


class DropIndicator:
    """Shows where a drag would drop; `show_target(cell_rect, bar_rect)` / `hide()`."""

    def __init__(self, scene: QGraphicsScene) -> None:
        accent = QColor(THEME.selection)
        tint = QColor(accent)
        tint.setAlpha(40)
        self.cell = QGraphicsRectItem()
        self.cell.setPen(QPen(accent, 2.5, Qt.PenStyle.DashLine))
        self.cell.setBrush(QBrush(tint))
        self.cell.setZValue(Z_DROP_CELL)
        self.bar = QGraphicsPathItem()
        self.bar.setPen(QPen(QColor("#FFFFFF"), 1.0))
        self.bar.setBrush(QBrush(accent))
        self.bar.setZValue(Z_DROP_BAR)
        for item in (self.cell, self.bar):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.setVisible(False)
            scene.addItem(item)

    def show_target(self, cell: QRectF, bar: QRectF | None) -> None:
        inset = cell.adjusted(1.5, 1.5, -1.5, -1.5)
        if self.cell.rect() != inset:
            self.cell.setRect(inset)
        self.cell.setVisible(True)
        if bar is None:
            self.bar.setVisible(False)
            return
        path = QPainterPath()
        cap = 6.0
        path.addRect(bar)
        path.addRect(QRectF(bar.center().x() - cap, bar.top(), 2 * cap, bar.width()))
        path.addRect(QRectF(bar.center().x() - cap, bar.bottom() - bar.width(), 2 * cap,
                            bar.width()))
        path.setFillRule(Qt.FillRule.WindingFill)
        self.bar.setPath(path.simplified())
        self.bar.setVisible(True)

    def hide(self) -> None:
        self.cell.setVisible(False)
        self.bar.setVisible(False)

    @property
    def visible(self) -> bool:
        return self.cell.isVisible()

    def bar_rect(self) -> QRectF | None:
        """The insertion bar's scene rect while shown (for tests and screenshots)."""
        return self.bar.sceneBoundingRect() if self.bar.isVisible() else None
