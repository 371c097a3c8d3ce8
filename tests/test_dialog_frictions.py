"""Small frictions a facilitator met in the real window: Tab in the New Session
dialog's date, telling an imported or duplicated session from its original on the
library's cards, quick capture's `feel:` / `think:` reaching a combined lane."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@pytest.fixture
def window(demo, open_window):
    return open_window(demo[0])


# -- 4. Tab leaves the date field ------------------------------------------------------------
def _focus() -> object:
    return QApplication.focusWidget()


def test_tab_moves_from_the_date_to_the_facilitator_and_back(qtbot, window):
    dialog = window.library_page.ask_new_session()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.title_edit.setFocus()
    qtbot.keyClicks(dialog.title_edit, "Check-in")
    order = [dialog.title_edit, dialog.template_box, dialog.date_edit,
             dialog.facilitator_edit]
    for here, there in zip(order, order[1:], strict=False):
        assert _focus() is here or (here is dialog.date_edit and
                                    _focus() is dialog.date_edit.lineEdit())
        qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
        assert _focus() is there, f"Tab from {type(here).__name__} went to {_focus()}"
    # Shift+Tab goes back into the date, and once more out of it to the template.
    qtbot.keyClick(_focus(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert _focus() in (dialog.date_edit, dialog.date_edit.lineEdit())
    qtbot.keyClick(_focus(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert _focus() is dialog.template_box
    # The date's parts are still reachable with the arrows, and typing still works.
    qtbot.keyClick(dialog.template_box, Qt.Key.Key_Tab)
    before = dialog.date_edit.date()
    qtbot.keyClick(_focus(), Qt.Key.Key_Home)
    qtbot.keyClick(_focus(), Qt.Key.Key_Up)  # the year section
    assert dialog.date_edit.date().year() == before.year() + 1
    dialog.reject()


def test_tab_leaves_the_date_of_session_details_too(qtbot, window):
    dialog = window.library_tools.show_details()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.date_edit.setFocus()
    qtbot.waitUntil(lambda: _focus() in (dialog.date_edit, dialog.date_edit.lineEdit()))
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
    assert _focus() is dialog.facilitator_edit
    qtbot.keyClick(_focus(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert _focus() in (dialog.date_edit, dialog.date_edit.lineEdit())
    dialog.reject()
