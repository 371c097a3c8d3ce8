"""The Tags dialog: comma-separated tags for one or more notes, with the map's
existing tags one click away (a facilitator tags fast and consistently)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from journey.ops import normalise_tags


def split_tags(text: str) -> list[str]:
    return [t for t in (s.strip() for s in normalise_tags(text).split(",")) if t]


class TagsDialog(QDialog):
    """Edit `tags` (a comma-separated string); `tags()` gives the normalised result."""

    def __init__(self, tags: str, known: list[str], count: int = 1, mixed: bool = False,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tags")
        what = "this note" if count == 1 else f"these {count} notes"
        label = QLabel(f"Tags of {what}, separated by commas:")
        self.edit = QLineEdit(tags)
        self.edit.setClearButtonEnabled(True)
        if mixed:
            self.edit.setPlaceholderText("The notes have different tags; these replace them")
        self.known = QListWidget()
        self.known.setToolTip("Click a tag to add or remove it")
        for tag in known:
            item = QListWidgetItem(tag)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            self.known.addItem(item)
        self.known.setVisible(bool(known))
        self._sync_checks()
        self.edit.textChanged.connect(self._sync_checks)
        self.known.itemChanged.connect(self._toggled)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        if known:
            layout.addWidget(QLabel("Tags on this map:"))
            layout.addWidget(self.known)
        layout.addWidget(buttons)
        self.edit.selectAll()
        self.edit.setFocus()

    def tags(self) -> str:
        return normalise_tags(self.edit.text())

    def _sync_checks(self) -> None:
        present = {t.casefold() for t in split_tags(self.edit.text())}
        self.known.blockSignals(True)
        for i in range(self.known.count()):
            item = self.known.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text().casefold() in present
                               else Qt.CheckState.Unchecked)
        self.known.blockSignals(False)

    def _toggled(self, item: QListWidgetItem) -> None:
        tags = split_tags(self.edit.text())
        if item.checkState() == Qt.CheckState.Checked:
            tags.append(item.text())
        else:
            tags = [t for t in tags if t.casefold() != item.text().casefold()]
        self.edit.setText(", ".join(tags))
