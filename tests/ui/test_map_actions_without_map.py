"""Stage, lane and curve actions with no map shown (found by the real-window monkey:
Ctrl+Shift+I after the open session went away raised AttributeError)."""

from __future__ import annotations

from PySide6.QtGui import QAction


def test_map_actions_without_a_map_say_so(open_window, demo, qtbot):
    window = open_window(demo[0])
    notes = window.scene.note_items()
    notes[0].setSelected(True)  # a stage is "current" through the selected note
    window.show_nothing()  # what the window shows when its session has gone
    actions = [a for a in window.findChildren(QAction) if a.text() == "Add Curve &Point"]
    assert actions
    actions[0].trigger()  # pytest-qt fails the test on a traceback in the slot
    assert window.statusBar().currentMessage() == "Open a map first"
