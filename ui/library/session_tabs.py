"""The Participants and Personas tabs of the session details dialog, and the
list-and-form base every tab shares (`ListFormTab`; the Maps tab is in `maps_tab`).

Each tab is a list on the left and the selected row's form on the right. A
form commits when it is left; list buttons (add, remove, move, duplicate)
are one undoable step each. Tabs read through the library and push commands
from `ui.commands.session_commands` through their dialog.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from formats.persona_photo import load_persona_photo
from journey.errors import WaymarkError
from journey.models import Participant, Persona
from journey.queries import ordered

from ..commands import session_commands as sc
from ..preferences import Preferences

ID = Qt.ItemDataRole.UserRole


def dialog_prefs(dialog: Any) -> Preferences:
    return Preferences.load(dialog.window_.settings)


class ColourPicker(QWidget):
    """A row of swatches (the palette's strong hues) and "Other…"; emits via `on_pick`."""

    def __init__(self, colours: list[str], on_pick: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_pick = on_pick
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        for colour in colours:
            button = QToolButton(self)
            button.setCheckable(True)
            button.setFixedSize(26, 26)
            button.setToolTip(colour)
            button.setStyleSheet(
                f"QToolButton {{ background: {colour}; border: 2px solid white; "
                f"border-radius: 13px; }} QToolButton:checked {{ border: 3px solid #1F2933; }}")
            button.clicked.connect(lambda _c=False, c=colour: self.on_pick(c))
            self.group.addButton(button)
            self.buttons[colour.upper()] = button
            row.addWidget(button)
        other = QToolButton(self)
        other.setText("Other…")
        other.clicked.connect(self._other)
        row.addWidget(other)
        row.addStretch(1)
        self.current = ""

    def set_colour(self, colour: str) -> None:
        self.current = colour
        button = self.buttons.get(colour.upper())
        self.group.setExclusive(False)
        for b in self.buttons.values():
            b.setChecked(b is button)
        self.group.setExclusive(True)

    def _other(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.current or "#0072B2"), self, "Colour")
        if chosen.isValid():
            self.on_pick(chosen.name().upper())


def _dot_icon(colour: str, size: int = 16) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pix)


