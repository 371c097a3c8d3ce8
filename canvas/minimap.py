"""The overview minimap: the whole map in miniature and the part the view shows.

The miniature is painted straight from the layout into a cached QPixmap —
the paper, lane bands, header blocks, every note as a rectangle (the same
colour batches as the far-out overview, so find/filter dimming shows here
too) and the curves — never through the scene's items, so it costs a few
milliseconds even for 20,000 notes. It is re-made after `layoutApplied` and
emphasis changes, throttled, and only while the widget is visible. The
viewport rectangle is drawn on top at every paint, which is cheap, so it
follows scrolling and zooming live. Clicking or dragging centres the view
on that point of the map.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsView, QSizePolicy, QWidget

from journey.layout import MapLayout
from paint.qt_paint import THEME, curve_path, kind_accent, qcolor, qrect, stage_colour

from .highlight import highlighter
from .overview import build_batches, paint_batches

MARGIN = 6
REFRESH_MS = 150


class Minimap(QWidget):
    """A miniature of a MapView's scene; click or drag to pan the view."""

    def __init__(self, view: QGraphicsView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setMinimumSize(120, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click or drag to move the view")
        self._pixmap: QPixmap | None = None
        self._dirty = True
        #: Where the map is drawn in the widget, and widget px per scene unit.
        self._target = QRectF()
        self._scale = 1.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        scene = view.scene()
        layout_applied = getattr(scene, "layoutApplied", None)
        if layout_applied is not None:
            layout_applied.connect(self.schedule)
        highlighter(scene).changed.connect(self.schedule)
        view.horizontalScrollBar().valueChanged.connect(self.update)
        view.verticalScrollBar().valueChanged.connect(self.update)
        zoom_changed = getattr(view, "zoomChanged", None)
        if zoom_changed is not None:
            zoom_changed.connect(self.update)
        view.viewport().installEventFilter(self)

    def sizeHint(self) -> QSize:
        return QSize(240, 200)

    # -- the cached miniature -------------------------------------------------------
    def _layout(self) -> MapLayout | None:
        return getattr(self.view.scene(), "layout", None)

    def schedule(self) -> None:
        """The map changed: re-make the miniature soon (once for a burst of edits)."""
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def refresh(self) -> None:
        """Re-make the miniature now."""
        self._timer.stop()
        self._dirty = False
        layout = self._layout()
        if layout is None or layout.width <= 0 or layout.height <= 0:
            self._pixmap, self._target = None, QRectF()
            self.update()
            return
        avail = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if avail.width() < 4 or avail.height() < 4:
            return
        scale = min(avail.width() / layout.width, avail.height() / layout.height)
        w, h = layout.width * scale, layout.height * scale
        self._target = QRectF(avail.center().x() - w / 2, avail.center().y() - h / 2, w, h)
        self._scale = scale
        dpr = self.devicePixelRatioF()
        pixmap = QPixmap(max(1, round(w * dpr)), max(1, round(h * dpr)))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(qcolor(THEME.paper))
        painter = QPainter(pixmap)
        painter.scale(scale, scale)
        self.paint_miniature(painter, layout)
        painter.end()
        self._pixmap = pixmap
        self.update()

    def paint_miniature(self, painter: QPainter, layout: MapLayout) -> None:
        """The map, simplified: bands, header blocks, notes by colour, curves."""
        lane_index = {h.id: i for i, h in enumerate(layout.lanes)}
        alt = [qrect(c.rect) for c in layout.cells if lane_index.get(c.lane_id, 0) % 2 == 1]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(qcolor(THEME.lane_alt))
        painter.drawRects(alt)
        n = len(layout.stages)
        for i, header in enumerate(layout.stages):
            painter.fillRect(qrect(header.rect), stage_colour(i, n))
        for header in layout.lanes:
            r = qrect(header.rect)
            painter.fillRect(r, qcolor(THEME.lane_fill))
            painter.fillRect(QRectF(r.x(), r.y(), min(r.width(), 4 / self._scale), r.height()),
                             kind_accent(header.kind))
        paint_batches(painter, build_batches(getattr(self.view.scene(), "notes", {}),
                                             with_live=False), ring_px=1.5)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for curve in layout.curves:
            pen = QPen(qcolor(curve.colour), 1.5)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(curve_path(curve))

    # -- drawing and panning ----------------------------------------------------------
    def visible_rect(self) -> QRectF:
        """The part of the map the view shows, in scene coordinates."""
        view = self.view
        return view.mapToScene(view.viewport().rect()).boundingRect()

    def to_widget(self, rect: QRectF) -> QRectF:
        s, t = self._scale, self._target
        return QRectF(t.x() + rect.x() * s, t.y() + rect.y() * s, rect.width() * s,
                      rect.height() * s)

    def to_scene(self, pos: QPointF) -> QPointF:
        s, t = self._scale, self._target
        return QPointF((pos.x() - t.x()) / s, (pos.y() - t.y()) / s)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._dirty:
            self.refresh()
        painter = QPainter(self)
        painter.fillRect(self.rect(), qcolor(THEME.desk))
        if self._pixmap is None:
            painter.end()
            return
        painter.drawPixmap(self._target.topLeft(), self._pixmap)
        frame = self.to_widget(self.visible_rect()).intersected(
            self._target.adjusted(-1, -1, 1, 1))
        accent = qcolor(THEME.selection)
        tint = QColor(accent)
        tint.setAlpha(40)
        painter.setPen(QPen(accent, 1.5))
        painter.setBrush(tint)
        painter.drawRect(frame.adjusted(0.75, 0.75, -0.75, -0.75) if frame.width() > 3
                         and frame.height() > 3 else frame)
        painter.end()

    def pan_to(self, pos: QPointF) -> None:
        if self._pixmap is None or self._scale <= 0:
            return
        self.view.centerOn(self.to_scene(pos))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.pan_to(event.position())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.pan_to(event.position())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def resizeEvent(self, event: QEvent) -> None:
        super().resizeEvent(event)
        self._dirty = True

    def showEvent(self, event: QEvent) -> None:
        super().showEvent(event)
        self._dirty = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:  # the view's viewport: a new visible rect
            self.update()
        return False


__all__ = ["Minimap"]
