"""Form fields that behave like every other field of a form."""

from __future__ import annotations

from PySide6.QtWidgets import QDateEdit, QWidget


class FieldDateEdit(QDateEdit):
    """A date field Tab leaves, like every other field of a form.

    QDateTimeEdit spends Tab and Shift+Tab on stepping between its year, month
    and day, so the keyboard was stuck in the date. Its parts stay reachable with
    Left/Right (and by typing the separator); Tab goes to the next field."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        return QWidget.focusNextPrevChild(self, next)
