"""What the running app shows, for tests and benchmarks that watch it from outside.

Each probe is off unless its environment variable is set, and each only
reads the widgets, the scene (and, for the frame probe, events and commits); none
changes state.

- `WAYMARK_PROBE=SOCKET` (the real-window tests, tests/realwin/): they send
  real X events with xdotool and need to know where things are on the screen,
  the way a person sees it. The app answers each line it receives on the
  socket with one JSON line: the visible windows, the keyboard focus, the
  map's notes, cells and headers in screen coordinates, the visible buttons,
  tabs and labelled fields, every action with its shortcut, and the undo stack.
- `WAYMARK_STARTUP_PROBE=FILE` (`python -m benchmarks.startup`): the app
  appends `first_frame <time.time()>` to FILE once the map view has painted
  the session it opened (the fit done, the paint finished). With
  `WAYMARK_STARTUP_PROBE_QUIT=1` it then appends `quit_requested <time>` and
  closes the window the way File › Quit does; the benchmark times the rest up
  to the process's exit.
- `WAYMARK_FRAME_PROBE=FILE` (`python -m benchmarks.realwin_edits`): the app
  appends one JSON line to FILE per input event, library commit, document
  `changed` and viewport paint, each stamped with `time.perf_counter()` in
  the app's own process (see `FrameProbe`), so the benchmark can time an
  edit from the event the app received to the end of the frame that shows it.
"""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

if TYPE_CHECKING:  # types only: the window imports this module
    from .main_window import MainWindow

PROBE_ENV = "WAYMARK_PROBE"
FIRST_FRAME_ENV = "WAYMARK_STARTUP_PROBE"
QUIT_ENV = "WAYMARK_STARTUP_PROBE_QUIT"
FRAME_PROBE_ENV = "WAYMARK_FRAME_PROBE"


def global_geometry(widget: QWidget) -> list[int]:
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def _visible_tops() -> Iterator[QWidget]:
    return (t for t in QApplication.topLevelWidgets() if t.isVisible())


