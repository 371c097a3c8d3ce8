"""Data exchange in the main window: the report in a worker with Cancel, CSV out and back
in with undo, Mermaid and session files dropped on the window, one-line errors that
change nothing, the menus and the paper's default."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QLocale, QMimeData, QPoint, QPointF, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton

from formats.csv_notes import csv_rows
from journey import ops
from journey.models import LaneKind
from journey.queries import list_sessions, load_map, maps_of
from ui.exchange.exchange_dialogs import default_paper, missing_question
from ui.main_window import MainWindow

TIMEOUT = 60000


@pytest.fixture
def window(qtbot, demo, tmp_path: Path) -> MainWindow:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    settings = QSettings("Waymark", "Waymark")
    settings.clear()
    w = MainWindow(demo[0], settings)
    qtbot.addWidget(w)
    return w


def _dump(library) -> list[str]:
    con = sqlite3.connect(library.path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _map_notes(library, map_id: str) -> list:
    data = library.read(load_map, map_id)
    return [n for cell in data.notes.values() for n in cell]


def _drop(widget, paths: list[Path], mime: QMimeData | None = None) -> tuple[bool, bool]:
    """A real drag enter and drop of local files on `widget`; (entered, dropped) accepted."""
    if mime is None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    at = widget.rect().center()
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(QPoint(at), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False, False
    drop = QDropEvent(QPointF(at), actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return True, drop.isAccepted()


def _menu_texts(window: MainWindow, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return [a.text() for a in menu.actions()]


# -- menus and defaults ---------------------------------------------------------------------

def test_menus_offer_every_export_and_a_file_import_submenu(window: MainWindow) -> None:
    export = _menu_texts(window, "&Export")
    assert export[:3] == ["&Poster PDF…", "Poster P&NG…", "&Tiles PDF…"]
    for text in ("&Report PDF…", "&Markdown Report…", "Notes of This Map as &CSV…",
                 "Notes of All Maps as CS&V…", "Mermaid &Journey…", "&Session File (JSON)…"):
        assert export.index(text) > 3
    assert export[3] == ""  # a separator after the poster entries
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    imports = next(a.menu() for a in file_menu.actions() if a.text() == "&Import")
    assert [a.text() for a in imports.actions()] == [
        "Notes from &CSV…", "&Mermaid Journey…", "&Session File (JSON)…"]
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("&Import") < texts.index("&Print…") < texts.index("&Quit")
    assert [a.text() for a in window.menuBar().actions()][:4] == \
        ["&File", "&Edit", "&Export", "&View"]


def test_paper_defaults_to_letter_in_north_america_and_remembers_the_choice(
        window: MainWindow) -> None:
    assert default_paper(None, QLocale("en_US")) == "Letter"
    assert default_paper(None, QLocale("fr_CA")) == "Letter"
    assert default_paper(None, QLocale("de_DE")) == "A4"
    assert default_paper(None, QLocale("en_GB")) == "A4"
    window.settings.setValue("report/paper", "Letter")
    assert default_paper(window.settings, QLocale("de_DE")) == "Letter"


def test_the_missing_rows_question_counts_in_words() -> None:
    assert missing_question(["A", "B"], ["C"]) == "Create 2 missing stages and 1 lane?"
    assert missing_question(["A"], []) == "Create 1 missing stage?"
    assert missing_question([], ["C", "D", "E"]) == "Create 3 missing lanes?"


# -- the report -----------------------------------------------------------------------------

def test_report_is_written_in_a_worker_with_the_title_and_the_notes(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "Coffee report.pdf"
    note = next(n for n in _map_notes(window.library, window.map_id) if len(n.text) > 12)
    export = window.exchange.export_report_to(path, "Letter")
    assert export is not None and window.exchange.report_running
    qtbot.waitUntil(lambda: not window.exchange.report_running, timeout=TIMEOUT)
    result = window.exchange.report_result
    assert result is not None and result.paper == "Letter" and result.path == path
    reader = PdfReader(str(path))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Coffee subscription" in text
    assert " ".join(note.text.split())[:30] in text
    assert "Report saved" in window.statusBar().currentMessage()
    assert window.settings.value("report/paper") == "Letter"
    assert window.settings.value("exchange/export_dir") == str(tmp_path)


def test_cancelling_the_report_writes_nothing(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    window.exchange.export_report_to(path, "A4")
    cancel = window.exchange.report.progress.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()  # the progress dialog's Cancel button
    qtbot.waitUntil(lambda: not window.exchange.report_running, timeout=TIMEOUT)
    assert not path.exists()
    assert list(tmp_path.glob("*.pdf*")) == [] and list(tmp_path.glob(".*.tmp")) == []
    assert window.exchange.report_result is None
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.last_error is None


# -- CSV ------------------------------------------------------------------------------------

def test_csv_round_trip_into_another_map_with_undo_and_redo(
        qtbot, window: MainWindow, demo, tmp_path: Path) -> None:
    library, session = demo
    path = tmp_path / "notes.csv"
    assert window.exchange.export_csv_to(path, all_maps=False) == 44
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    future = library.run(ops.add_map, session.id, "Future state", template=None)
    window.show_map(future.id)
    assert window.map_id == future.id and window.data.stages == []
    before = _dump(library)

    result = window.exchange.import_csv_from(path, create_missing=True)
    assert result is not None and result.notes_added == 44
    assert len(result.stages_created) == 5 and result.lanes_created
    imported = {n.id for n in _map_notes(library, future.id)}
    assert imported == set(result.note_ids)
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Import 44 notes from notes.csv"
    assert "44 notes" in window.counts_label.text()
    assert "Imported 44 notes from notes.csv" in window.statusBar().currentMessage()
    # The same rows come back out of the new map (bar its name).
    old_rows = library.read(csv_rows, session.id, window.maps[0].id)
    new_rows = library.read(csv_rows, session.id, future.id)
    assert [r[:1] + r[2:] for r in new_rows] == [r[:1] + r[2:] for r in old_rows]

    window.undo_stack.undo()  # exactly the imported notes, stages and lanes go
    assert _map_notes(library, future.id) == []
    assert _dump(library) == before
    assert window.data.stages == [] and "0 notes" in window.counts_label.text()
    window.undo_stack.redo()  # the very same rows again
    assert {n.id for n in _map_notes(library, future.id)} == imported
    assert len(window.data.stages) == 5


def _write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_import_asks_before_creating_stages_and_lanes(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    library = window.library
    path = _write_csv(tmp_path / "extra.csv", ["Stage,Lane,Text",
                                               "Awareness,Touchpoints,Radio advert",
                                               "Onboarding,Touchpoints,Welcome pack",
                                               "Onboarding,Gains,Free mug"])
    count = len(_map_notes(library, window.map_id))
    asked: list[str] = []

    def answer(button_text: str) -> None:
        box = window.exchange_question
        asked.append(box.text())
        button = next(b for b in box.buttons() if b.text() == button_text)
        button.click()

    QTimer.singleShot(0, lambda: answer("Cancel"))
    assert window.exchange.import_csv_from(path) is None
    assert asked == ["Create 1 missing stage and 1 lane?"]
    assert len(_map_notes(library, window.map_id)) == count and window.undo_stack.count() == 0

    QTimer.singleShot(0, lambda: answer("Create and Import"))
    result = window.exchange.import_csv_from(path)
    assert result is not None and result.notes_added == 3
    assert result.stages_created == ["Onboarding"] and result.lanes_created == ["Gains"]
    assert [s.name for s in window.data.stages][-1] == "Onboarding"
    assert "created 1 stage and 1 lane" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert "Onboarding" not in [s.name for s in window.data.stages]
    assert len(_map_notes(library, window.map_id)) == count


def test_a_malformed_csv_dropped_is_one_line_naming_the_line_and_changes_nothing(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    library = window.library
    path = _write_csv(tmp_path / "bad.csv", ["Stage,Lane,Text,Impact",
                                             "Awareness,Touchpoints,Fine,3",
                                             "Awareness,Touchpoints,Broken,9"])
    before = _dump(library)
    assert _drop(window.view.viewport(), [path]) == (True, True)
    qtbot.waitUntil(lambda: window.last_error is not None)
    assert window.last_error.startswith("bad.csv, line 3: impact must be a whole number")
    assert "\n" not in window.last_error
    assert _dump(library) == before and window.undo_stack.count() == 0


# -- Mermaid and session files dropped --------------------------------------------------------

def test_mermaid_export_then_drop_opens_a_new_session_with_the_notes(
        qtbot, window: MainWindow, demo, tmp_path: Path) -> None:
    library, session = demo
    path = tmp_path / "coffee.mmd"
    text = window.exchange.export_mermaid_to(path)
    assert text and text.startswith("journey") and path.exists()
    actions = [n for lane in window.data.lanes if lane.kind == LaneKind.ACTIONS
               for st in window.data.stages
               for n in window.data.notes.get((st.id, lane.id), [])]
    assert _drop(window.view.viewport(), [path]) == (True, True)
    qtbot.waitUntil(lambda: window.session_id != session.id)
    assert len(library.read(list_sessions)) == 2
    (jmap,) = library.read(maps_of, window.session_id)
    notes = _map_notes(library, jmap.id)
    assert sorted(n.text for n in notes) == sorted(n.text for n in actions)
    assert window.map_id == jmap.id and window.data.session.title == "Coffee subscription"
    assert "Imported Coffee subscription" in window.statusBar().currentMessage()
    assert window.last_error is None


def test_mermaid_warnings_are_listed_and_a_markdown_page_is_read(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    page = tmp_path / "journey notes.md"
    page.write_text("# Our journey\n\n```mermaid\njourney\n  section Find\n"
                    "    Search:9:Ann\n    Compare:0:Ann, Bo\n    Ask:7:Bo\n```\n",
                    encoding="utf-8")
    result = window.exchange.import_mermaid_from(page)
    assert result is not None and result.notes == 3 and len(result.warnings) == 3
    assert window.data.session.title == "journey notes"  # no title: the file's name
    box = window.exchange.warnings_box
    assert box.isVisible() and "3 things adjusted" in box.text()
    assert "line 6" in box.informativeText()
    box.close()
    plain = tmp_path / "readme.md"
    plain.write_text("# Nothing to see\n", encoding="utf-8")
    assert window.exchange.import_mermaid_from(plain) is None
    assert window.last_error == "readme.md holds no Mermaid journey diagram"


def test_session_file_exported_and_dropped_on_the_window_comes_back_as_a_copy(
        qtbot, window: MainWindow, demo, tmp_path: Path) -> None:
    library, session = demo
    path = tmp_path / "coffee.json"
    assert window.exchange.export_json_to(path) is not None
    assert _drop(window, [path]) == (True, True)  # the window itself, not only the canvas
    qtbot.waitUntil(lambda: window.session_id != session.id)
    assert window.data.session.title == "Coffee subscription (imported copy)"
    assert len(_map_notes(library, window.map_id)) == 44


def test_other_drags_are_left_alone(qtbot, window: MainWindow, tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"not really")
    text = QMimeData()
    text.setText("just text")
    images = QMimeData()
    images.setUrls([QUrl.fromLocalFile(str(image)), QUrl("https://example.org/a.csv")])
    assert window.exchange.dropped_paths(text) == []
    assert window.exchange.dropped_paths(images) == []
    assert _drop(window, [], images) == (False, False)  # the window refuses them
    assert _drop(window, [], text) == (False, False)
    sessions = window.library.read(list_sessions)
    for mime in (images, text):  # the canvas passes them to the scene as before
        _drop(window.view.viewport(), [], mime)
    QApplication.processEvents()
    assert window.library.read(list_sessions) == sessions and window.last_error is None


def test_csv_needs_an_open_map_and_unknown_files_say_what_is_imported(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.exchange.import_file(tmp_path / "notes.xlsx")
    assert window.last_error == "notes.xlsx: Waymark imports .csv, .mmd, .md and .json files"
    window.exchange.import_csv_from(tmp_path / "missing.csv")
    assert window.last_error.startswith("cannot read")
    assert window.exchange.export_csv_to(tmp_path / "no such folder" / "x.csv") is None
    assert window.last_error.startswith("cannot write")
