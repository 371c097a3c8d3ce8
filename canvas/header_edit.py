"""Editing a name in place: a line edit laid over a stage or lane header, or a point.

`InlineEditor` shows one `QLineEdit` in a `QGraphicsProxyWidget` over the
thing being named, in the header's own font and size, so the name is typed
where it appears and zooms with the map. Enter (or clicking elsewhere)
commits — `committed(kind, id, text)` — and Esc cancels (`cancelled`); the
editor writes nothing itself. It also names what is not there yet: a new stage
or lane is named over its `canvas.provisional_header` ghost, and only the
commit adds it. One proxy is made per scene and reused.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QGraphicsProxyWidget, QGraphicsScene, QLineEdit

from journey.limits import MAX_NAME
from paint.qt_paint import THEME
from paint.qt_text import face_font

Z_EDITOR = 100.0
_ENDING_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)


class _LineEdit(QLineEdit):
    """Enter commits, Esc cancels, losing focus commits."""

    def __init__(self, editor: InlineEditor) -> None:
        super().__init__()
        self._editor = editor

    def event(self, event: QEvent) -> bool:
        # Enter and Esc end the edit even where the window binds them as shortcuts.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in _ENDING_KEYS:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self._editor.cancel()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self._editor.commit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self._editor.commit()


class InlineEditor(QObject):
    """The in-place name editor of a scene."""

    #: (kind, id, text): "stage", "lane" or "point", the row id, the typed text.
    committed = Signal(str, str, str)
    #: Emitted when Esc (or the caller) closes the editor without committing.
    cancelled = Signal()
    #: Emitted when the editor closes, committed or not (before committed/cancelled).
    closed = Signal()

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.scene = scene
        self.proxy: QGraphicsProxyWidget | None = None
        self.edit: _LineEdit | None = None
        self.kind = ""
        self.target = ""
        self._size = 12.0
        self._open = False

    @property
    def is_open(self) -> bool:
        return self._open

    def _ensure(self) -> tuple[QGraphicsProxyWidget, _LineEdit]:
        if self.proxy is None or self.proxy.scene() is not self.scene:
            self.edit = _LineEdit(self)
            self.edit.setFrame(False)
            self.edit.setMaxLength(MAX_NAME)  # stage, lane and point names alike
            self.edit.setStyleSheet(
                f"QLineEdit {{ background: white; color: {THEME.lane_text};"
                f" border: 2px solid {THEME.selection}; border-radius: 3px; padding: 0 3px; }}")
            self.proxy = QGraphicsProxyWidget()
            self.proxy.setWidget(self.edit)
            self.proxy.setZValue(Z_EDITOR)
            self.proxy.hide()
            self.scene.addItem(self.proxy)
        assert self.edit is not None
        return self.proxy, self.edit

    def open(self, kind: str, target: str, rect: QRectF, text: str, size: float,
             bold: bool = False, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
             placeholder: str = "") -> None:
        """Show the editor over `rect` (scene points) with `text` selected."""
        if self._open:
            self.commit()
        proxy, edit = self._ensure()
        self.kind, self.target = kind, target
        self._size = size
        edit.setFont(face_font("sans-bold" if bold else "sans", max(6, round(size))))
        edit.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        edit.setPlaceholderText(placeholder)
        edit.setText(text)
        edit.selectAll()
        self.move_to(rect)
        self._open = True
        proxy.show()
        for view in self.scene.views():
            if view.isVisible():
                view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scene.setFocusItem(proxy, Qt.FocusReason.OtherFocusReason)
        edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def move_to(self, rect: QRectF) -> None:
        """Lay the editor over `rect` (the thing it names moved), keeping what is typed."""
        proxy, _edit = self._ensure()
        height = max(rect.height(), self._size * 1.6 + 6)
        proxy.setGeometry(QRectF(rect.x(), rect.center().y() - height / 2, rect.width(), height))

    def text(self) -> str:
        return self.edit.text() if self.edit is not None else ""

    def commit(self) -> None:
        """Close and report the text (the caller decides whether it changed anything)."""
        if not self._open:
            return
        text = self.text()
        kind, target = self.kind, self.target
        self._close()
        self.committed.emit(kind, target, text)

    def cancel(self) -> None:
        """Close without reporting the text (Esc, or what was named is gone)."""
        if self._open:
            self._close()
            self.cancelled.emit()

    def _close(self) -> None:
        self._open = False
        if self.proxy is not None:
            self.proxy.clearFocus()
            self.proxy.hide()
        self.closed.emit()