class StateServer(QObject):
    """Answers `state` lines on a local socket (QtNetwork only when switched on)."""

    def __init__(self, window: MainWindow, path: str) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(window)
        self.window = window
        self.server = QLocalServer(self)
        QLocalServer.removeServer(path)
        if not self.server.listen(path):
            raise RuntimeError(f"probe: cannot listen on {path}")
        self.server.newConnection.connect(self._connected)
        self._sockets: list[Any] = []

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._sockets.append(sock)
            sock.readyRead.connect(lambda s=sock: self._answer(s))
            sock.disconnected.connect(lambda s=sock: self._gone(s))

    def _gone(self, sock: Any) -> None:
        if sock in self._sockets:
            self._sockets.remove(sock)
        sock.deleteLater()

    def _answer(self, sock: Any) -> None:
        while sock.canReadLine():
            sock.readLine()
            try:
                reply = self.state()
            except Exception as exc:  # a probe must never take the app down
                reply = {"error": repr(exc)}
            sock.write(json.dumps(reply).encode() + b"\n")
            sock.flush()

    # -- what the window shows -------------------------------------------------------
    def state(self) -> dict[str, Any]:
        w = self.window
        focus = QApplication.focusWidget()
        active = QApplication.activeWindow()
        out: dict[str, Any] = {
            "windows": [{"title": t.windowTitle(), "class": type(t).__name__,
                         "geometry": global_geometry(t), "active": t is active,
                         "modal": t.isModal()}
                        for t in _visible_tops()],
            "popup": QApplication.activePopupWidget() is not None,
            "modal": QApplication.activeModalWidget() is not None,
            "focus": type(focus).__name__ if focus is not None else None,
            "focus_in_view": focus is w.view or (focus is not None
                                                 and w.view.isAncestorOf(focus)),
            "session_id": w.session_id, "map_id": w.map_id,
            "undo": {"count": w.undo_stack.count(), "index": w.undo_stack.index()},
            "status": w.statusBar().currentMessage(),
            "zoom": w.view.zoom,
            "viewport": global_geometry(w.view.viewport()),
            "current_cell": list(getattr(getattr(w, "note_actions", None), "current_cell",
                                         None) or []),
            "editor_open": getattr(getattr(w, "note_actions", None), "editor", None) is not None,
            "buttons": self._buttons(),
            "tabs": self._tabs(),
            "fields": self._fields(),
            "actions": self._actions(),
        }
        out.update(self._scene())
        return out

    def _buttons(self) -> list[dict[str, Any]]:
        found = []
        for top in _visible_tops():
            for b in top.findChildren(QAbstractButton):
                if b.isVisible() and b.text():
                    found.append({"text": b.text().replace("&", ""), "enabled": b.isEnabled(),
                                  "checked": b.isChecked(), "geometry": global_geometry(b),
                                  "window": top.windowTitle()})
        return found

    def _tabs(self) -> list[dict[str, Any]]:
        found = []
        for top in _visible_tops():
            for bar in top.findChildren(QTabBar):
                if not bar.isVisible():
                    continue
                for i in range(bar.count()):
                    r = bar.tabRect(i)
                    p = bar.mapToGlobal(r.topLeft())
                    found.append({"text": bar.tabText(i).replace("&", ""),
                                  "current": i == bar.currentIndex(),
                                  "geometry": [p.x(), p.y(), r.width(), r.height()],
                                  "window": top.windowTitle()})
        return found

    def _fields(self) -> list[dict[str, Any]]:
        """Editable fields by their form label (or placeholder), as a person finds them."""
        found = []
        for top in _visible_tops():
            labels = {id(lab.buddy()): lab.text().replace("&", "").rstrip(":")
                      for lab in top.findChildren(QLabel) if lab.buddy() is not None}
            for f in top.findChildren(QWidget):
                if not isinstance(f, (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox)):
                    continue
                if not f.isVisible():
                    continue
                text = (f.currentText() if isinstance(f, QComboBox) else
                        f.toPlainText() if isinstance(f, QPlainTextEdit) else
                        f.text())
                placeholder = f.placeholderText() if isinstance(
                    f, (QLineEdit, QPlainTextEdit)) else ""
                found.append({"label": labels.get(id(f), ""), "placeholder": placeholder,
                              "class": type(f).__name__, "text": text,
                              "enabled": f.isEnabled(), "focus": f.hasFocus(),
                              "geometry": global_geometry(f), "window": top.windowTitle()})
        return found

    def _actions(self) -> list[dict[str, Any]]:
        seen: set[int] = set()
        out = []
        for a in self.window.findChildren(QAction):
            if id(a) in seen or a.isSeparator():
                continue
            seen.add(id(a))
            keys = [k.toString() for k in a.shortcuts() if not k.isEmpty()]
            out.append({"text": a.text().replace("&", ""), "keys": keys,
                        "enabled": a.isEnabled(), "checkable": a.isCheckable(),
                        "checked": a.isChecked()})
        return out

    def _scene(self) -> dict[str, Any]:
        w = self.window
        view, scene = w.view, w.scene
        vp = view.viewport()

        def screen(r: QRectF) -> list[int]:
            poly = view.mapFromScene(r).boundingRect()
            top_left = vp.mapToGlobal(poly.topLeft())
            return [top_left.x(), top_left.y(), poly.width(), poly.height()]

        layout = scene.layout
        if layout is None:
            return {"notes": [], "cells": [], "stages": [], "lanes": []}
        notes = []
        for nid, item in scene.notes.items():
            box = item.note
            notes.append({"id": nid, "text": box.text if hasattr(box, "text") else "",
                          "stage_id": box.stage_id, "lane_id": box.lane_id,
                          "selected": item.isSelected(),
                          "rect": screen(item.mapRectToScene(item.note_rect()))})
        cells = [{"stage_id": c.stage_id, "lane_id": c.lane_id,
                  "rect": screen(QRectF(c.rect.x, c.rect.y, c.rect.w, c.rect.h))}
                 for c in layout.cells]
        stages = [{"id": h.id, "rect": screen(QRectF(h.rect.x, h.rect.y, h.rect.w, h.rect.h))}
                  for h in layout.stages]
        lanes = [{"id": h.id, "rect": screen(QRectF(h.rect.x, h.rect.y, h.rect.w, h.rect.h))}
                 for h in layout.lanes]
        return {"notes": notes, "cells": cells, "stages": stages, "lanes": lanes}


