"""The open window and the library file changing under it (issue 10).

Another program — the CLI in a subprocess, or a second `Library` on the same
file — writes while a real MainWindow has the library open; the window must
notice within its poll and show the change, keep its undo history when the
open session was not touched and clear it (saying so) when it was, and keep an
open note editor's typed text. Everything is a real SQLite file and real Qt
widgets; waits are `qtbot.waitUntil` with generous timeouts, never a speed
assertion.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest

from journey import ops
from journey.queries import maps_of
from storage import Library
from ui.library.library_watch import RESET_MESSAGE
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 8000  # generous: the watch polls every 250 ms


@pytest.fixture
def window(qtbot, demo):
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    w = MainWindow(demo[0], QSettings("Waymark", "Waymark"))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    yield w
    w.scene.clearSelection()
    w.scene.blockSignals(True)


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    """`main.py --db DB ARGS…` as a separate process, as a person would run it."""
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                         cwd=str(ROOT), capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    return out


def texts(window: MainWindow) -> set[str]:
    return {n.text for n in window.data.all_notes()}


def csv_for(window: MainWindow, path: Path, *lines: str) -> Path:
    """A CSV of notes for the open map's first stage and lane."""
    d = window.data
    rows = ["stage,lane,text", *(f"{d.stages[0].name},{d.lanes[0].name},{t}" for t in lines)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_notes_imported_by_the_cli_appear_and_undo_is_cleared(window, demo, qtbot, tmp_path):
    library = demo[0]
    d = window.data
    window.push(window_add_note(window, "Ours, before"))
    assert window.undo_stack.count() == 1
    csv = csv_for(window, tmp_path / "notes.csv", "From the CLI one", "From the CLI two")
    cli(library.path, "import", "csv", str(csv), "--session", d.session.id, "--map", d.map.id)
    qtbot.waitUntil(lambda: {"From the CLI one", "From the CLI two"} <= texts(window),
                    timeout=WAIT_MS)
    # The scene shows them too (the one refresh path: the binder).
    shown = {window.layout.note_by_id[i].text for i in window.scene.notes
             if i in window.layout.note_by_id}
    assert {"From the CLI one", "From the CLI two"} <= {n.text for n in window.data.all_notes()
                                                        if n.id in window.scene.notes}
    assert shown
    # The open session changed: undo history was cleared, and the window says so.
    assert window.undo_stack.count() == 0
    assert window.statusBar().currentMessage() == RESET_MESSAGE
    assert "44 notes" not in window.counts_label.text()
    window.undo_stack.undo()  # nothing to undo, nothing breaks
    assert "From the CLI one" in texts(window)


def window_add_note(window: MainWindow, text: str):
    from ui.commands import map_commands as cmd

    d = window.data
    command, _ids = cmd.add_notes(window.doc, [{"stage_id": d.stages[1].id,
                                                "lane_id": d.lanes[1].id, "text": text}])
    return command


def test_another_session_added_elsewhere_keeps_undo_and_shows_in_the_library(
        window, demo, qtbot):
    library = demo[0]
    assert window.push(window_add_note(window, "Ours, kept"))
    # The app's event loop runs on after an edit; the watch takes the session's digest
    # once the edits pause (until then an outside change counts as touching it).
    qtbot.waitUntil(lambda: not window.library_watch.digest_stale, timeout=WAIT_MS)
    window.library_tools.show_library()
    page = window.library_page
    assert "Onboarding from the CLI" not in page.visible_titles()
    cli(library.path, "new", "--title", "Onboarding from the CLI")
    qtbot.waitUntil(lambda: "Onboarding from the CLI" in page.visible_titles(), timeout=WAIT_MS)
    assert window.undo_stack.count() == 1  # nothing of the open session changed
    assert window.windowTitle() == "Library — Waymark"  # still the page's title and counts
    assert window.counts_label.text() == "2 sessions"
    assert window.statusBar().currentMessage() != RESET_MESSAGE
    window.library_tools.show_editor()
    window.undo_stack.undo()  # and the undo is still good
    assert "Ours, kept" not in texts(window)


def test_a_second_connection_deleting_a_note_reloads_the_map(window, demo, qtbot):
    library = demo[0]
    victim = window.data.all_notes()[0]
    other = Library(library.path)  # its own connections: "another program"
    try:
        other.run(ops.delete_note, victim.id)
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.doc.note(victim.id) is None, timeout=WAIT_MS)
    assert window.scene.note_item(victim.id) is None
    assert window.statusBar().currentMessage() == RESET_MESSAGE


def test_own_edits_are_not_changes_from_elsewhere(window, demo, qtbot):
    for i in range(3):
        assert window.push(window_add_note(window, f"Ours {i}"))
        qtbot.wait(300)  # a poll or more between edits
    qtbot.wait(600)
    assert window.undo_stack.count() == 3
    assert window.statusBar().currentMessage() != RESET_MESSAGE
    window.undo_stack.undo()
    assert "Ours 2" not in texts(window)