class ListFormTab(QWidget):
    """List + form; subclasses fill `rows`, `fill_form` and `form_values`."""

    model: Any = None

    def __init__(self, dialog: Any) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.library = dialog.library
        self.rows: list[Any] = []
        self.form_id: str | None = None  # the row the form shows
        self.list = QListWidget(self)
        self.list.setIconSize(QSize(24, 24))
        self.list.currentItemChanged.connect(self._current_changed)

    # selection
    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(ID) if item else None

    def select(self, row_id: str | None) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(ID) == row_id:
                self.list.setCurrentRow(i)
                return

    def current_row(self) -> Any:
        return next((r for r in self.rows if r.id == self.current_id()), None)

    def _current_changed(self, *_: Any) -> None:
        if not self.dialog.refreshing:
            self.commit()  # the form still shows the row that was current
        self.show_form(self.current_row())

    def show_form(self, row: Any) -> None:
        self.form_id = row.id if row is not None else None
        self.fill_form(row)

    def watch_focus(self, *widgets: QWidget) -> None:
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.commit()
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        keep = self.current_id()
        self.rows = self.read_rows()
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem(self.icon(row), self.label(row))
            item.setData(ID, row.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        preferred = self.preferred_id()
        if keep and any(r.id == keep for r in self.rows):
            self.select(keep)
        elif preferred and any(r.id == preferred for r in self.rows):
            self.select(preferred)
        elif self.rows:
            self.list.setCurrentRow(0)
        self.show_form(self.current_row())

    def read_rows(self) -> list[Any]:
        return self.library.read(ordered, self.model, session_id=self.dialog.session_id)

    def preferred_id(self) -> str | None:
        """The row to show first when none is current."""
        return None

    def icon(self, row: Any) -> QIcon:
        return _dot_icon(row.colour)

    def label(self, row: Any) -> str:
        return row.name

    def commit(self) -> None:
        """Push the form's changes to the row it shows."""

    def fill_form(self, row: Any) -> None:
        raise NotImplementedError


# -- participants ----------------------------------------------------------------------

class ParticipantsTab(ListFormTab):
    model = Participant

    def __init__(self, dialog: Any) -> None:
        super().__init__(dialog)
        self.add_edit = QLineEdit(self)
        self.add_edit.setPlaceholderText("Names, separated by commas — Enter adds them")
        self.add_edit.returnPressed.connect(self.add_from_field)
        add = QPushButton("&Add", self)
        add.clicked.connect(self.add_from_field)
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.clicked.connect(self.remove_current)
        self.name_edit = QLineEdit(self)
        self.name_edit.editingFinished.connect(self.commit)
        self.budget = QSpinBox(self)
        self.budget.setRange(0, 99)
        self.budget.setSuffix(" dots")
        self.budget.editingFinished.connect(self.commit)
        self.watch_focus(self.budget)
        self.colours = ColourPicker(dialog_prefs(dialog).strong_colours(), self._pick_colour, self)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_edit, 1)
        row.addWidget(add)
        left.addLayout(row)
        self.form = QWidget(self)
        form = QFormLayout(self.form)
        form.addRow("Name:", self.name_edit)
        form.addRow("Colour:", self.colours)
        form.addRow("Vote budget:", self.budget)
        right = QVBoxLayout()
        right.addWidget(self.form)
        right.addStretch(1)
        right.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 4)

    def label(self, row: Participant) -> str:
        return f"{row.name}  ·  {row.vote_budget} dot{'s' if row.vote_budget != 1 else ''}"

    def fill_form(self, row: Participant | None) -> None:
        self.form.setEnabled(row is not None)
        self.remove_button.setEnabled(row is not None)
        self.name_edit.setText(row.name if row else "")
        self.budget.setValue(row.vote_budget if row else 3)
        self.colours.set_colour(row.colour if row else "")

    def commit(self) -> None:
        if self.form_id is None or self.dialog.refreshing:
            return
        self.dialog.push(sc.edit_participant(self.library, self.form_id,
                                             name=self.name_edit.text().strip(),
                                             vote_budget=self.budget.value()))

    def _pick_colour(self, colour: str) -> None:
        if self.current_id():
            self.dialog.push(sc.edit_participant(self.library, self.current_id(), colour=colour))

    def add_names(self, text: str, budget: int | None = None) -> bool:
        """Add everyone named in `text` (commas or new lines between names) as one step."""
        names = [n.strip() for n in re.split(r"[,;\n]+", text) if n.strip()]
        if not names:
            return False
        colours = dialog_prefs(self.dialog).strong_colours()
        if budget is None:
            budgets = [r.vote_budget for r in self.rows]
            budget = max(set(budgets), key=budgets.count) if budgets else 3
        start = len(self.rows)
        people = [(name, colours[(start + i) % len(colours)], budget)
                  for i, name in enumerate(names)]
        command = sc.AddParticipants(self.library, self.dialog.session_id, people)
        if not self.dialog.push(command):
            return False
        self.select(command.ids[-1])
        return True

    def add_from_field(self) -> None:
        if self.add_names(self.add_edit.text()):
            self.add_edit.clear()

    def remove_current(self) -> None:
        if self.current_id():
            self.dialog.push(sc.delete_participant(self.library, self.current_id()))


# -- personas --------------------------------------------------------------------------

PHOTO_PX = 112


def photo_pixmap(data: bytes | None, size: int = PHOTO_PX) -> QPixmap | None:
    if not data:
        return None
    pix = QPixmap()
    if not pix.loadFromData(QByteArray(data)):
        return None
    return pix.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                      Qt.TransformationMode.SmoothTransformation)