class FirstFrame(QObject):
    """Records the first paint of the opened session (and quits, if asked)."""

    def __init__(self, window: MainWindow, path: Path, quit_after: bool) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.quit_after = quit_after
        self.viewport = window.view.viewport()
        self.viewport.installEventFilter(self)

    def _showing_the_session(self) -> bool:
        w = self.window
        return w.doc is None or not getattr(w, "_fit_pending", False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.viewport and event.type() == QEvent.Type.Paint
                and self._showing_the_session()):
            self.viewport.removeEventFilter(self)
            # A zero timer fires once this paint (and the flush after it) has finished.
            QTimer.singleShot(0, self._painted)
        return False

    def _write(self, what: str) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(f"{what} {time.time():.6f}\n")

    def _painted(self) -> None:
        self._write("first_frame")
        if self.quit_after:
            self._write("quit_requested")
            self.window.close()


def install_state_server(window: MainWindow) -> StateServer | None:
    path = os.environ.get(PROBE_ENV)
    return StateServer(window, path) if path else None


def install_first_frame(window: MainWindow) -> FirstFrame | None:
    path = os.environ.get(FIRST_FRAME_ENV)
    return FirstFrame(window, Path(path), os.environ.get(QUIT_ENV) == "1") if path else None


def install(window: MainWindow) -> None:
    """Switch on whichever probe the environment asks for (usually none)."""
    install_state_server(window)
    install_first_frame(window)
    install_frame_probe(window)


