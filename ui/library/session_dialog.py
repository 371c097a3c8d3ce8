"""File › Open session…: the library's sessions, newest first, with a filter box.

The dialog only shows rows from `journey.queries.list_sessions` and returns
the chosen id; the window opens it. Double-click or Enter opens a session.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

COLUMNS = ("Title", "Date", "Facilitator", "Maps", "Notes")
ID_ROLE = Qt.ItemDataRole.UserRole


class SessionDialog(QDialog):
    """Pick a session; `selected_id()` after `exec()` returns the choice."""

    def __init__(self, sessions: list[dict[str, Any]], current_id: str | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open session")
        self.resize(720, 420)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter by title or facilitator")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)

        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        for row in sessions:
            item = QTreeWidgetItem([row["title"], row.get("date", ""),
                                    row.get("facilitator", ""), str(row.get("maps", 0)),
                                    str(row.get("notes", 0))])
            item.setData(0, ID_ROLE, row["id"])
            for col in (3, 4):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
            if row["id"] == current_id:
                self.tree.setCurrentItem(item)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self.tree.itemDoubleClicked.connect(lambda *_: self.accept())
        self.tree.currentItemChanged.connect(lambda *_: self._update_ok())

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self.tree.setFocus()
        self._update_ok()

    def session_ids(self) -> list[str]:
        """Ids of the listed (not filtered-out) sessions, top to bottom."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if not item.isHidden():
                out.append(item.data(0, ID_ROLE))
        return out

    def titles(self) -> list[str]:
        return [self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount())
                if not self.tree.topLevelItem(i).isHidden()]

    def select(self, session_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, ID_ROLE) == session_id:
                self.tree.setCurrentItem(item)
                return

    def selected_id(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None or item.isHidden() else item.data(0, ID_ROLE)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        first_visible = None
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            hay = f"{item.text(0)} {item.text(2)} {item.text(1)}".casefold()
            item.setHidden(bool(needle) and needle not in hay)
            if not item.isHidden() and first_visible is None:
                first_visible = item
        current = self.tree.currentItem()
        if current is None or current.isHidden():
            self.tree.setCurrentItem(first_visible)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(
            self.selected_id() is not None)
