"""The find bar (Ctrl+F): notes matching the words are ringed, all others dimmed.

Typing searches as you go (`journey.search.find_notes`: every word must
appear in the text, tags, author or owner, case- and accent-insensitive).
Enter or F3 steps to the next match — selects it and scrolls it into view —
Shift+Enter or Shift+F3 steps back, and the count reads "3 of 7". Esc closes
the bar and ends the dimming. The emphasis lives in `canvas.highlight`, so
nothing is written to the library; after an edit the matches are searched
again and the current match is kept if it still matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from canvas.highlight import highlighter
from journey.search import find_notes

if TYPE_CHECKING:  # types only: the window imports this module
    from .main_window import MainWindow

_OWN_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape}


class FindEdit(QLineEdit):
    """The query field: Enter, Shift+Enter and Esc are its own, whatever the window binds."""

    def __init__(self, bar: FindBar) -> None:
        super().__init__(bar)
        self.bar = bar

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in _OWN_KEYS:
            event.accept()  # keep window shortcuts (new note on Enter …) from taking it
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.bar.step(-1 if back else 1)
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.bar.close_bar()
            event.accept()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """A slim bar under the canvas; `open_bar()`, `step(±1)`, `close_bar()`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.highlighter = highlighter(window.scene)
        self.matches: list[str] = []
        self.index = -1  # the current match, -1 before the first step
        self.edit = FindEdit(self)
        self.edit.setPlaceholderText("Find notes by text, tag or author")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(260)
        self.edit.textChanged.connect(self._search)
        self.count = QLabel("")
        self.count.setMinimumWidth(90)
        self.prev_button = self._button("▲", "Previous match (Shift+Enter)", lambda: self.step(-1))
        self.next_button = self._button("▼", "Next match (Enter)", lambda: self.step(1))
        close = self._button("✕", "Close (Esc)", self.close_bar)
        box = QHBoxLayout(self)
        box.setContentsMargins(8, 3, 8, 3)
        box.setSpacing(6)
        box.addWidget(QLabel("Find:"))
        box.addWidget(self.edit)
        box.addWidget(self.prev_button)
        box.addWidget(self.next_button)
        box.addWidget(self.count)
        box.addStretch(1)
        box.addWidget(close)
        self.hide()
        window.scene.layoutApplied.connect(self._layout_applied)

    def _button(self, text: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    # -- opening and closing ----------------------------------------------------------
    def open_bar(self) -> None:
        """Show the bar with the field focused and its text selected (Ctrl+F)."""
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        self._search(self.edit.text())

    def close_bar(self) -> None:
        """Hide the bar and end the highlighting; the view gets the keyboard back."""
        self.hide()
        self.matches, self.index = [], -1
        self.highlighter.set_find(None)
        self.window.view.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def query(self) -> str:
        return self.edit.text().strip()

    # -- searching and stepping --------------------------------------------------------
    def _search(self, _text: str = "") -> None:
        data = self.window.data
        if not self.query or data is None:
            self.matches, self.index = [], -1
            self.highlighter.set_find(None)
        else:
            self.matches = find_notes(data, self.query)
            self.index = -1
            self.highlighter.set_find(self.matches)
        self._show_count()

    def _layout_applied(self) -> None:
        """After an edit (or undo) the map changed: search again, keep the current match."""
        if not self.isVisible() or not self.query or self.window.data is None:
            return
        current = self.current_id
        self.matches = find_notes(self.window.data, self.query)
        self.index = self.matches.index(current) if current in self.matches else -1
        self.highlighter.set_find(self.matches)
        self._show_count()

    @property
    def current_id(self) -> str | None:
        return self.matches[self.index] if 0 <= self.index < len(self.matches) else None

    def step(self, direction: int) -> str | None:
        """Go to the next (1) or previous (-1) match: select it and scroll to it."""
        if not self.isVisible():
            self.open_bar()
        if not self.matches:
            self._show_count()
            return None
        if self.index < 0:
            self.index = 0 if direction > 0 else len(self.matches) - 1
        else:
            self.index = (self.index + direction) % len(self.matches)
        note_id = self.matches[self.index]
        scene, view = self.window.scene, self.window.view
        item = scene.note_item(note_id)
        scene.clearSelection()
        if item is not None:
            item.setSelected(True)
            view.ensureVisible(item.mapRectToScene(item.note_rect()), 60, 60)
        else:  # a note in a collapsed lane has no item: show its cell instead
            self._show_hidden(note_id)
        self._show_count()
        return note_id

    def _show_hidden(self, note_id: str) -> None:
        doc, layout = self.window.doc, self.window.layout
        where = doc.cell_of(note_id) if doc is not None else None
        cell = layout.cell(*where[0]) if where and layout is not None else None
        if cell is not None:
            r = cell.rect
            self.window.view.ensureVisible(QRectF(r.x, r.y, r.w, r.h), 60, 60)
        self.window.statusBar().showMessage(
            "This match is in a collapsed lane: expand the lane to see it", 5000)

    def _show_count(self) -> None:
        n = len(self.matches)
        if not self.query:
            text = ""
        elif n == 0:
            text = "No matches"
        elif self.index < 0:
            text = f"{n} match" + ("" if n == 1 else "es")
        else:
            text = f"{self.index + 1} of {n}"
        self.count.setText(text)
        self.prev_button.setEnabled(n > 0)
        self.next_button.setEnabled(n > 0)


__all__ = ["FindBar", "FindEdit"]
