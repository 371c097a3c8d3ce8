"""The filter bar: show the notes with a tag, a colour or an author; dim the rest.

Three combo boxes (each with "Any …" first) filled from the map
(`journey.search.tags_of`, `authors_of`, the colours in use); the notes that
pass every chosen criterion (`filter_notes`) stay as they are and all others
are dimmed through `canvas.highlight` — never written to the library. The
choices are refilled after every edit, keeping what was chosen, and the
filter is applied again. Clear (or closing the bar) shows every note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from canvas.highlight import highlighter
from journey.palette import NOTE_COLOURS, colour_name, note_fill
from journey.search import authors_of, filter_notes, tags_of

if TYPE_CHECKING:  # types only: the window imports this module
    from .main_window import MainWindow


def _swatch(colour: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(colour))
    return QIcon(pix)


class FilterBar(QWidget):
    """Tag, colour and author filters under the canvas."""

    #: Shown (True) or hidden (False), for the View menu's check mark.
    shownChanged = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.highlighter = highlighter(window.scene)
        self.tag_box = self._combo("Filter by tag")
        self.colour_box = self._combo("Filter by note colour")
        self.author_box = self._combo("Filter by author")
        self.count = QLabel("")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Show every note")
        self.clear_button.clicked.connect(self.clear)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close the filter and show every note")
        close.setAutoRaise(True)
        close.clicked.connect(self.close_bar)
        box = QHBoxLayout(self)
        box.setContentsMargins(8, 3, 8, 3)
        box.setSpacing(6)
        box.addWidget(QLabel("Filter:"))
        for label, combo in (("Tag", self.tag_box), ("Colour", self.colour_box),
                             ("Author", self.author_box)):
            text = QLabel(f"{label}:")
            text.setBuddy(combo)
            box.addWidget(text)
            box.addWidget(combo)
        box.addWidget(self.clear_button)
        box.addWidget(self.count)
        box.addStretch(1)
        box.addWidget(close)
        self.hide()
        window.scene.layoutApplied.connect(self._layout_applied)

    def _combo(self, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumContentsLength(8)
        combo.currentIndexChanged.connect(lambda _i: self.apply())
        return combo

    # -- choices --------------------------------------------------------------------
    def criteria(self) -> tuple[str | None, str | None, str | None]:
        """(tag, colour, author), None where any is allowed."""
        return (self.tag_box.currentData(), self.colour_box.currentData(),
                self.author_box.currentData())

    @property
    def active(self) -> bool:
        return any(c is not None for c in self.criteria())

    def fill(self) -> None:
        """Refill the boxes from the map, keeping the current choices."""
        data = self.window.data
        tags = tags_of(data) if data else []
        authors = authors_of(data) if data else []
        used = {note_fill(n.colour) for n in data.all_notes()} if data else set()
        colours = [c for c in NOTE_COLOURS if c.upper() in used]
        colours += sorted(used - {c.upper() for c in colours})
        self._refill(self.tag_box, "Any tag", [(t, t, None) for t in tags])
        self._refill(self.colour_box, "Any colour",
                     [(colour_name(c), c, _swatch(c)) for c in colours])
        self._refill(self.author_box, "Any author", [(a, a, None) for a in authors])

    @staticmethod
    def _refill(combo: QComboBox, any_text: str,
                entries: list[tuple[str, str, QIcon | None]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(any_text, None)
        for text, value, icon in entries:
            if icon is None:
                combo.addItem(text, value)
            else:
                combo.addItem(icon, text, value)
        index = combo.findData(current) if current is not None else 0
        if index < 0:  # the chosen value is gone from the map: keep it so nothing jumps
            combo.addItem(f"{current} (none left)", current)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    def set_criteria(self, tag: str | None = None, colour: str | None = None,
                     author: str | None = None) -> None:
        """Choose programmatically (tests, other parts); unknown values are added."""
        for combo, value in ((self.tag_box, tag), (self.colour_box, colour),
                             (self.author_box, author)):
            combo.blockSignals(True)
            index = combo.findData(value) if value is not None else 0
            if index < 0:
                combo.addItem(str(value), value)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self.apply()

    # -- applying ---------------------------------------------------------------------
    def apply(self) -> list[str] | None:
        """Dim the notes that fail the chosen criteria; returns the passing ids."""
        data = self.window.data
        if not self.active or data is None:
            self.highlighter.set_filter(None)
            self.count.setText("")
            return None
        tag, colour, author = self.criteria()
        ids = filter_notes(data, tag=tag, colour=colour, author=author)
        self.highlighter.set_filter(ids)
        total = len(data.all_notes())
        self.count.setText(f"{len(ids)} of {total} notes")
        return ids

    def _layout_applied(self) -> None:
        if self.isVisible():
            self.fill()
        if self.active:
            self.apply()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.shownChanged.emit(True)

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self.shownChanged.emit(False)

    def open_bar(self) -> None:
        self.fill()
        self.show()
        self.tag_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.apply()

    def clear(self) -> None:
        self.set_criteria(None, None, None)

    def close_bar(self) -> None:
        self.clear()
        self.hide()
        self.window.view.setFocus(Qt.FocusReason.OtherFocusReason)


__all__ = ["FilterBar"]