def test_the_open_note_editor_keeps_its_text_through_an_outside_change(
        window, demo, qtbot, tmp_path):
    library = demo[0]
    d = window.data
    cell = (d.stages[2].id, d.lanes[2].id)
    window.note_actions.new_note(cell)
    editor = window.note_actions.editor
    assert editor is not None
    QTest.keyClicks(window.view, "Typed while the CLI")
    csv = csv_for(window, tmp_path / "n.csv", "Imported meanwhile")
    cli(library.path, "import", "csv", str(csv), "--session", d.session.id, "--map", d.map.id)
    qtbot.waitUntil(lambda: "Imported meanwhile" in texts(window), timeout=WAIT_MS)
    assert window.note_actions.editor is editor  # still open, still the same editor
    QTest.keyClicks(window.view, " wrote")
    assert editor.text() == "Typed while the CLI wrote"
    window.note_actions.commit_editor()
    assert window.note_actions.editor is None
    assert "Typed while the CLI wrote" in texts(window)
    conn = sqlite3.connect(library.path)
    try:
        rows = conn.execute("SELECT text FROM note WHERE map_id = ? AND stage_id = ? AND "
                            "lane_id = ?", (d.map.id, *cell)).fetchall()
    finally:
        conn.close()
    assert ("Typed while the CLI wrote",) in rows
    assert window.undo_stack.count() == 1  # the typed note, after the reset


def test_a_map_added_elsewhere_shows_as_a_tab(window, demo, qtbot):
    library = demo[0]
    sid = window.session_id
    other = Library(library.path)
    try:
        other.run(ops.add_map, sid, "Future state")
    finally:
        other.close()
    qtbot.waitUntil(lambda: len(window.maps) == 2, timeout=WAIT_MS)
    assert [m.name for m in window.maps] == [m.name for m in library.read(maps_of, sid)]
    assert window.tabs.isVisible()


# -- a read-only library -------------------------------------------------------------

def test_a_read_only_library_says_so_and_edits_fail_in_one_line(qtbot, demo, tmp_path):
    from storage import LibraryReadOnly
    from ui.library.library_watch import READ_ONLY_BANNER

    library = demo[0]
    library.close()
    ro = Library(library.path, read_only=True)
    try:
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                          os.environ["XDG_CONFIG_HOME"])
        w = MainWindow(ro, QSettings("Waymark", "Waymark"))
        qtbot.addWidget(w)
        with qtbot.waitActive(w):
            w.show()
            w.activateWindow()
        assert w.windowTitle().endswith("— Waymark (read-only)")
        assert w.read_only_banner.isVisible()
        assert w.read_only_banner.text() == READ_ONLY_BANNER
        w.library_tools.show_library()  # the title of another page says it too
        assert w.windowTitle() == "Library — Waymark (read-only)"
        w.library_tools.show_editor()
        # An edit reaches Library.run: one line, nothing on the stack, no row.
        before = len(w.data.all_notes())
        assert not w.push(window_add_note(w, "Not allowed"))
        assert w.undo_stack.count() == 0
        with pytest.raises(LibraryReadOnly) as refused:
            ro.run(ops.add_note, w.data.stages[0].id, w.data.lanes[0].id, "x")
        assert w.last_error == str(refused.value).splitlines()[0]
        assert "read-only" in w.last_error
        # Typing a note: the draft cannot be saved; ending the edit says so in one line.
        w.last_error = None
        w.note_actions.new_note((w.data.stages[2].id, w.data.lanes[2].id))
        QTest.keyClicks(w.view, "Typed anyway")
        qtbot.wait(800)  # a draft save was tried (and refused) meanwhile
        w.note_actions.commit_editor()
        assert w.note_actions.editor is None
        assert w.last_error is not None and "read-only" in w.last_error
        assert len(w.data.all_notes()) == before
        w.scene.blockSignals(True)
    finally:
        ro.close()


# -- undo right after an outside change -------------------------------------------------

def test_ctrl_z_right_after_an_outside_change_catches_up_first(window, demo, qtbot):
    """The other program deleted the very note our last command added, and Ctrl+Z
    comes before the next poll: the window catches up first instead of undoing
    into rows that are gone."""
    library = demo[0]
    command = window_add_note(window, "Ours, then theirs")
    assert window.push(command)
    (ours,) = [n.id for n in window.data.all_notes() if n.text == "Ours, then theirs"]
    other = Library(library.path)
    try:
        other.run(ops.delete_note, ours)
    finally:
        other.close()
    window.undo_action.trigger()  # no poll has run: the event loop did not turn
    assert window.undo_stack.count() == 0
    assert window.statusBar().currentMessage() == RESET_MESSAGE
    assert window.doc.note(ours) is None


def test_an_undo_the_library_refuses_is_one_line_and_clears_the_history(window, demo, qtbot):
    """The library is locked by another program for longer than Waymark waits:
    the undo is refused in one line and the history, now out of step, is cleared."""
    library = demo[0]
    assert window.push(window_add_note(window, "Ours, locked out"))
    library.busy_retry_seconds = 0.2
    blocker = sqlite3.connect(library.path, timeout=1)
    blocker.execute("PRAGMA busy_timeout = 100")
    blocker.isolation_level = None
    blocker.execute("BEGIN IMMEDIATE")
    try:
        window.undo_action.trigger()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert window.undo_stack.count() == 0
    assert window.last_error and "\n" not in window.last_error
    assert "Error calling" not in window.last_error  # the library's line, not PySide's
    assert "Ours, locked out" in texts(window)  # nothing was undone


def test_the_open_session_deleted_elsewhere_opens_another(window, demo, qtbot):
    library = demo[0]
    gone = window.session_id
    kept = library.run(ops.create_session, "Kept session", date="2026-01-01")
    window.open_session(gone)
    assert window.push(window_add_note(window, "Ours, about to go"))
    other = Library(library.path)
    try:
        other.run(ops.purge_session, gone)
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.session_id == kept.id, timeout=WAIT_MS)
    assert window.undo_stack.count() == 0
    assert window.statusBar().currentMessage() == RESET_MESSAGE
    window.undo_action.trigger()  # nothing to undo; nothing breaks
