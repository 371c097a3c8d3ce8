"""What the window shows, for tests that drive the real app from outside.

The real-window tests (tests/realwin/) send real X events with xdotool and
need to know where things are on the screen and what the window shows, the
way a person sees it. When `WAYMARK_PROBE` names a socket path, the app
answers each line it receives there with one JSON line: the visible windows,
the keyboard focus, the map's notes, cells and headers in screen
coordinates, the visible buttons, every action with its shortcut, and the
undo stack. It reads the widgets and the scene only; it never changes state.
Off unless the environment variable is set.
"""

from __future__ import annotations

import json
import os
from typing import Any

from PySide6.QtCore import QObject, QPoint, QRect, QRectF
from PySide6.QtGui import QAction
from PySide6.QtNetwork import QLocalServer, QLocalSocket
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

ENV = "WAYMARK_PROBE"


def _rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def _global(widget: QWidget) -> list[int]:
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


class Probe(QObject):
    def __init__(self, window: Any, path: str) -> None:
        super().__init__(window)
        self.window = window
        self.server = QLocalServer(self)
        QLocalServer.removeServer(path)
        if not self.server.listen(path):
            raise RuntimeError(f"probe: cannot listen on {path}")
        self.server.newConnection.connect(self._connected)
        self._sockets: list[QLocalSocket] = []

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._sockets.append(sock)
            sock.readyRead.connect(lambda s=sock: self._answer(s))
            sock.disconnected.connect(lambda s=sock: self._gone(s))

    def _gone(self, sock: QLocalSocket) -> None:
        if sock in self._sockets:
            self._sockets.remove(sock)
        sock.deleteLater()

    def _answer(self, sock: QLocalSocket) -> None:
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
        app = QApplication.instance()
        focus = QApplication.focusWidget()
        active = QApplication.activeWindow()
        out: dict[str, Any] = {
            "windows": [{"title": t.windowTitle(), "class": type(t).__name__,
                         "geometry": _global(t), "active": t is active,
                         "modal": t.isModal()}
                        for t in QApplication.topLevelWidgets() if t.isVisible()],
            "popup": QApplication.activePopupWidget() is not None,
            "modal": QApplication.activeModalWidget() is not None,
            "focus": type(focus).__name__ if focus is not None else None,
            "focus_in_view": focus is w.view or (focus is not None
                                                 and w.view.isAncestorOf(focus)),
            "session_id": w.session_id, "map_id": w.map_id,
            "undo": {"count": w.undo_stack.count(), "index": w.undo_stack.index()},
            "status": w.statusBar().currentMessage(),
            "zoom": w.view.zoom,
            "viewport": _global(w.view.viewport()),
            "current_cell": list(getattr(getattr(w, "note_actions", None), "current_cell",
                                         None) or []),
            "editor_open": getattr(getattr(w, "note_actions", None), "editor", None) is not None,
            "buttons": self._buttons(),
            "tabs": self._tabs(),
            "fields": self._fields(),
            "actions": self._actions(),
        }
        out.update(self._scene())
        del app
        return out

    def _buttons(self) -> list[dict[str, Any]]:
        found = []
        for top in QApplication.topLevelWidgets():
            if not top.isVisible():
                continue
            for b in top.findChildren(QAbstractButton):
                if b.isVisible() and b.text():
                    found.append({"text": b.text().replace("&", ""), "enabled": b.isEnabled(),
                                  "checked": b.isChecked(), "geometry": _global(b),
                                  "window": top.windowTitle()})
        return found

    def _tabs(self) -> list[dict[str, Any]]:
        found = []
        for top in QApplication.topLevelWidgets():
            if not top.isVisible():
                continue
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
        for top in QApplication.topLevelWidgets():
            if not top.isVisible():
                continue
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
                              "geometry": _global(f), "window": top.windowTitle()})
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


def install(window: Any) -> Probe | None:
    path = os.environ.get(ENV)
    return Probe(window, path) if path else None
