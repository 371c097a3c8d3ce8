"""Stage headers, lane headers and the title block of a map.

Each is a `BoxItem` keyed by the stage, lane or map id. They are drawn above
notes and cells and are the handles for renaming and reordering (`canvas.structure_input`
routes the mouse to them), so stage and lane headers are
selectable, light up under the pointer, show the resize cursor at a column's
edge and, on lanes, a chevron that folds the lane.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneHoverEvent

from journey.layout import HeaderBox
from paint.qt_paint import (
    THEME,
    line_extent,
    paint_lane_header,
    paint_stage_header,
    paint_title,
    qrect,
    stage_outline,
)

from .cell_item import BoxItem
from .column_resize import edge_tolerance, view_zoom

Z_HEADER = 5.0


def chevron_rect(header: HeaderBox) -> QRectF:
    """The fold/unfold chevron at a lane header's top right."""
    r = header.rect
    return QRectF(r.right - 20, r.y + 8, 12, 12)


def _paint_focus(painter: QPainter, outline: QPainterPath, selected: bool, hover: bool,
                 dark: bool) -> None:
    """Hover lightens (or tints) the header; selection rings it in the selection colour."""
    if hover and not selected:
        painter.fillPath(outline, QColor(255, 255, 255, 40) if dark
                         else QColor(0, 114, 178, 22))
    if selected:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(THEME.selection), 3.0))
        painter.drawPath(outline)
        if dark:
            painter.setPen(QPen(QColor("#FFFFFF"), 1.0))
            painter.drawPath(outline)


class _Handle:
    """Selectable and hoverable: the shared behaviour of the header handles."""

    _hover = False

    def _init_handle(self) -> None:
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)  # type: ignore[attr-defined]
        self.setAcceptHoverEvents(True)  # type: ignore[attr-defined]

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = True
        self.update()  # type: ignore[attr-defined]
        self.hoverMoveEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = False
        self.unsetCursor()  # type: ignore[attr-defined]
        self.update()  # type: ignore[attr-defined]

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        pass


class StageHeaderItem(_Handle, BoxItem):
    """A stage's chevron; element = (HeaderBox, index, stage count) for its shade."""

    def __init__(self, header: HeaderBox, index: int = 0, count: int = 1) -> None:
        super().__init__((header, index, count), Z_HEADER)
        self._init_handle()

    @property
    def header(self) -> HeaderBox:
        return self._el[0]

    def geometry(self, element: tuple[HeaderBox, int, int]) -> tuple[tuple[float, float], QRectF]:
        r = element[0].rect
        return (r.x, r.y), qrect(r)

    def draw(self, painter: QPainter, lod: float) -> None:
        header, index, count = self._el
        paint_stage_header(painter, header, index, count)
        if self._hover or self.isSelected():
            path = QPainterPath()
            path.addPolygon(QPolygonF(stage_outline(header, index == 0)))
            path.closeSubpath()
            _paint_focus(painter, path, self.isSelected(), self._hover, dark=True)

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        """The resize cursor over this column's right edge (or the previous one's)."""
        r, x = self.header.rect, event.scenePos().x()
        tol = edge_tolerance(view_zoom(self.scene()))
        if abs(x - r.right) <= tol or (self._el[1] > 0 and abs(x - r.x) <= tol):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.unsetCursor()


class LaneHeaderItem(_Handle, BoxItem):
    """A lane's name and kind at the left of its row, with its fold chevron."""

    def __init__(self, header: HeaderBox) -> None:
        super().__init__(header, Z_HEADER)
        self._init_handle()

    @property
    def header(self) -> HeaderBox:
        return self._el

    def geometry(self, element: HeaderBox) -> tuple[tuple[float, float], QRectF]:
        r = element.rect
        return (r.x, r.y), qrect(r).adjusted(0, -0.5, 0, 0.5)

    def draw(self, painter: QPainter, lod: float) -> None:
        header = self._el
        paint_lane_header(painter, header)
        if self._hover or self.isSelected():
            path = QPainterPath()
            path.addRect(qrect(header.rect).adjusted(1.5, 1.5, -1.5, -1.5))
            _paint_focus(painter, path, self.isSelected(), self._hover, dark=False)
        if self._hover or self.isSelected() or header.collapsed:
            self._paint_chevron(painter, chevron_rect(header), header.collapsed)

    @staticmethod
    def _paint_chevron(painter: QPainter, r: QRectF, collapsed: bool) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(THEME.lane_fill))
        painter.drawEllipse(r.adjusted(-2, -2, 2, 2))
        c, d = r.center(), r.width() / 2 - 2
        pts = ([QPointF(c.x() - d / 2, c.y() - d), QPointF(c.x() + d / 2 + 1, c.y()),
                QPointF(c.x() - d / 2, c.y() + d)] if collapsed else
               [QPointF(c.x() - d, c.y() - d / 2), QPointF(c.x() + d, c.y() - d / 2),
                QPointF(c.x(), c.y() + d / 2 + 1)])
        painter.setBrush(QColor(THEME.lane_kind_text))
        painter.drawPolygon(QPolygonF(pts))

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        if chevron_rect(self._el).adjusted(-3, -3, 3, 3).contains(event.scenePos()):
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()


class TitleItem(BoxItem):
    """The title block: session title and the subtitle (map, persona, date, facilitator)."""

    def __init__(self, title: HeaderBox) -> None:
        super().__init__(title, Z_HEADER)

    def geometry(self, element: HeaderBox) -> tuple[tuple[float, float], QRectF]:
        bounds = qrect(element.rect)
        for line in element.lines:
            bounds = bounds.united(line_extent(line))
        return (element.rect.x, element.rect.y), bounds

    def draw(self, painter: QPainter, lod: float) -> None:
        paint_title(painter, self._el)