class FrameProbe(QObject):
    """Edit → frame timing in the real window (`WAYMARK_FRAME_PROBE=FILE`).

    One JSON line per record, `t` being `time.perf_counter()` in this process:

    - `{"e": "key", "ty": "override"|"press", "k": key, "m": modifiers}`: a key
      as the app receives it. An application-wide event filter sees the
      ShortcutOverride Qt sends the focus widget first (a key bound to an action,
      Ctrl+Z, never arrives as a KeyPress) and the KeyPress; the first of the two
      is when the app got the key.
    - `{"e": "press"|"release", "b": button}`: a mouse button on the map's
      viewport, seen before any other filter of the viewport (the voting layer
      takes its clicks in one).
    - `{"e": "commit", "op": name}`: `Library.run` committed (a listener, called
      right after the commit, before the document refreshes).
    - `{"e": "changed", "map": id}`: a document emitted `changed`. Connected after
      the window's own slot, so this is stamped once the window has applied the
      new layout to the scene; `{"e": "edited", "op": name}` when its `run` has
      done all that (the document's `edited`, also after the others' slots).
    - `{"e": "paint"}` when a Paint event reaches the viewport, and
      `{"e": "painted", "s": start, "via": type}` at the end of that frame. Qt
      paints a window in one pass (UpdateRequest → the Paint of every dirty
      widget, the viewport first when it is opaque and not overlapped → flush
      of the backing store to the X server) without returning to the event
      loop, and inside that pass the application only delivers Paint events.
      So the first event of any other type after the viewport's Paint (a posted
      LayoutRequest, a timer, the next X event…; its type is `via`) marks the
      end of the pass; a zero timer started from the Paint makes sure such an
      event comes. One `painted` per frame, however many Paints.

    - `{"e": "gc", "s": start, "gen": generation, "ms": duration}`: a Python
      garbage collection of 0.5 ms or more (`gc.callbacks`), which stops
      everything else in the app while it runs.

    Only reads and records; the file is written line-buffered.
    """

    KEY_TYPES = {QEvent.Type.ShortcutOverride: "override", QEvent.Type.KeyPress: "press"}
    MOUSE_TYPES = {QEvent.Type.MouseButtonPress: "press",
                   QEvent.Type.MouseButtonRelease: "release"}

    def __init__(self, window: MainWindow, path: Path) -> None:
        super().__init__(window)
        self.window = window
        self.viewport = window.view.viewport()
        self._fh = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (app-long)
        self._docs: set[int] = set()
        self._library: Any = None
        self._unsubscribe: Any = None
        self._frame_start: float | None = None
        self._gc_start: float | None = None
        self._follow()
        self._write({"e": "ready", "t": time.perf_counter()})
        QApplication.instance().installEventFilter(self)
        gc.callbacks.append(self._gc)
        window.destroyed.connect(self._closed)

    def _closed(self) -> None:
        if self._gc in gc.callbacks:
            gc.callbacks.remove(self._gc)
        self._fh.close()

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        elif self._gc_start is not None:
            t, start, self._gc_start = time.perf_counter(), self._gc_start, None
            if t - start >= 0.0005:
                self._write({"e": "gc", "t": t, "s": start, "gen": info.get("generation"),
                             "ms": round((t - start) * 1000, 3)})

    def _write(self, record: dict[str, Any]) -> None:
        if not self._fh.closed:
            self._fh.write(json.dumps(record) + "\n")

    def _follow(self) -> None:
        """Listen to the window's library and every document it has opened."""
        library = getattr(self.window, "library", None)
        if library is not self._library:
            if self._unsubscribe is not None:
                try:
                    self._unsubscribe()
                except ValueError:
                    pass
            self._library, self._unsubscribe = library, (
                library.subscribe(self._committed) if library is not None else None)
        for doc in list(getattr(self.window, "docs", {}).values()):
            if id(doc) not in self._docs:
                self._docs.add(id(doc))
                doc.changed.connect(lambda d=doc: self._changed(d))
                doc.edited.connect(lambda op, d=doc: self._write(
                    {"e": "edited", "t": time.perf_counter(), "map": d.map_id, "op": op}))

    def _committed(self, done: Any) -> None:
        self._write({"e": "commit", "t": time.perf_counter(), "op": getattr(done, "op", "")})
        self._follow()

    def _changed(self, doc: Any) -> None:
        self._write({"e": "changed", "t": time.perf_counter(), "map": doc.map_id})

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._frame_start is not None and kind != QEvent.Type.Paint:
            self._painted(int(kind.value))  # the paint pass is over
        if kind == QEvent.Type.Paint:
            if watched is self.viewport and self._frame_start is None:
                self._frame_start = t = time.perf_counter()
                self._write({"e": "paint", "t": t})
                QTimer.singleShot(0, self._painted)
        elif kind in self.KEY_TYPES:
            self._write({"e": "key", "t": time.perf_counter(), "ty": self.KEY_TYPES[kind],
                         "k": int(event.key()), "m": int(event.modifiers().value)})
        elif kind in self.MOUSE_TYPES and watched is self.viewport:
            self._write({"e": self.MOUSE_TYPES[kind], "t": time.perf_counter(),
                         "b": int(event.button().value)})
        return False

    def _painted(self, via: int = int(QEvent.Type.MetaCall.value)) -> None:
        if self._frame_start is None:  # ended by an earlier event
            return
        t = time.perf_counter()
        start, self._frame_start = self._frame_start, None
        self._write({"e": "painted", "t": t, "s": start, "via": via})
        self._follow()


def install_frame_probe(window: MainWindow) -> FrameProbe | None:
    path = os.environ.get(FRAME_PROBE_ENV)
    return FrameProbe(window, Path(path)) if path else None
