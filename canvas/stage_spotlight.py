"""The presentation spotlight: the current stage lit, the other stages dimmed.

One item over the map (below the view's sticky headers, above the notes)
that paints a translucent shade over every other stage's column and a bold
outline round the current one. It never takes the mouse and holds no truth:
the presentation gives it the layout and the stage to light after every
relayout.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from journey.layout import MapLayout

Z_SPOTLIGHT = 40.0
SHADE = QColor(15, 23, 42, 150)  # slate, translucent: the dimmed stages stay legible
OUTLINE = QColor("#E69F00")  # Okabe–Ito orange: reads on a projector, colour-blind safe
OUTLINE_W = 4.0


def stage_column(layout: MapLayout, stage_id: str) -> QRectF | None:
    """A stage's column: its header down to the bottom of its last cell."""
    header = next((h for h in layout.stages if h.id == stage_id), None)
    if header is None:
        return None
    bottom = max((c.rect.bottom for c in layout.cells if c.stage_id == stage_id),
                 default=header.rect.bottom)
    return QRectF(header.rect.x, header.rect.y, header.rect.w, bottom - header.rect.y)


class StageSpotlight(QGraphicsItem):
    """Dims every stage but one; `set_stage(layout, stage_id)`."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(Z_SPOTLIGHT)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.stage_id: str | None = None
        self.focus = QRectF()
        self.shaded: list[QRectF] = []
        self._bounds = QRectF()

    def set_stage(self, layout: MapLayout | None, stage_id: str | None) -> None:
        columns = {h.id: stage_column(layout, h.id) for h in layout.stages} if layout else {}
        focus = columns.get(stage_id) if stage_id else None
        self.prepareGeometryChange()
        self.stage_id = stage_id if focus is not None else None
        self.focus = focus or QRectF()
        self.shaded = [r for sid, r in columns.items() if r is not None and sid != stage_id]
        bounds = QRectF(self.focus)
        for r in self.shaded:
            bounds = bounds.united(r)
        self._bounds = bounds.adjusted(-OUTLINE_W, -OUTLINE_W, OUTLINE_W, OUTLINE_W)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        for r in self.shaded:
            painter.fillRect(r, SHADE)
        if not self.focus.isEmpty():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(OUTLINE, OUTLINE_W))
            half = OUTLINE_W / 2
            painter.drawRect(self.focus.adjusted(half, half, -half, -half))
