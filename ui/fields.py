"""Form fields and dialogs that behave like every other field and dialog of a form."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QWidget


class FieldDateEdit(QDateEdit):
    """A date field Tab leaves, like every other field of a form.

    QDateTimeEdit spends Tab and Shift+Tab on stepping between its year, month
    and day, so the keyboard was stuck in the date. Its parts stay reachable with
    Left/Right (and by typing the separator); Tab goes to the next field."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        return QWidget.focusNextPrevChild(self, next)


class TypingKeys(QObject):
    """Keeps plain keys (Return, Delete, letters …) inside a dialog.

    The window's map shortcuts (Return adds a note, Delete deletes one) must not
    fire while the facilitator types in one of our dialogs: a ShortcutOverride
    accepted here turns the key back into an ordinary key press for the field."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier
                                         | Qt.KeyboardModifier.KeypadModifier)
            if not mods and event.key() not in (Qt.Key.Key_F1, Qt.Key.Key_F11):
                event.accept()
                return True
        return False


def keep_typing_keys(dialog: QWidget) -> QWidget:
    """Install `TypingKeys` on a dialog (kept alive as its child); returns the dialog."""
    dialog.installEventFilter(TypingKeys(dialog))
    return dialog
