"""The current cell: where Enter/Insert adds a note and where Paste lands.

Drawn as a thick outline in the selection blue over a light tint, above the
cell's band and below its notes, so it reads on a projector without hiding
anything. One item per scene, moved from cell to cell; it never takes the mouse.
Presentation mode suppresses it (`set_suppressed`): nothing to type into there.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene

from paint.qt_paint import THEME

Z_CELL_CURSOR = 0.5


class CellCursor(QGraphicsRectItem):
    """The highlighted current cell; `show_cell(rect)` / `show_cell(None)`."""

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__()
        accent = QColor(THEME.selection)
        tint = QColor(accent)
        tint.setAlpha(22)
        self.setPen(QPen(accent, 3.0))
        self.setBrush(QBrush(tint))
        self.setZValue(Z_CELL_CURSOR)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        #: While suppressed (presentation mode) the cursor stays hidden; `_wanted`
        #: is what it shows once no longer suppressed.
        self._suppressed = False
        self._wanted = False
        self.setVisible(False)
        scene.addItem(self)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        if self._suppressed:
            self._wanted = visible
            return
        super().setVisible(visible)

    def set_suppressed(self, on: bool) -> None:
        """Hide the cursor whatever the current cell becomes; off: as it should be."""
        if on == self._suppressed:
            return
        if on:
            self._wanted = self.isVisible()
            super().setVisible(False)
            self._suppressed = True
        else:
            self._suppressed = False
            super().setVisible(self._wanted)

    def show_cell(self, rect: QRectF | None) -> None:
        if rect is None:
            self.setVisible(False)
            return
        inset = rect.adjusted(1.5, 1.5, -1.5, -1.5)  # the pen stays inside the cell
        if self.rect() != inset:
            self.setRect(inset)
        self.setVisible(True)
