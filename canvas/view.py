"""The map view: zoom around the pointer, pan three ways, fit the whole map.

Zoom: Ctrl+wheel (anchored under the mouse), pinch on a touchpad, the
`zoom_in_action` / `zoom_out_action` (platform ZoomIn/ZoomOut keys, plus
Ctrl+= for keyboards where + needs Shift), `fit_action` (Fit All, Ctrl+0) and
`fit_width_action` (Fit Width, Ctrl+9). The window puts the same QAction
objects in its View menu, so shortcuts are never ambiguous.

A fit is kept (`auto_fit` "width" or "all"): the view fits again whenever its
viewport changes size — the window maximized, a dock opened — until the user
zooms by hand (wheel, keys, pinch, Actual Size, `set_zoom`); a Fit brings it
back. Fit Width is what a map opens with: the whole width within
FIT_WIDTH_MIN..FIT_WIDTH_MAX, from the top (title and stage headers). Pan: the scroll wheel (Shift for sideways), middle-drag, and
space-drag (unless an item has keyboard focus, e.g. a note being edited).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPixmapCache,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsView

from .overview import LOD_OVERVIEW, NotesOverview
from .scene import MapScene
from .sticky_headers import StickyHeaders

MIN_ZOOM = 0.05
MAX_ZOOM = 8.0
STEP = 1.25  # one key press or one wheel notch (120 units)
#: Fit Width never blows a small map up beyond this …
FIT_WIDTH_MAX = 1.5
#: … nor shrinks a very wide one below this (12 pt note text stays ≥ 9 px): the
#: map then scrolls sideways instead.
FIT_WIDTH_MIN = 0.75


class MapView(QGraphicsView):
    """A QGraphicsView on a MapScene; `zoomChanged(scale)` reports 1.0 = 100 %."""

    zoomChanged = Signal(float)

    def __init__(self, scene: MapScene, parent: Any = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPointF | None = None
        self._space = False
        #: Colours to paint with instead of the standard theme (None: the standard).
        self.paint_theme: Any = None

        self.zoom_in_action = self._action("Zoom &In", [QKeySequence.StandardKey.ZoomIn,
                                                        QKeySequence("Ctrl+=")], self.zoom_in)
        self.zoom_out_action = self._action("Zoom &Out", [QKeySequence.StandardKey.ZoomOut],
                                            self.zoom_out)
        self.fit_action = self._action("&Fit All", [QKeySequence("Ctrl+0")], self.fit_all)
        self.fit_width_action = self._action("Fit &Width", [QKeySequence("Ctrl+9")],
                                             self.fit_width)
        self.fit_width_action.setStatusTip("Fit the map's width, from the top; keep it "
                                           "fitted as the window changes")
        #: The fit kept as the viewport changes size: "width", "all" or None (by hand).
        self.auto_fit: str | None = None
        self._refitting = False
        self._refit_again = False
        # A map smaller than the view sits at the top, like a page, not mid-screen.
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.actual_size_action = self._action("&Actual Size", [QKeySequence("Ctrl+1")],
                                               lambda: self.set_zoom(1.0))
        # Far out one item paints all notes (canvas.overview); headers stick to the
        # edges when scrolled away (canvas.sticky_headers). Notes cache their pixmaps:
        # a viewport full of them needs ~8 MB, more than Qt's default 10 MB leaves.
        self.notes_overview = NotesOverview.of(scene)
        self.sticky_headers = StickyHeaders(self)
        self.zoomChanged.connect(self._zoom_level_changed)
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 64 * 1024))

    def _action(self, text: str, keys: list, slot: Any) -> QAction:
        action = QAction(text, self)
        shortcuts: list[QKeySequence] = []
        for k in keys:
            shortcuts.extend(QKeySequence.keyBindings(k) if isinstance(
                k, QKeySequence.StandardKey) else [k])
        action.setShortcuts(shortcuts)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def map_scene(self) -> MapScene:
        scene = self.scene()
        assert isinstance(scene, MapScene)
        return scene

    def _zoom_level_changed(self, scale: float) -> None:
        self.notes_overview.set_active(scale < LOD_OVERVIEW)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        self.sticky_headers.paint(painter, rect)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.sticky_headers.scrolled()

    def invalidate_cached_items(self, area: QRectF | None = None) -> None:
        """Make items with a pixmap cache (the notes) paint afresh, e.g. after a
        theme change: `scene.update()` repaints but keeps item caches."""
        scene = self.scene()
        items = scene.items(area) if area is not None else scene.items()
        for item in items:
            if item.cacheMode() != item.CacheMode.NoCache:
                item.update()

    def render(self, painter: QPainter, target: QRectF | None = None,
               source: QRect | None = None,
               mode: Qt.AspectRatioMode = Qt.AspectRatioMode.KeepAspectRatio) -> None:
        """Render into another device (a QImage) exactly as the viewport shows.

        Qt keeps an item's cached pixmap per widget but clears the item's
        "changed" mark once for all, so after an on-screen repaint a render
        elsewhere could blit an old pixmap: the notes in the rendered area are
        marked for painting afresh first (`viewport().render()` needs no such care)."""
        target = QRectF() if target is None else target
        source = QRect() if source is None else source
        if painter.device() is not self.viewport():
            rect = source if not source.isNull() else self.viewport().rect()
            self.invalidate_cached_items(self.mapToScene(rect).boundingRect())
        super().render(painter, target, source, mode)

    def paintEvent(self, event: Any) -> None:
        # A paint theme (View › Projector theme) holds for this paint and this thread
        # only, so exports never see it (paint.qt_paint.painting_theme).
        if self.paint_theme is None:
            super().paintEvent(event)
            return
        from paint.qt_paint import painting_theme

        with painting_theme(self.paint_theme):
            super().paintEvent(event)

    # -- zoom -----------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def fit_zoom(self) -> float:
        """The scale at which the whole map fits the viewport.

        Measured without scroll bars: at this scale none are needed, and Qt
        hides them only after the next layout pass."""
        rect = self.sceneRect()
        size = self.maximumViewportSize()
        vp = QRect(QPoint(0, 0), size).adjusted(4, 4, -4, -4)
        if rect.isEmpty() or vp.isEmpty():
            return 1.0
        return min(vp.width() / rect.width(), vp.height() / rect.height())

    def _limits(self) -> tuple[float, float]:
        return min(MIN_ZOOM, self.fit_zoom()), MAX_ZOOM

    def set_zoom(self, scale: float, anchor: QPointF | None = None) -> None:
        """Zoom to `scale`, keeping the scene point under `anchor` (viewport px) fixed.

        A zoom by hand: the view stops refitting itself (`auto_fit`)."""
        self.auto_fit = None
        self._align_left(False)
        lo, hi = self._limits()
        scale = min(hi, max(lo, scale))
        if abs(scale - self.zoom) < 1e-9:
            return
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        before = self.viewportTransform().inverted()[0].map(anchor)
        factor = scale / self.zoom
        self.scale(factor, factor)
        after = self.viewportTransform().map(before)
        delta = after - anchor
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + round(delta.x()))
        v.setValue(v.value() + round(delta.y()))
        self.zoomChanged.emit(self.zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / STEP)

    def fit_all(self) -> None:
        """The whole map in view, kept so as the viewport changes size."""
        self.auto_fit = "all"
        self._apply_fit()

    def fit_width(self) -> None:
        """The map's width in view, from the top; kept so as the viewport changes size."""
        self.auto_fit = "width"
        self._apply_fit(top_y=self.sceneRect().top())

    def fit_width_zoom(self) -> float:
        """The scale at which the map's width fills the viewport, within
        FIT_WIDTH_MIN..FIT_WIDTH_MAX.

        Measured on the viewport without scroll bars, less the vertical bar when
        the map is taller than the view at that scale, so the answer does not
        depend on which bars happen to be shown (no refit ping-pong)."""
        rect = self.sceneRect()
        size = self.maximumViewportSize()
        if rect.isEmpty() or size.isEmpty():
            return 1.0
        z = size.width() / rect.width()
        if rect.height() * z > size.height():
            z = (size.width() - self.verticalScrollBar().sizeHint().width()) / rect.width()
        return max(FIT_WIDTH_MIN, min(FIT_WIDTH_MAX, z))

    def _apply_fit(self, top_y: float | None = None) -> None:
        """Apply `auto_fit`; the width fit puts the scene line `top_y` (default: the
        one there now) at the top of the view and the left edge when it scrolls
        sideways."""
        rect = self.sceneRect()
        if rect.isEmpty() or self.auto_fit is None:
            return
        if self._refitting:  # a scroll bar came or went while fitting: once more after
            self._refit_again = True
            return
        self._refitting = True
        try:
            for _ in range(3):
                self._refit_again = False
                self._fit_once(rect, top_y)
                top_y = None
                if not self._refit_again:
                    break
        finally:
            self._refitting = False
        self.zoomChanged.emit(self.zoom)

    def _fit_once(self, rect: QRectF, top_y: float | None) -> None:
        if self.auto_fit == "width":
            z = self.fit_width_zoom()
            first_y = self.mapToScene(QPoint(0, 0)).y() if top_y is None else top_y
            # Qt centres a narrower scene on the viewport's width *with* the vertical
            # bar's room, which would push a width-filling map half a bar to the right.
            fills = rect.width() * z > self.maximumViewportSize().width() * 0.9
            self._align_left(fills)
            self.resetTransform()
            self.scale(z, z)
            h, v = self.horizontalScrollBar(), self.verticalScrollBar()
            h.setValue(h.minimum())
            v.setValue(v.minimum() + round((max(first_y, rect.top()) - rect.top()) * z))
        else:
            self._align_left(False)
            self.resetTransform()
            z = self.fit_zoom()
            self.scale(z, z)
            self.centerOn(rect.center())

    def refit(self) -> None:
        """Apply the kept fit again (nothing after a zoom by hand)."""
        self._apply_fit()

    def _align_left(self, left: bool) -> None:
        h = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignHCenter
        if self.alignment() != h | Qt.AlignmentFlag.AlignTop:
            self.setAlignment(h | Qt.AlignmentFlag.AlignTop)

    def resizeEvent(self, event: Any) -> None:
        # The line at the top stays there (Qt's resize anchor would keep the centre).
        top_y = self.mapToScene(QPoint(0, 0)).y() if self.auto_fit == "width" else None
        super().resizeEvent(event)
        if self.auto_fit is not None:
            self._apply_fit(top_y)

    # -- events -----------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y() or event.angleDelta().x()
            if delta:
                self.set_zoom(self.zoom * STEP ** (delta / 120), event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.NativeGesture and isinstance(event, QNativeGestureEvent):
            if event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                pos = self.viewport().mapFromGlobal(event.globalPosition().toPoint())
                self.set_zoom(self.zoom * (1 + event.value()), QPointF(pos))
                return True
        return super().viewportEvent(event)

    def _panning_allowed(self) -> bool:
        scene = self.scene()
        return scene is None or scene.focusItem() is None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() == Qt.Key.Key_Space and not event.isAutoRepeat()
                and self._panning_allowed()):
            self._space = True
            if self._pan_from is None:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space and self._space:
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat() and self._space:
            self._space = False
            if self._pan_from is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        self._space = False
        if self._pan_from is None:
            self.viewport().unsetCursor()
        super().focusOutEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
                button == Qt.MouseButton.LeftButton and self._space):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            h, v = self.horizontalScrollBar(), self.verticalScrollBar()
            h.setValue(h.value() - round(delta.x()))
            v.setValue(v.value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton,
                                                             Qt.MouseButton.LeftButton):
            self._pan_from = None
            if self._space:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)
