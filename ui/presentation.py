"""Presentation mode and the projector theme.

F5 (or F11) fills the screen with the map: menus, toolbars, docks and the bars
around the canvas hidden, the text 1.4 × larger, one stage at a time lit by
`canvas.stage_spotlight` and the view zoomed to it. PageDown/PageUp, the
arrow keys, Home and End step through the stages (a presenter remote sends
PageUp/PageDown); Esc or F5 leaves and restores every bar, the window state,
the text size and the zoom exactly as they were. While presenting, an
application event filter takes those keys first (accepting the
ShortcutOverride), so note navigation never competes for the arrows; it is
installed only while presenting.

View › Projector Theme swaps in `export.qt_paint.PROJECTOR_THEME` — darker grid,
headers and ink for a washed-out projector — for the canvas's paints only
(`MapView.paint_theme`), so posters keep the standard colours.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QToolBar, QWidget
from shiboken6 import isValid

from canvas.stage_spotlight import StageSpotlight, stage_column
from export.qt_paint import PROJECTOR_THEME

TEXT_FACTOR = 1.4
PAD = 18.0  # points around the lit stage
NEXT = {Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Down}
PREVIOUS = {Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Backspace}
KEYS = NEXT | PREVIOUS | {Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Escape}


class Presentation(QObject):
    """Presentation mode of one window (kept as `window.workshop.presentation`)."""

    def __init__(self, window: Any) -> None:
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
        window.view.installEventFilter(self)
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
            "doc": w.doc,
            "style": w.doc.style,
        }
        for widget, _visible in self._saved["widgets"]:
            widget.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.active = True
        w.doc.set_style(self._saved["style"].scaled(TEXT_FACTOR))
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
        doc = s["doc"]
        if isValid(doc):
            doc.set_style(s["style"])
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
        view.setHorizontalScrollBarPolicy(s["scrollbars"][0])
        view.setVerticalScrollBarPolicy(s["scrollbars"][1])
        view.setTransform(s["transform"])
        view.horizontalScrollBar().setValue(s["scroll"][0])
        view.verticalScrollBar().setValue(s["scroll"][1])
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
        name = next((s.name for s in self.window.data.stages if s.id == stage.id), "")
        self.caption.setText(f"{self.index + 1} / {len(layout.stages)}   {name}")
        self.caption.adjustSize()
        self._place_caption()
        self.caption.show()
        self.caption.raise_()

    def _place_caption(self) -> None:
        view = self.window.view
        self.caption.move(18, view.height() - self.caption.height() - 18)

    def fit(self) -> None:
        """Zoom the view so the lit stage's column fills it, centred."""
        layout = self.window.layout
        if not self.active or layout is None or self.stage_id is None:
            return
        column = stage_column(layout, self.stage_id)
        if column is None:
            return
        target = column.adjusted(-PAD, -PAD, PAD, PAD)
        view = self.window.view
        vp = QRectF(view.viewport().rect())
        if vp.isEmpty():
            return
        zoom = min(vp.width() / target.width(), vp.height() / target.height(), 3.0)
        view.resetTransform()
        view.scale(zoom, zoom)
        view.centerOn(target.center())
        view.zoomChanged.emit(view.zoom)

    def _layout_applied(self) -> None:
        if self.active:
            self._light()

    # -- keys while presenting; the view's resizes ----------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.active:
            return False
        if obj is self.window.view and kind == QEvent.Type.Resize:
            self.fit()
            self._place_caption()
            return False
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(event, QKeyEvent) or QApplication.activeModalWidget() is not None:
            return False
        if not isinstance(obj, QWidget) or obj.window() is not self.window:
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