class PersonasTab(ListFormTab):
    model = Persona

    def __init__(self, dialog: Any) -> None:
        super().__init__(dialog)
        self.list.setIconSize(QSize(32, 32))
        add = QPushButton("&New persona", self)
        add.clicked.connect(self.add_persona)
        self.delete_button = QPushButton("&Delete persona", self)
        self.delete_button.clicked.connect(self.delete_current)
        self.name_edit = QLineEdit(self)
        self.role_edit = QLineEdit(self)
        self.role_edit.setPlaceholderText("e.g. Product manager, 34, commutes by train")
        self.quote_edit = QLineEdit(self)
        self.quote_edit.setPlaceholderText("Something they would say")
        for edit in (self.name_edit, self.role_edit, self.quote_edit):
            edit.editingFinished.connect(self.commit)
        self.goals_edit = QPlainTextEdit(self)
        self.frustrations_edit = QPlainTextEdit(self)
        for edit in (self.goals_edit, self.frustrations_edit):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(64)
        self.watch_focus(self.goals_edit, self.frustrations_edit)
        self.colours = ColourPicker(dialog_prefs(dialog).strong_colours(), self._pick_colour, self)
        self.photo_label = QLabel(self)
        self.photo_label.setFixedSize(PHOTO_PX, PHOTO_PX)
        self.photo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo_label.setStyleSheet("background: #EEF2F6; border: 1px solid #C3CBD4; "
                                       "color: #66727F;")
        choose = QPushButton("Choose &photo…", self)
        choose.clicked.connect(self.choose_photo)
        self.remove_photo_button = QPushButton("Remove photo", self)
        self.remove_photo_button.clicked.connect(self.remove_photo)
        photo_buttons = QVBoxLayout()
        photo_buttons.addWidget(choose)
        photo_buttons.addWidget(self.remove_photo_button)
        photo_buttons.addStretch(1)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.photo_label)
        photo_row.addLayout(photo_buttons)
        photo_row.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(add)
        self.form = QWidget(self)
        form = QFormLayout(self.form)
        form.addRow("Photo:", photo_row)
        form.addRow("Name:", self.name_edit)
        form.addRow("Role:", self.role_edit)
        form.addRow("Quote:", self.quote_edit)
        form.addRow("Goals:", self.goals_edit)
        form.addRow("Frustrations:", self.frustrations_edit)
        form.addRow("Curve colour:", self.colours)
        right = QVBoxLayout()
        right.addWidget(self.form)
        right.addStretch(1)
        right.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)

    def icon(self, row: Persona) -> QIcon:
        pix = photo_pixmap(row.photo, 32)
        return QIcon(pix) if pix is not None else _dot_icon(row.colour, 24)

    def label(self, row: Persona) -> str:
        return f"{row.name}\n{row.role}" if row.role else row.name

    def fill_form(self, row: Persona | None) -> None:
        self.form.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)
        self.name_edit.setText(row.name if row else "")
        self.role_edit.setText(row.role if row else "")
        self.quote_edit.setText(row.quote if row else "")
        for edit, text in ((self.goals_edit, row.goals if row else ""),
                           (self.frustrations_edit, row.frustrations if row else "")):
            if edit.toPlainText() != text:
                edit.setPlainText(text)
        self.colours.set_colour(row.colour if row else "")
        pix = photo_pixmap(row.photo) if row else None
        self.photo_label.setPixmap(pix if pix is not None else QPixmap())
        self.photo_label.setText("" if pix is not None else "No photo")
        self.remove_photo_button.setEnabled(pix is not None)

    def form_values(self) -> dict[str, str]:
        return {"name": self.name_edit.text().strip(), "role": self.role_edit.text().strip(),
                "quote": self.quote_edit.text().strip(),
                "goals": self.goals_edit.toPlainText().strip(),
                "frustrations": self.frustrations_edit.toPlainText().strip()}

    def commit(self) -> None:
        if self.form_id is None or self.dialog.refreshing:
            return
        self.dialog.push(sc.edit_persona(self.library, self.form_id, **self.form_values()))

    def _pick_colour(self, colour: str) -> None:
        if self.current_id():
            self.dialog.push(sc.edit_persona(self.library, self.current_id(), colour=colour))

    def add_persona(self, name: str = "") -> str | None:
        taken = {r.name for r in self.rows}
        n = 1
        while not name:
            candidate = "New persona" if n == 1 else f"New persona {n}"
            name = "" if candidate in taken else candidate
            n += 1
        colours = dialog_prefs(self.dialog).strong_colours()
        # The session's first persona becomes the persona of its maps that are for
        # nobody in particular (ops.add_persona(link_maps=True)); undo unlinks them.
        command = sc.add_persona(self.library, self.dialog.session_id, name, link_maps=True,
                                 colour=colours[len(self.rows) % len(colours)])
        if not self.dialog.push(command):
            return None
        self.select(command.row_id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        return command.row_id

    def delete_current(self) -> None:
        if self.current_id():
            self.dialog.push(sc.delete_persona(self.library, self.current_id()))

    def choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a photo", str(Path.home()),
            "Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp *.tif *.tiff);;All files (*)")
        if path:
            self.set_photo_from(path)

    def set_photo_from(self, path: str | Path) -> bool:
        """Import an image file as the current persona's photo (checked, scaled, PNG)."""
        if not self.current_id():
            return False
        try:
            data = load_persona_photo(path)
        except WaymarkError as exc:
            self.dialog.show_error(str(exc))
            return False
        return self.dialog.push(sc.edit_persona(self.library, self.current_id(), photo=data))

    def remove_photo(self) -> None:
        if self.current_id():
            self.dialog.push(sc.edit_persona(self.library, self.current_id(), photo=None))
