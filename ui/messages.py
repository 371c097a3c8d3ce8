"""The one way a user's mistake is shown: its first line, in a window-modal box
that does not block the caller (so tests and long operations carry on)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def one_line(message: str) -> str:
    return (message.strip().splitlines() or ["Something went wrong"])[0]


def show_one_line(parent: QWidget, message: str) -> tuple[str, QMessageBox]:
    """Open the warning box over `parent`; returns the line shown and the box."""
    line = one_line(message)
    box = QMessageBox(QMessageBox.Icon.Warning, "Waymark", line,
                      QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return line, box
