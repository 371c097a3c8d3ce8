"""The Maps tab of the session details dialog: the session's maps in order, added
from a template, renamed, reordered, duplicated as a future state, deleted, and
the persona each map is for. Its list and form come from `session_tabs.ListFormTab`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from journey import ops
from journey.models import Persona
from journey.queries import map_note_counts, maps_of, ordered

from ..commands import session_commands as sc
from ..preferences import BLANK
from .session_tabs import ID, ListFormTab, dialog_prefs

# -- maps --------------------------------------------------------------------------------

class MapsTab(ListFormTab):
    """The session's maps in order; add from a template, rename, reorder, duplicate, delete."""

    def __init__(self, dialog: Any) -> None:
        super().__init__(dialog)
        self.list.itemChanged.connect(self._renamed)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("Name of the new map")
        self.template_box = QComboBox(self)
        add = QPushButton("Add &map", self)
        add.clicked.connect(self.add_from_form)
        self.name_edit.returnPressed.connect(self.add_from_form)
        self.persona_box = QComboBox(self)
        # Any change the combo shows is stored at once — by mouse, keys, wheel or a
        # screen reader — not only a popup's `activated`: what the dialog shows when
        # it closes is what the map is for.
        self.persona_box.currentIndexChanged.connect(self._persona_chosen)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
                ("rename", "&Rename", self.rename_current),
                ("up", "Move &up", lambda: self.move_current(-1)),
                ("down", "Move do&wn", lambda: self.move_current(1)),
                ("future", "Duplicate as &future state", self.duplicate_current),
                ("delete", "&Delete map", self.delete_current)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            self.buttons[key] = button

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.name_edit, 2)
        add_row.addWidget(self.template_box, 2)
        add_row.addWidget(add)
        left.addLayout(add_row)
        right = QVBoxLayout()
        persona_form = QFormLayout()
        persona_form.addRow("For persona:", self.persona_box)
        right.addLayout(persona_form)
        for key in ("rename", "up", "down", "future"):
            right.addWidget(self.buttons[key])
        right.addStretch(1)
        right.addWidget(self.buttons["delete"])
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 1)
        self.note_counts: dict[str, int] = {}
        self.personas: list[Persona] = []

    def read_rows(self) -> list[Any]:
        sid = self.dialog.session_id
        self.note_counts = self.library.read(map_note_counts, sid)
        self.personas = self.library.read(ordered, Persona, session_id=sid)
        self._fill_templates()
        return self.library.read(maps_of, sid)

    def _fill_templates(self) -> None:
        keep = self.template_box.currentData()
        self.template_box.clear()
        for spec in self.library.read(ops.list_templates):
            self.template_box.addItem(spec.name, spec.name)
        self.template_box.addItem("Blank map", BLANK)
        wanted = keep if keep is not None else dialog_prefs(self.dialog).default_template
        self.template_box.setCurrentIndex(max(0, self.template_box.findData(wanted)))

    def icon(self, row: Any) -> QIcon:
        return QIcon()

    def label(self, row: Any) -> str:
        return row.name

    def preferred_id(self) -> str | None:
        return getattr(self.dialog.window_, "map_id", None)  # the map on screen

    def refresh(self) -> None:
        self.list.blockSignals(True)
        super().refresh()
        for i, row in enumerate(self.rows):
            item = self.list.item(i)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            notes = self.note_counts.get(row.id, 0)
            persona = next((p.name for p in self.personas if p.id == row.persona_id), "")
            item.setToolTip(f"{notes} note{'s' if notes != 1 else ''}"
                            + (f" · for {persona}" if persona else ""))
        self.list.blockSignals(False)

    def fill_form(self, row: Any) -> None:
        for key, button in self.buttons.items():
            index = self.rows.index(row) if row in self.rows else -1
            enabled = row is not None and not (key == "up" and index == 0) and not (
                key == "down" and index == len(self.rows) - 1)
            button.setEnabled(enabled)
        with QSignalBlocker(self.persona_box):  # filling is no choice
            self.persona_box.clear()
            self.persona_box.addItem("Nobody in particular", None)
            for p in self.personas:
                self.persona_box.addItem(p.name, p.id)
            self.persona_box.setEnabled(row is not None)
            if row is not None:
                self.persona_box.setCurrentIndex(
                    max(0, self.persona_box.findData(row.persona_id)))

    def _unique(self, base: str) -> str:
        names = {r.name.casefold() for r in self.rows}
        name, n = base, 2
        while name.casefold() in names:
            name, n = f"{base} {n}", n + 1
        return name

    def add_map(self, name: str, template: str | None) -> str | None:
        scale = dialog_prefs(self.dialog).scale
        command = sc.add_map(self.library, self.dialog.session_id,
                             name.strip() or self._unique("New map"), template or None, scale)
        if not self.dialog.push(command):
            return None
        self.select(command.row_id)
        return command.row_id

    def add_from_form(self) -> None:
        if self.add_map(self.name_edit.text(), self.template_box.currentData()):
            self.name_edit.clear()

    def rename_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def _renamed(self, item: QListWidgetItem) -> None:
        if not self.dialog.refreshing:
            self.dialog.push(sc.rename_map(self.library, item.data(ID), item.text()))

    def move_current(self, step: int) -> None:
        row = self.current_row()
        if row is not None:
            self.dialog.push(sc.move_map(self.library, row.id, self.rows.index(row) + step))

    def duplicate_current(self) -> str | None:
        row = self.current_row()
        if row is None:
            return None
        command = sc.duplicate_map(self.library, row.id, self._unique("Future state"))
        if not self.dialog.push(command):
            return None
        self.select(command.row_id)
        return command.row_id

    def delete_current(self) -> None:
        if self.current_id():
            self.dialog.push(sc.delete_map(self.library, self.current_id()))

    def _persona_chosen(self, _index: int = -1) -> None:
        if not self.dialog.refreshing:
            self.commit()

    def commit(self) -> None:
        """Store the persona the combo shows for the map the form shows."""
        row = next((r for r in self.rows if r.id == self.form_id), None)
        if row is None or self.dialog.refreshing or \
                not self.persona_box.isEnabled():
            return
        if self.persona_box.currentData() != row.persona_id:
            self.dialog.push(sc.set_map_persona(self.library, row.id,
                                                self.persona_box.currentData()))
