"""Shortcuts of the real window: no key is claimed twice in one context, the Map menu
shows the key that works for what is current, and Help › Keyboard Shortcuts lists
exactly the actions that have keys (generated from the window, so never stale)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from tests import shortcut_walk as walk


@pytest.fixture
def window(demo, open_window):
    return open_window(demo[0])


def test_no_two_enabled_actions_share_a_key_in_any_state(qtbot, window):
    found = walk.walk_states(window)
    bad = {state: problems for state, problems in found.items() if problems}
    assert not bad, "ambiguous shortcuts:\n" + "\n".join(
        f"  [{state}] {p}" for state, problems in bad.items() for p in problems)
    # The walk did see the window's actions, in every state it claims to have visited.
    assert len(walk.bound_shortcuts(window, enabled_only=False)) > 40
    assert set(found) >= {"a note selected", "a voting round running", "presenting"}


def test_the_walk_finds_a_clash_when_there_is_one(qtbot, window):
    """The detector itself: a second window-wide Ctrl+D is reported with both names."""
    from PySide6.QtGui import QAction

    extra = QAction("Another Duplicate", window)
    extra.setShortcut(QKeySequence("Ctrl+D"))
    window.addAction(extra)
    walk.state_note_selected(window)
    problems = walk.clashes(window)
    assert any("Ctrl+D" in p and "Another Duplicate" in p and "'Duplicate'" in p
               for p in problems), problems
    window.removeAction(extra)


def _menu_hint(action) -> str:
    """What a QMenu shows in its shortcut column for `action`."""
    text = action.text()
    if "\t" in text:
        return text.split("\t", 1)[1]
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def _native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def test_map_menu_shows_the_move_keys_of_what_is_current(qtbot, window):
    menus, ed = window.structure.menus, window.structure
    window.scene.clearSelection()
    ed.select_lane_header()
    menus.menu.aboutToShow.emit()
    assert menus.move_back_action.isEnabled()
    assert _menu_hint(menus.move_back_action) == _native("Ctrl+Shift+Up")
    assert _menu_hint(menus.move_on_action) == _native("Ctrl+Shift+Down")
    # …and that key really moves the lane.
    lane = ed.selected_lane()
    before = [ln.id for ln in window.data.lanes].index(lane)
    qtbot.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert [ln.id for ln in window.data.lanes].index(lane) == before + 1

    window.scene.clearSelection()
    ed.select_stage_header()
    menus.menu.aboutToShow.emit()
    assert _menu_hint(menus.move_back_action) == _native("Ctrl+Shift+Left")
    assert _menu_hint(menus.move_on_action) == _native("Ctrl+Shift+Right")
    stage = ed.selected_stage()
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert [s.id for s in window.data.stages].index(stage) == 1
