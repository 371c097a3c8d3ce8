"""Presentation mode and the projector theme.

F5 (or F11) fills the screen with the map: menus, toolbars, docks and the bars
around the canvas hidden, no cell cursor, one stage at a time lit by
`canvas.stage_spotlight` and the view framed on it: the lane headers (the real
ones, or the sticky band at the left edge when scrolled sideways) and the lit
stage's column from the map's title down — all of it when it fits at a
readable zoom (`min_zoom`: note text at least 1/90 of the screen's height),
else from the top — with as much of the map around it as fits (the whole map
centred when it does). The timer and the caption ("3 / 5  Purchase —
session") go where they cover neither the lit column, the lane headers nor
the title: a corner over dimmed stages, else beside the column; they move as
the stages step. When there is no such room the frame keeps clear of them
instead, beside them on the right or between them at the top and bottom,
whichever leaves the larger zoom. The map is not laid out again — the zoom
makes it big — so F5 costs the same at 5,000 notes as at 50.

PageDown/PageUp, the arrow keys, Home and End step through the stages (a
presenter remote sends PageUp/PageDown); Esc or F5 leaves and restores every
bar, the window state, the zoom (and its automatic fit) exactly as they were.
While presenting, an application event filter takes those keys first
(accepting the ShortcutOverride), so note navigation never competes for the
arrows; it is installed only while presenting.

View › Projector Theme swaps in `paint.theme.PROJECTOR_THEME` — darker grid,
headers and ink for a washed-out projector — for the canvas's paints only
(`MapView.paint_theme`), so posters keep the standard colours. Neither presenting
nor the projector theme touches the map's `Style`: voting's big dots (the document's
"voting" style layer) and the preferences' text size stay as they are through F5 and
Esc, and entering or leaving presentation leaves the projector theme as it was set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QToolBar, QWidget
from shiboken6 import isValid

from canvas.stage_spotlight import StageSpotlight, stage_column
from paint.theme import PROJECTOR_THEME

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

PAD = 18.0  # points around the framed stage
MAX_ZOOM = 3.0
SCREEN_LINES = 90  # note text at least 1/90 of the screen's height …
MIN_ZOOM_FLOOR = 0.5  # … but never a zoom below this
OVERLAY_MARGIN = 18  # px between an overlay and the screen's edge
NEXT = {Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Down}
PREVIOUS = {Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Backspace}
KEYS = NEXT | PREVIOUS | {Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Escape}


class Presentation(QObject):
    """Presentation mode of one window (kept as `window.workshop.presentation`)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.index = 0
        self.spotlight: StageSpotlight | None = None
        self._saved: dict[str, Any] = {}
        self.caption = QLabel(window.view)
        self.caption.setStyleSheet("background: rgba(17,24,39,190); color: white; "
                                   "padding: 6px 14px; border-radius: 8px; font-size: 16px;")
        self.caption.hide()

        self.present_action = QAction("&Present", window)
        self.present_action.setShortcuts([QKeySequence("F5"), QKeySequence("F11")])
        self.present_action.setStatusTip("Full screen, stage by stage (PageDown/PageUp, Esc)")
        self.present_action.triggered.connect(lambda _c=False: self.toggle())
        window.addAction(self.present_action)
        self.projector_action = QAction("&Projector Theme", window)
        self.projector_action.setCheckable(True)
        self.projector_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.projector_action.setStatusTip("High contrast for a projector in a bright room")
        self.projector_action.toggled.connect(self.set_projector_theme)
        window.addAction(self.projector_action)
        on = window.settings.value("view/projector_theme", False)
        self.projector_action.setChecked(on in (True, "true", "1", 1))
        window.scene.layoutApplied.connect(self._layout_applied)

    # -- the projector theme ----------------------------------------------------------
    def set_projector_theme(self, on: bool) -> None:
        view = self.window.view
        view.paint_theme = PROJECTOR_THEME if on else None
        self.window.settings.setValue("view/projector_theme", bool(on))
        for item in self.window.scene.items():  # drop the notes' cached pixmaps
            item.update()
        view.viewport().update()
        if self.projector_action.isChecked() != bool(on):
            self.projector_action.setChecked(bool(on))

    # -- entering and leaving -----------------------------------------------------------
    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self, index: int = 0) -> bool:
        w = self.window
        if self.active:
            return True
        if w.doc is None or w.layout is None or not w.layout.stages:
            w.show_error("There is no map to present")
            return False
        view = w.view
        keep = {view}
        voting = getattr(getattr(w, "workshop", None), "voting", None)
        if voting is not None and voting.round_id is not None:
            keep.add(voting.bar)  # the participants still see their dots left
        central = w.centralWidget().layout()
        around = [central.itemAt(i).widget() for i in range(central.count())]
        self._saved = {
            "state": w.windowState(),
            "menubar": w.menuBar().isVisibleTo(w),
            "statusbar": w.statusBar().isVisibleTo(w),
            "widgets": [(x, x.isVisibleTo(w)) for x in w.findChildren(QToolBar)
                        + w.findChildren(QDockWidget) + [a for a in around if a is not None]
                        if x not in keep and x.parent() is not None],
            "scrollbars": (view.horizontalScrollBarPolicy(), view.verticalScrollBarPolicy()),
            "transform": view.transform(),
            "scroll": (view.horizontalScrollBar().value(), view.verticalScrollBar().value()),
            "auto_fit": view.auto_fit,
            "alignment": view.alignment(),
            "sticky": view.sticky_headers.enabled,
            "timer_corner": self._timer().corner if self._timer() is not None else None,
        }
        for widget, _visible in self._saved["widgets"]:
            widget.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.active = True
        view.auto_fit = None  # the presentation frames the view itself
        view.sticky_headers.enabled = True  # the lane headers beside every stage
        cursor = self._cell_cursor()
        if cursor is not None:
            cursor.set_suppressed(True)
        self.spotlight = StageSpotlight()
        w.scene.addItem(self.spotlight)
        w.showFullScreen()
        QApplication.instance().installEventFilter(self)
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.go(index)
        return True

    def leave(self) -> None:
        if not self.active:
            return
        w = self.window
        QApplication.instance().removeEventFilter(self)
        self.active = False
        self.caption.hide()
        if self.spotlight is not None:
            if isValid(self.spotlight) and self.spotlight.scene() is not None:
                w.scene.removeItem(self.spotlight)
            self.spotlight = None
        s = self._saved
        cursor = self._cell_cursor()
        if cursor is not None:
            cursor.set_suppressed(False)
        timer = self._timer()
        if timer is not None and s["timer_corner"] is not None:
            corner = str(w.settings.value("timer/corner", s["timer_corner"]))
            timer.corner = corner  # the user's corner (moved only while presenting)
            timer.pinned = None
        state = s["state"]
        if state & Qt.WindowState.WindowMaximized:
            w.showMaximized()
        elif state & Qt.WindowState.WindowFullScreen:
            w.showFullScreen()
        else:
            w.showNormal()
        w.menuBar().setVisible(s["menubar"])
        w.statusBar().setVisible(s["statusbar"])
        for widget, visible in s["widgets"]:
            if isValid(widget):
                widget.setVisible(visible)
        view = w.view
        view.sticky_headers.set_enabled(s["sticky"])
        view.setSceneRect(QRectF())  # the scene's own rect again
        view.setHorizontalScrollBarPolicy(s["scrollbars"][0])
        view.setVerticalScrollBarPolicy(s["scrollbars"][1])
        view.setAlignment(s["alignment"])
        view.setTransform(s["transform"])
        view.horizontalScrollBar().setValue(s["scroll"][0])
        view.verticalScrollBar().setValue(s["scroll"][1])
        view.auto_fit = s["auto_fit"]
        view.refit()  # a kept fit (Fit Width, Fit All) follows the window's size again
        if timer is not None:
            timer.place()
        view.zoomChanged.emit(view.zoom)
        self._saved = {}

    # -- stepping through the stages ----------------------------------------------------
    @property
    def stage_count(self) -> int:
        layout = self.window.layout
        return len(layout.stages) if layout else 0

    @property
    def stage_id(self) -> str | None:
        return self.spotlight.stage_id if self.spotlight is not None else None

    def go(self, index: int) -> None:
        n = self.stage_count
        if not self.active or not n:
            return
        self.index = max(0, min(index, n - 1))
        self._light()
        self.fit()

    def step(self, delta: int) -> None:
        self.go(self.index + delta)

    def _light(self) -> None:
        layout = self.window.layout
        if self.spotlight is None or layout is None or not layout.stages:
            return
        self.index = min(self.index, len(layout.stages) - 1)
        stage = layout.stages[self.index]
        self.spotlight.set_stage(layout, stage.id)
        data = self.window.data
        name = next((s.name for s in data.stages if s.id == stage.id), "") if data else ""
        title = data.session.title if data else ""
        self.caption.setText(f"{self.index + 1} / {len(layout.stages)}   {name}"
                             + (f"   —   {title}" if title else ""))
        self.caption.adjustSize()
        self.caption.show()
        self.caption.raise_()

    # -- the other parts of the window ----------------------------------------------------
    def _timer(self) -> Any:
        """The timer's overlay (None before the workshop tools are installed)."""
        timer = getattr(getattr(self.window, "workshop", None), "timer", None)
        return getattr(timer, "overlay", None)

    def _cell_cursor(self) -> Any:
        return getattr(getattr(self.window, "note_actions", None), "cell_cursor", None)

    def min_zoom(self) -> float:
        """The least zoom at which note text reads from the back: 1/SCREEN_LINES of
        the screen's height."""
        layout = self.window.layout
        size = layout.style.note_size if layout is not None else 12.0
        return max(MIN_ZOOM_FLOOR, self.window.view.viewport().height() / SCREEN_LINES / size)

    def _place_overlays(self) -> list[QRect]:
        """Put the timer and the caption in the right-hand corners (opposite ends);
        their rects in the view's coordinates."""
        view = self.window.view
        timer = self._timer()
        timer_top = True
        out: list[QRect] = []
        if timer is not None:
            if timer.corner.endswith("left"):  # the lane headers live on the left
                timer.corner = timer.corner.replace("left", "right")
            timer_top = timer.corner.startswith("top")
            timer.place()
            if timer.isVisible():
                out.append(timer.geometry())
        cap = self.caption
        m = OVERLAY_MARGIN
        y = view.height() - cap.height() - m if timer_top else m
        cap.move(view.width() - cap.width() - m, y)
        if cap.isVisible():
            out.append(cap.geometry())
        return out

    @staticmethod
    def _lane_span(layout: Any, default: float) -> tuple[float, float]:
        """The lane headers' left edge and width (scene points)."""
        lanes = layout.lanes
        left = min((h.rect.x for h in lanes), default=default)
        return left, max((h.rect.right for h in lanes), default=left) - left

    def _frame_target(self, layout: Any, column: QRectF) -> QRectF:
        """What must show: the lane headers' room, the lit column, the title's rows."""
        lane_left, lane_w = self._lane_span(layout, column.left())
        if column.left() <= lane_left + lane_w + 1:  # the first stage: the real headers
            left = lane_left - PAD
        else:  # the sticky band is painted at the view's left edge
            left = column.left() - lane_w
        top = min(layout.title.rect.y, column.top()) - PAD
        return QRectF(left, top, column.right() + PAD - left, column.bottom() + PAD - top)

    def _regions(self, vp: QRectF, overlays: list[QRect]) -> list[tuple[QRectF, bool]]:
        """Where the frame may go: (region, may the target run out at its bottom)."""
        if not overlays:
            return [(vp, True)]
        m = OVERLAY_MARGIN
        strip = max(o.width() for o in overlays) + 2 * m
        beside = QRectF(vp.left(), vp.top(), max(1.0, vp.width() - strip), vp.height())
        top = max((o.bottom() + m for o in overlays if o.center().y() < vp.center().y()),
                  default=vp.top())
        bottom = min((o.top() - m for o in overlays if o.center().y() >= vp.center().y()),
                     default=vp.bottom())
        between = QRectF(vp.left(), top, vp.width(), max(1.0, bottom - top))
        return [(beside, True), (between, bottom >= vp.bottom())]

    def _zoom_for(self, target: QRectF, region: QRectF) -> float:
        zh = region.height() / target.height()
        return min(region.width() / target.width(), MAX_ZOOM, max(zh, self.min_zoom()))

    def _window_left(self, column: QRectF, target: QRectF, width: float) -> float:
        """The scene x at the view's left edge for a view `width` scene units wide:
        the whole map centred if it fits, else the lit stage centred as far as the
        map reaches — always with the lane headers' room and the column in view."""
        paper = self.window.scene.sceneRect()
        if paper.width() + 2 * PAD <= width:
            x0 = paper.center().x() - width / 2
        else:
            x0 = column.center().x() - width / 2
            x0 = max(min(x0, paper.right() + PAD - width), paper.left() - PAD)
        return max(min(x0, target.left()), target.right() - width)

    def _show(self, zoom: float, left: float, top: float, at: QPointF) -> None:
        """Scene point (left, top) at viewport point `at`, at `zoom`."""
        view = self.window.view
        vp = QRectF(view.viewport().rect())
        # The view may show the desk around the map (the last stage at the left, say).
        room_x, room_y = vp.width() / zoom, vp.height() / zoom
        view.setSceneRect(self.window.scene.sceneRect().adjusted(-room_x, -room_y,
                                                                 room_x, room_y))
        view.resetTransform()
        view.scale(zoom, zoom)
        view.centerOn(QPointF(left + (vp.center().x() - at.x()) / zoom,
                              top + (vp.center().y() - at.y()) / zoom))

    def _place_free(self, layout: Any, column: QRectF) -> bool:
        """Put the timer and the caption where they cover neither the lit column, the
        lane headers nor the title (over dimmed stages or the desk); False if there is
        no room."""
        view = self.window.view
        vp = view.viewport().rect()
        m = OVERLAY_MARGIN
        col = view.mapFromScene(column).boundingRect().adjusted(-m, -m, m, m)
        lanes = layout.lanes
        bands = view.sticky_headers.bands()
        if bands is not None and not bands.lane_band.isEmpty():
            heads = view.mapFromScene(bands.lane_band).boundingRect()
        elif lanes:
            lane_left, lane_w = self._lane_span(layout, column.left())
            heads = view.mapFromScene(QRectF(lane_left, column.top(), lane_w,
                                             column.height())).boundingRect()
        else:
            heads = QRect()
        taken = [col, heads.adjusted(0, -vp.height(), m, vp.height())]
        title = QRectF()  # the map's title and subtitle, where they are written
        for ln in layout.title.lines:
            title = title.united(QRectF(ln.x, ln.baseline - ln.size, ln.width, ln.size * 1.3))
        if not title.isEmpty():
            taken.append(view.mapFromScene(title).boundingRect().adjusted(-m, -m, m, m))
        timer = self._timer()
        timer_top = timer is None or timer.corner.startswith("top")
        placed: dict[str, QRect] = {}
        wanted = [("timer", timer, timer_top), ("caption", self.caption, not timer_top)]
        for name, widget, top_first in wanted:
            if widget is None or (name == "timer" and not widget.isVisible()):
                continue
            w, h = widget.width(), widget.height()
            xs = [vp.width() - w - m, heads.right() + 2 * m, col.right() + 1,
                  col.left() - w - 1]
            ys = [m, vp.height() - h - m] if top_first else [vp.height() - h - m, m]
            spot = next((r for y in ys for x in xs
                         if vp.contains(r := QRect(x, y, w, h))
                         and not any(r.intersects(t) for t in taken)), None)
            if spot is None:
                return False
            taken.append(spot.adjusted(-m, -m, m, m))
            placed[name] = spot
        if "timer" in placed and timer is not None:
            timer.pinned = placed["timer"].topLeft()
            timer.place()
        if "caption" in placed:
            self.caption.move(placed["caption"].topLeft())
        return True

    def fit(self) -> None:
        """Frame the lit stage (see the module's docstring)."""
        layout = self.window.layout
        if not self.active or layout is None or self.stage_id is None:
            return
        column = stage_column(layout, self.stage_id)
        view = self.window.view
        if column is None or view.viewport().rect().isEmpty():
            return
        vp = QRectF(view.viewport().rect())
        target = self._frame_target(layout, column)
        # The whole screen: the lit stage as large as reads best, with as much of the
        # map around it as fits, and the overlays in the room left over …
        zoom = self._zoom_for(target, vp)
        self._show(zoom, self._window_left(column, target, vp.width() / zoom), target.top(),
                   vp.topLeft())
        if self._place_free(layout, column):
            view.zoomChanged.emit(view.zoom)
            return
        # … else the overlays in the right-hand corners and the frame beside or
        # between them.
        timer = self._timer()
        if timer is not None:
            timer.pinned = None
        best: tuple[float, QRectF] | None = None
        for region, open_below in self._regions(vp, self._place_overlays()):
            zoom = self._zoom_for(target, region)
            if zoom > region.height() / target.height() + 1e-9 and not open_below:
                continue  # it would run on under the caption or the timer
            if best is None or zoom > best[0] + 1e-9:
                best = (zoom, region)
        if best is None:
            return
        zoom, region = best
        self._show(zoom, target.left(), target.top(), region.topLeft())
        view.zoomChanged.emit(view.zoom)

    def _layout_applied(self) -> None:
        if self.active:
            self._light()
            self.fit()  # (the cell cursor stays suppressed through relayouts)

    # -- keys while presenting; the view's and the timer's resizes -------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.active:
            return False
        if kind == QEvent.Type.Resize and obj is self.window.view.viewport():
            self.fit()
            return False
        if kind in (QEvent.Type.Show, QEvent.Type.Hide,
                    QEvent.Type.Resize) and obj is self._timer():
            self.fit()  # the timer came, went or changed size: keep clear of it
            return False
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(event, QKeyEvent) or QApplication.activeModalWidget() is not None:
            return False
        # QWidget.window(obj), not obj.window(): parts that keep their main window as
        # `self.window` (the voting bar, the timer …) shadow the method.
        if not isinstance(obj, QWidget) or QWidget.window(obj) is not self.window:
            return False
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() not in KEYS or mods != Qt.KeyboardModifier.NoModifier:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # ours, not a shortcut's: the key press comes next
            return True
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.leave()
        elif key in NEXT:
            self.step(1)
        elif key in PREVIOUS:
            self.step(-1)
        elif key == Qt.Key.Key_Home:
            self.go(0)
        elif key == Qt.Key.Key_End:
            self.go(self.stage_count - 1)
        return True
