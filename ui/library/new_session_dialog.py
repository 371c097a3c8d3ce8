"""File › New Session…: the title, template, date and facilitator of a new session."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
)

from journey.templates import TemplateSpec

from ..fields import FieldDateEdit, keep_typing_keys
from ..preferences import BLANK


class NewSessionDialog(QDialog):
    """Title, template, date and facilitator of a new session."""

    def __init__(self, templates: list[TemplateSpec], template: str, facilitator: str = "",
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New session")
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("e.g. Onboarding journey workshop")
        self.template_box = QComboBox(self)
        for spec in templates:
            self.template_box.addItem(spec.name, spec.name)
        self.template_box.addItem("Blank map", BLANK)
        self.template_box.setCurrentIndex(max(0, self.template_box.findData(template)))
        self.date_edit = FieldDateEdit(QDate.currentDate(), self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.facilitator_edit = QLineEdit(facilitator, self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.title_edit.textChanged.connect(self._update)
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("Tem&plate:", self.template_box)
        form.addRow("&Date:", self.date_edit)
        form.addRow("&Facilitator:", self.facilitator_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        keep_typing_keys(self)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.title_edit.text().strip()))

    def values(self) -> dict[str, Any]:
        return {"title": self.title_edit.text().strip(),
                "template": self.template_box.currentData() or None,
                "date": self.date_edit.date().toString("yyyy-MM-dd"),
                "facilitator": self.facilitator_edit.text().strip()}
