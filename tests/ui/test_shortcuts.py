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


def _walk_actions_with_keys(window) -> set[int]:
    from ui.help_dialogs import SHOWN_KEYS

    return {id(a) for a in walk.all_actions(window)
            if walk.keys_of(a) or a.property(SHOWN_KEYS)}


def test_shortcuts_dialog_lists_exactly_the_actions_with_keys(qtbot, window):
    from ui.help_dialogs import ShortcutsDialog

    for enter in (walk.state_note_selected, walk.state_lane_header):
        enter(window)
        walk.refresh_menus(window)
        dialog = window.show_shortcuts()
        assert isinstance(dialog, ShortcutsDialog)
        listed = [id(r.action) for r in dialog.rows]
        assert len(listed) == len(set(listed))  # each action once
        assert set(listed) == _walk_actions_with_keys(window)
        rows = {(r.group, r.name): r.keys for r in dialog.rows}
        assert rows[("Edit", "Duplicate")] == [_native("Ctrl+D")]
        assert ("Note › Go To", "Next Cell") in rows
        assert rows[("Map", "Move Earlier")] == [_native("Ctrl+Shift+Left") + " (stage)",
                                                 _native("Ctrl+Shift+Up") + " (lane)"]
        assert ("Help", "Keyboard Shortcuts") in rows
        # Searchable: by name and by key.
        dialog.search.setText("duplic")
        found = dialog.visible_rows()
        assert "Duplicate" in [r.name for r in found] and len(found) < 5
        assert all("duplic" in (r.name + r.tip).lower() for r in found)
        dialog.search.setText("F9")
        assert {r.name for r in dialog.visible_rows()} == {"Start", "Add a Minute"}
        dialog.search.setText("no such thing")
        assert dialog.visible_rows() == [] and dialog.empty.isVisibleTo(dialog)
        dialog.close()


def test_user_guide_shows_its_first_heading_and_its_pictures(qtbot, window):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument, QTextImageFormat

    from ui.help_dialogs import find_guide

    path = find_guide()
    assert path is not None and path.name == "USER_GUIDE.md"
    first = next(line[2:].strip() for line in path.read_text().splitlines()
                 if line.startswith("# "))
    dialog = window.show_guide()
    assert dialog.missing is None
    doc = dialog.browser.document()
    assert doc.toPlainText().startswith(first)
    names = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                names.append(QTextImageFormat(fmt).name())
            it += 1
        block = block.next()
    assert "guide/01-library.png" in names
    for name in names:  # every picture resolves from the guide's folder, offline
        image = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                            QUrl(name))
        assert image is not None and not image.isNull(), name
    dialog.close()


def test_user_guide_missing_is_one_line_not_a_traceback(qtbot, window, tmp_path):
    from ui.help_dialogs import GuideDialog

    dialog = GuideDialog(window, path=tmp_path / "USER_GUIDE.md")  # not there
    qtbot.addWidget(dialog)
    assert dialog.missing and "\n" not in dialog.missing
    assert dialog.browser.toPlainText() == dialog.missing
