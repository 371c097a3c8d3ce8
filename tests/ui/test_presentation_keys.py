"""Presentation keys reach the presenter from any widget of the window, also from
widgets that keep their main window as a `window` attribute (found by the
real-window monkey: `obj.window()` called the attribute — a traceback per key)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit


class _Part(QLineEdit):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window  # as ui parts do


def test_a_key_in_a_widget_with_a_window_attribute_is_no_traceback(open_window, demo, qtbot):
    window = open_window(demo[0])
    part = _Part(window)
    part.show()
    window.workshop.presentation.present_action.trigger()
    part.setFocus()
    QTest.keyClick(part, Qt.Key.Key_PageDown)  # pytest-qt fails the test on a traceback
    QTest.keyClick(part, Qt.Key.Key_Escape)
