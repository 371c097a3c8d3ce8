"""The main window on a real library: the demo map, sessions, maps, settings, export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from canvas.note_item import NoteItem
from journey import ops
from journey.queries import list_sessions, maps_of
from ui.main_window import MainWindow


def _window(qtbot, library, settings) -> MainWindow:
    window = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(window)
    return window


def _notes(window: MainWindow) -> list[NoteItem]:
    return [i for i in window.scene.items() if isinstance(i, NoteItem)]


def test_shows_the_demo_map(qtbot, demo, settings):
    library, session = demo
    window = _window(qtbot, library, settings)
    window.show()
    qtbot.waitExposed(window)
    assert "Coffee subscription" in window.windowTitle()
    assert "Current state" in window.windowTitle()
    assert len(_notes(window)) == 44
    assert "44 notes" in window.counts_label.text()
    assert "5 stages" in window.counts_label.text()
    assert window.tabs.isHidden()  # one map: no map selector
    qtbot.waitUntil(lambda: window.view.zoom < 1.0)  # fitted on first show
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:4] == ["&File", "&Edit", "&Export", "&View"]


def test_follows_edits_committed_to_the_library(qtbot, demo, settings):
    library, session = demo
    window = _window(qtbot, library, settings)
    stage, lane = window.data.stages[0], window.data.lanes[0]
    note = library.run(ops.add_note, stage.id, lane.id, "Podcast sponsorship")
    assert window.scene.note_item(note.id) is not None
    assert len(_notes(window)) == 45
    library.run(ops.delete_note, note.id)
    assert window.scene.note_item(note.id) is None
    assert len(_notes(window)) == 44


def test_open_session_dialog_lists_sessions(qtbot, demo, settings):
    library, session = demo
    other = library.run(ops.create_session, "Onboarding flow", date="2027-01-05",
                        facilitator="Ada")
    window = _window(qtbot, library, settings)
    assert "Onboarding flow" in window.windowTitle()  # newest session opens first
    dialog = window.make_session_dialog()
    qtbot.addWidget(dialog)
    assert dialog.titles() == ["Onboarding flow", "Coffee subscription"]
    assert dialog.selected_id() == other.id
    row = dialog.tree.topLevelItem(0)
    assert [row.text(c) for c in range(5)] == ["Onboarding flow", "2027-01-05", "Ada", "1", "0"]
    dialog.filter.setText("coffee")
    assert dialog.titles() == ["Coffee subscription"]
    assert dialog.selected_id() == session.id
    dialog.accept()
    window.open_session(dialog.selected_id())
    assert "Coffee subscription" in window.windowTitle()
    assert len(_notes(window)) == 44

    # The last session is remembered for the next start.
    window.close()
    again = _window(qtbot, library, settings)
    assert again.session_id == session.id


def test_open_action_has_the_standard_shortcut(qtbot, demo, settings):
    from PySide6.QtGui import QKeySequence

    window = _window(qtbot, demo[0], settings)
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.quit_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)


def test_map_selector_switches_maps(qtbot, demo, settings):
    library, session = demo
    future = library.run(ops.add_map, session.id, "Future state")
    window = _window(qtbot, library, settings)
    assert not window.tabs.isHidden()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Current state", "Future state"]
    window.tabs.setCurrentIndex(1)
    assert window.map_id == future.id
    assert "Future state" in window.windowTitle()
    assert len(_notes(window)) == 0
    window.close()
    # The chosen map is remembered per session.
    assert _window(qtbot, library, settings).map_id == future.id


def test_geometry_is_restored(qtbot, demo, settings):
    library, _ = demo
    window = _window(qtbot, library, settings)
    window.show()
    qtbot.waitExposed(window)
    window.resize(711, 533)
    qtbot.waitUntil(lambda: window.size().width() == 711)
    window.close()
    again = _window(qtbot, library, settings)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (711, 533)


def test_export_poster_writes_a_pdf(qtbot, demo, settings, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("export.poster_pdf")
    window = _window(qtbot, demo[0], settings)
    out = tmp_path / "poster.pdf"
    result = window.export_poster_to(out, "A3", "landscape")
    assert result is not None and window.last_error is None
    page = pypdf.PdfReader(str(out)).pages[0]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    assert w > h and round(w) == 1191  # A3 landscape in points
    assert "Poster saved" in window.statusBar().currentMessage()


def test_export_error_is_one_line_in_a_message_box(qtbot, demo, settings, tmp_path):
    pytest.importorskip("export.poster_pdf")
    window = _window(qtbot, demo[0], settings)
    result = window.export_poster_to(tmp_path / "poster.pdf", "B7-ish", "auto")
    assert result is None
    assert window.last_error and "\n" not in window.last_error
    assert isinstance(window.error_box, QMessageBox)
    assert window.error_box.text() == window.last_error
    window.error_box.close()
    assert not (tmp_path / "poster.pdf").exists()


def _close_soon(action) -> None:
    QTimer.singleShot(300, action)


def test_run_app_seeds_the_demo_on_first_start(qtbot, tmp_path, settings):
    from storage import Library
    from ui.app import run_app

    db = tmp_path / "first.sqlite"

    def close_windows() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow):
                assert "Coffee subscription" in w.windowTitle()
                w.close()

    _close_soon(close_windows)
    assert run_app(db) == 0
    with Library(db) as lib:
        rows = lib.read(list_sessions)
        assert [r["title"] for r in rows] == ["Coffee subscription"]
        assert len(lib.read(maps_of, rows[0]["id"])) == 1
    # A second start does not add another demo.
    _close_soon(close_windows)
    assert run_app(db) == 0
    with Library(db) as lib:
        assert len(lib.read(list_sessions)) == 1


def test_run_app_refuses_a_file_that_is_not_a_library(qtbot, tmp_path, settings):
    from ui.app import run_app

    bad = tmp_path / "notes.sqlite"
    bad.write_text("shopping list\n")
    seen: list[str] = []

    def dismiss() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()
        else:
            QTimer.singleShot(100, dismiss)

    _close_soon(dismiss)
    assert run_app(bad) == 1
    assert seen and "not a Waymark library" in seen[0] and "\n" not in seen[0]


def test_edits_through_the_window_undo_and_redo_durably(qtbot, demo, settings):
    from PySide6.QtCore import Qt as _Qt
    from PySide6.QtTest import QTest

    from journey.queries import load_map as _load
    from ui.commands import map_commands as cmd

    library, session = demo
    window = _window(qtbot, library, settings)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    stage, lane = window.data.stages[0], window.data.lanes[0]
    command, (note_id,) = cmd.add_notes(window.doc, [dict(stage_id=stage.id, lane_id=lane.id,
                                                          text="Radio spot")])
    assert window.push(command)
    assert window.scene.note_item(note_id) is not None
    assert window.history_view.stack().count() == 1
    QTest.keyClick(window.view, _Qt.Key.Key_Z, _Qt.KeyboardModifier.ControlModifier)
    assert window.scene.note_item(note_id) is None
    assert note_id not in {n.id for n in library.read(_load, window.map_id).all_notes()}
    QTest.keyClick(window.view, _Qt.Key.Key_Y, _Qt.KeyboardModifier.ControlModifier)
    assert window.scene.note_item(note_id) is not None
    assert note_id in {n.id for n in library.read(_load, window.map_id).all_notes()}
    # A user error is one line and leaves the stack as it was.
    bad = cmd.edit_note(window.doc, note_id, impact=9)
    assert not window.push(bad)
    assert window.last_error == "impact must be 1 to 5"
    assert window.undo_stack.count() == 1
