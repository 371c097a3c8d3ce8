"""The emotion curve: its path, one child item per point, and the lane's scale.

Points are separate items (keyed by curve-point id) because the editing issue
drags them vertically; the curve keeps them in step with its `CurveShape`
the same way the scene keeps notes: update in place, add new, remove gone.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from journey.layout import CurvePointBox, CurveShape, ScaleShape
from paint.qt_paint import (
    CURVE_WIDTH,
    curve_path,
    paint_curve_path,
    paint_curve_point,
    paint_scale,
    point_bounds,
    scale_bounds,
)

from .cell_item import BoxItem

Z_SCALE = 1.0
Z_CURVE = 3.0
Z_SCALE_LABELS = 6.0  # above the lane headers the labels overlap


class ScaleItem(BoxItem):
    """Tick lines and the dashed neutral line across an emotion lane."""

    def __init__(self, scale: ScaleShape) -> None:
        super().__init__(scale, Z_SCALE)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def geometry(self, element: ScaleShape) -> tuple[tuple[float, float], QRectF]:
        return (0.0, 0.0), scale_bounds(element, labels=False)

    def draw(self, painter: QPainter, lod: float) -> None:
        paint_scale(painter, self._el, labels=False)


class ScaleLabelsItem(BoxItem):
    """The score labels (+3 … −3), drawn over the lane header at the lane's left."""

    def __init__(self, scale: ScaleShape) -> None:
        super().__init__(scale, Z_SCALE_LABELS)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def geometry(self, element: ScaleShape) -> tuple[tuple[float, float], QRectF]:
        return (0.0, 0.0), scale_bounds(element, labels=True)

    def draw(self, painter: QPainter, lod: float) -> None:
        paint_scale(painter, self._el, lines=False)


class CurvePointItem(BoxItem):
    """One point of a curve (a child of its CurveItem); element = (point, colour).

    Dragged vertically (the editor routes the mouse), so it shows the
    vertical-move cursor and a halo when hovered or selected."""

    _hover = False

    def __init__(self, point: CurvePointBox, colour: str, parent: QGraphicsItem) -> None:
        super().__init__((point, colour), 1.0)
        self.setParentItem(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.SizeVerCursor)
        self.setToolTip(self._tooltip(point))

    @property
    def curve_id(self) -> str:
        parent = self.parentItem()
        return parent.curve.id if isinstance(parent, CurveItem) else ""

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = False
        self.update()

    @property
    def point(self) -> CurvePointBox:
        return self._el[0]

    def set_element(self, element: tuple[CurvePointBox, str]) -> bool:
        changed = super().set_element(element)
        if changed:
            self.setToolTip(self._tooltip(element[0]))
        return changed

    def geometry(self, element: tuple[CurvePointBox, str]) -> tuple[tuple[float, float], QRectF]:
        p = element[0]
        return (p.x, p.y), point_bounds(p).united(QRectF(p.x - 9, p.y - 9, 18, 18))  # halo

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(QRectF(-7, -7, 14, 14))
        return path

    def draw(self, painter: QPainter, lod: float) -> None:
        point, colour = self._el
        if self._hover or self.isSelected():
            halo = QColor(colour)
            halo.setAlpha(70 if self.isSelected() else 45)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo)
            painter.drawEllipse(QPointF(point.x, point.y), 8.5, 8.5)
        paint_curve_point(painter, point, colour, self.isSelected())

    @staticmethod
    def _tooltip(p: CurvePointBox) -> str:
        score = f"{p.score:+g}" if p.score else "0"
        return f"{score}  {p.label.text}" if p.label else score


class CurveItem(QGraphicsItem):
    """A curve's smooth path; owns its point items, keyed by point id."""

    def __init__(self, curve: CurveShape) -> None:
        super().__init__()
        self.setZValue(Z_CURVE)
        self._curve = curve
        self._path = curve_path(curve)
        self._bounds = self._path_bounds()
        self.points: dict[str, CurvePointItem] = {}
        self._sync_points()
        if curve.name:
            self.setToolTip(curve.name)

    @property
    def curve(self) -> CurveShape:
        return self._curve

    def set_curve(self, curve: CurveShape) -> bool:
        if curve == self._curve:
            return False
        if curve.segments != self._curve.segments:
            self.prepareGeometryChange()
            self._path = curve_path(curve)
            self._bounds = self._path_bounds()
        self._curve = curve
        self.setToolTip(curve.name)
        self._sync_points()
        self.update()
        return True

    def _sync_points(self) -> None:
        wanted = {p.id: p for p in self._curve.points}
        scene = self.scene()
        for pid in [k for k in self.points if k not in wanted]:
            item = self.points.pop(pid)
            item.setParentItem(None)
            if scene is not None:
                scene.removeItem(item)
        for pid, p in wanted.items():
            item = self.points.get(pid)
            if item is None:
                self.points[pid] = CurvePointItem(p, self._curve.colour, self)
            else:
                item.set_element((p, self._curve.colour))

    def _path_bounds(self) -> QRectF:
        stroker = QPainterPathStroker()
        stroker.setWidth(CURVE_WIDTH + 2)
        return stroker.createStroke(self._path).boundingRect() if not self._path.isEmpty() \
            else QRectF()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(CURVE_WIDTH + 6)
        return stroker.createStroke(self._path)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        paint_curve_path(painter, self._curve, self._path)
