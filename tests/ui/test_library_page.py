"""The session library in the real window: listing with thumbnails, search, sort,
new sessions from templates (built-in and saved), duplicate, rename, trash,
restore, empty trash, recent sessions — each result checked in the database
through a fresh connection."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtTest import QTest

from journey import ops
from journey.queries import load_map, maps_of
from journey.templates import BUILTIN_TEMPLATES
from ui.commands import map_commands as cmd
from ui.library.library_page import THUMB, LibraryPage
from ui.main_window import MainWindow


def make_window(qtbot, library) -> MainWindow:
    window = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def rows(path: Path, sql: str, *args) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def page_of(window: MainWindow) -> LibraryPage:
    return window.library_page


@pytest.fixture
def three(demo):
    """The demo (2026-11-20) and two more sessions on other dates."""
    library, demo_session = demo
    a = library.run(ops.start_session, "Onboarding journey", "Four stages", (-3, 3),
                    date="2026-09-02", facilitator="Ada Lovelace")
    b = library.run(ops.start_session, "Airport check-in", None, (-3, 3), date="2027-01-15",
                    facilitator="Sam Rivera")
    return library, demo_session, a, b


def test_ctrl_o_shows_the_library_with_thumbnails(qtbot, three, settings, tmp_path):
    library, demo, a, b = three
    window = make_window(qtbot, library)
    page = page_of(window)
    assert page.isHidden()  # the app opens the last session directly
    QTest.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert not page.isHidden() and window.windowTitle() == "Library — Waymark"
    assert window.history_dock.isHidden() and window.toolbar.isHidden()
    assert page.visible_titles() == ["Airport check-in", "Coffee subscription",
                                     "Onboarding journey"]
    assert "3 sessions" in window.counts_label.text()
    page.finish_thumbnails()
    for i in range(page.sessions.count()):
        pix = page.sessions.item(i).data(THUMB)
        assert isinstance(pix, QPixmap) and not pix.isNull()
    cached = list((tmp_path / "cache" / "Waymark" / "thumbnails").glob("*.png"))
    assert sorted(p.name.split("-")[0] for p in cached) == sorted([demo.id, a.id, b.id])
    card = page.sessions.item(1)
    assert card.data(THUMB + 1)["lines"] == ["20 Nov 2026 · Sam Rivera", "44 notes · 1 map"]
    assert "badge" not in card.data(THUMB + 1)
    assert window.session_id == b.id  # the newest session opened first: it is badged
    assert page.sessions.item(0).data(THUMB + 1)["badge"] == "Open"
    assert page.template_names()[:4] == ["Blank map"] + [t.name for t in BUILTIN_TEMPLATES]

    # Search as you type (title, facilitator or date), then sort by title.
    QTest.keyClicks(page.search, "sam")
    assert page.visible_titles() == ["Airport check-in", "Coffee subscription"]
    page.search.clear()
    QTest.keyClicks(page.search, "sep 2026")
    assert page.visible_titles() == ["Onboarding journey"]
    QTest.keyClicks(page.search, "zzz")
    assert page.visible_titles() == [] and "No sessions match" in page.empty_label.text()
    page.search.clear()
    page.sort_box.setCurrentIndex(page.sort_box.findData("title"))
    assert page.visible_titles() == ["Airport check-in", "Coffee subscription",
                                     "Onboarding journey"][::1]
    page.sort_box.setCurrentIndex(page.sort_box.findData("date_asc"))
    assert page.visible_titles() == ["Onboarding journey", "Coffee subscription",
                                     "Airport check-in"]

    # Opening a card goes back to the map view with that session.
    page.select(a.id)
    QTest.keyClick(page.sessions, Qt.Key.Key_Return)
    assert page.isHidden() and window.session_id == a.id
    assert not window.toolbar.isHidden()
    assert "Onboarding journey" in window.windowTitle()


def test_thumbnail_is_redrawn_when_the_map_changes(qtbot, demo, settings):
    library, session = demo
    window = make_window(qtbot, library)
    window.library_tools.show_library()
    page = page_of(window)
    page.finish_thumbnails()
    folder = page.cache.folder
    first = {p.name for p in folder.glob(f"{session.id}-*.png")}
    window.library_tools.show_editor()
    stage, lane = window.data.stages[0], window.data.lanes[0]
    library.run(ops.add_note, stage.id, lane.id, "Podcast ad")
    window.library_tools.show_library()
    page.finish_thumbnails()
    second = {p.name for p in folder.glob(f"{session.id}-*.png")}
    assert len(first) == len(second) == 1 and first != second


def test_create_a_session_from_a_template(qtbot, demo, settings):
    library, _ = demo
    window = make_window(qtbot, library)
    window.library_tools.show_library()
    page = page_of(window)
    strip = page.templates
    item = next(strip.item(i) for i in range(strip.count())
                if strip.item(i).text() == "Purchase and use")
    strip.itemActivated.emit(item)
    dialog = page.dialog
    assert dialog.template_box.currentText() == "Purchase and use"
    QTest.keyClicks(dialog.title_edit, "Hotel booking workshop")
    QTest.keyClicks(dialog.facilitator_edit, "Noor")
    dialog.accept()
    assert page.isHidden()
    assert "Hotel booking workshop" in window.windowTitle()
    (sid, title, facilitator), = rows(library.path, "SELECT id, title, facilitator FROM session "
                                      "WHERE title = 'Hotel booking workshop'")
    assert window.session_id == sid and facilitator == "Noor"
    stages = rows(library.path, "SELECT s.name FROM stage s JOIN journey_map m ON m.id = "
                  "s.map_id WHERE m.session_id = ? ORDER BY s.position", sid)
    assert [s for (s,) in stages] == list(BUILTIN_TEMPLATES[1].stages)
    assert rows(library.path, "SELECT name, scale_min, scale_max FROM journey_map "
                "WHERE session_id = ?", sid) == [("Current state", -3, 3)]
    # Ctrl+N starts another one; the facilitator's name is remembered.
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert dialog.facilitator_edit.text() == "Noor"
    assert dialog.template_box.currentText() == BUILTIN_TEMPLATES[0].name
    dialog.template_box.setCurrentIndex(dialog.template_box.findData(""))  # blank map
    dialog.title_edit.setText("Blank one")
    dialog.accept()
    (blank,), = rows(library.path, "SELECT id FROM session WHERE title = 'Blank one'")
    assert rows(library.path, "SELECT count(*) FROM stage s JOIN journey_map m ON "
                "m.id = s.map_id WHERE m.session_id = ?", blank) == [(0,)]


def test_duplicate_rename_trash_restore_and_empty(qtbot, three, settings):
    library, demo, a, b = three
    window = make_window(qtbot, library)
    window.library_tools.show_library()
    page = page_of(window)

    page.select(demo.id)
    page.buttons["duplicate"].click()
    (copy_id, copy_title), = rows(library.path, "SELECT id, title FROM session "
                                  "WHERE title LIKE '%(copy)'")
    assert copy_title == "Coffee subscription (copy)" and page.selected_id() == copy_id
    notes = "SELECT count(*) FROM note n JOIN journey_map m ON m.id = n.map_id " \
            "WHERE m.session_id = ?"
    assert rows(library.path, notes, copy_id) == rows(library.path, notes, demo.id) == [(44,)]
    assert not set(rows(library.path, "SELECT n.id FROM note n JOIN journey_map m ON m.id = "
                        "n.map_id WHERE m.session_id = ?", copy_id)) & set(
        rows(library.path, "SELECT n.id FROM note n JOIN journey_map m ON m.id = n.map_id "
             "WHERE m.session_id = ?", demo.id))

    page.buttons["rename"].click()
    page.dialog.setTextValue("Coffee, second workshop")
    page.dialog.accept()
    assert rows(library.path, "SELECT title FROM session WHERE id = ?", copy_id) == [
        ("Coffee, second workshop",)]
    page.ask_rename(copy_id).setTextValue("   ")
    page.dialog.accept()
    assert page.last_error == "session name cannot be empty"
    page.error_box.close()

    # Delete on a card moves it to the trash (not a note of the hidden map).
    page.select(a.id)
    page.sessions.setFocus()
    QTest.keyClick(page.sessions, Qt.Key.Key_Delete)
    assert rows(library.path, "SELECT deleted_at IS NOT NULL FROM session WHERE id = ?",
                a.id) == [(1,)]
    assert rows(library.path, notes, demo.id) == [(44,)]
    assert a.id not in page.visible_ids() and page.trash_button.text() == "Trash (1)"
    page.select(b.id)
    page.buttons["trash"].click()
    page.trash_button.click()
    assert page.heading.text() == "Trash"
    assert sorted(page.visible_titles()) == ["Airport check-in", "Onboarding journey"]
    page.select(a.id)
    page.buttons["restore"].click()
    assert rows(library.path, "SELECT deleted_at FROM session WHERE id = ?", a.id) == [(None,)]
    assert page.visible_titles() == ["Airport check-in"]

    box = page.ask_empty_trash()
    box.button(box.StandardButton.Cancel).click()
    assert rows(library.path, "SELECT count(*) FROM session WHERE id = ?", b.id) == [(1,)]
    box = page.ask_empty_trash()
    box.confirm_button.click()
    assert rows(library.path, "SELECT count(*) FROM session WHERE id = ?", b.id) == [(0,)]
    assert rows(library.path, "SELECT count(*) FROM journey_map WHERE session_id = ?",
                b.id) == [(0,)]
    assert page.visible_titles() == [] and page.empty_label.text() == "The trash is empty"
    page.trash_button.click()
    assert sorted(page.visible_titles()) == ["Coffee subscription", "Coffee, second workshop",
                                             "Onboarding journey"]


def test_trashing_the_open_session_leaves_nothing_open(qtbot, three, settings):
    library, demo, a, _ = three
    window = make_window(qtbot, library)
    window.open_session(demo.id)
    window.library_tools.show_library()
    page = page_of(window)
    assert not page.back_button.isHidden()
    page.trash(demo.id)
    assert window.session_id is None and window.doc is None
    assert page.back_button.isHidden() and not page.isHidden()
    page.trash_button.click()
    page.select(demo.id)
    page.ask_purge(demo.id).confirm_button.click()
    assert rows(library.path, "SELECT count(*) FROM session WHERE id = ?", demo.id) == [(0,)]
    assert not list(page.cache.folder.glob(f"{demo.id}-*.png"))


def test_save_map_as_template_then_start_from_it(qtbot, demo, settings):
    library, session = demo
    window = make_window(qtbot, library)
    library.run(ops.rename_stage, window.data.stages[0].id, "Discover")
    dialog = window.library_tools.ask_save_template()
    dialog.setTextValue("Coffee journey")
    dialog.accept()
    (stages, lanes), = rows(library.path, "SELECT stages, lanes FROM template "
                            "WHERE name = 'Coffee journey'")
    assert json.loads(stages)[0] == "Discover" and len(json.loads(lanes)) == 8
    # The same name again asks before replacing.
    library.run(ops.rename_stage, window.data.stages[0].id, "Notice")
    window.library_tools.save_template("coffee JOURNEY")
    replace = next(b for b in window.confirm_box.buttons() if b.text() == "Replace")
    replace.click()
    assert [json.loads(s)[0] for (s,) in rows(library.path, "SELECT stages FROM template")] == [
        "Notice"]
    window.library_tools.save_template("Four stages")
    assert window.last_error == "“Four stages” is a built-in template; choose another name"
    window.error_box.close()

    window.library_tools.show_library()
    page = page_of(window)
    assert "coffee JOURNEY" in page.template_names()
    new_id = page.create_session("From my template", "coffee JOURNEY")
    stages = rows(library.path, "SELECT s.name, s.position FROM stage s JOIN journey_map m "
                  "ON m.id = s.map_id WHERE m.session_id = ? ORDER BY s.position", new_id)
    assert [s for s, _ in stages] == ["Notice", "Consideration", "Purchase", "Service",
                                      "Loyalty"]
    assert rows(library.path, "SELECT count(*) FROM note n JOIN journey_map m ON "
                "m.id = n.map_id WHERE m.session_id = ?", new_id) == [(0,)]
    assert page.delete_template("coffee journey")
    assert rows(library.path, "SELECT count(*) FROM template") == [(0,)]


def test_recent_sessions_in_the_file_menu(qtbot, three, settings):
    library, demo, a, b = three
    window = make_window(qtbot, library)
    tools = window.library_tools
    for sid in (a.id, demo.id, b.id, a.id):
        window.open_session(sid)
    titles = [act.text() for act in tools.recent_actions()]
    assert titles == ["&1 Onboarding journey", "&2 Airport check-in",
                      "&3 Coffee subscription"]
    tools.recent_actions()[2].trigger()
    assert window.session_id == demo.id
    library.run(ops.trash_session, b.id)  # trashed sessions drop out of the menu
    assert [act.data() for act in tools.recent_actions()] == [demo.id, a.id]
    for i in range(10):
        window.open_session(library.run(ops.create_session, f"S{i}").id)
    assert len(tools.recent_actions()) == 8
    file_menu = window.menuBar().actions()[0].menu()
    texts = [act.text() for act in file_menu.actions()]
    assert texts[:3] == ["&New Session…", "&Library…", "Open &Recent"]
    assert "Session &Details…" in texts and "Save Map as &Template…" in texts


def test_an_empty_library_starts_on_the_library(qtbot, library, settings):
    window = make_window(qtbot, library)
    page = page_of(window)
    qtbot.waitUntil(lambda: not page.isHidden())
    assert page.visible_titles() == [] and "No sessions yet" in page.empty_label.text()
    assert page.back_button.isHidden()
    # Ctrl+O with nothing open keeps the library up.
    QTest.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert not page.isHidden()
    new_id = page.create_session("First workshop", BUILTIN_TEMPLATES[2].name)
    assert window.session_id == new_id and page.isHidden()


def test_map_shortcuts_do_not_reach_the_hidden_map(qtbot, demo, settings):
    library, _ = demo
    window = make_window(qtbot, library)
    command, _ids = cmd.add_notes(window.doc, [dict(stage_id=window.data.stages[0].id,
                                                    lane_id=window.data.lanes[0].id,
                                                    text="Radio")])
    window.push(command)
    assert window.undo_stack.count() == 1
    window.library_tools.show_library()
    page = page_of(window)
    page.sessions.setFocus()
    QTest.keyClick(page.sessions, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.undo_stack.count() == 1 and window.undo_stack.index() == 1
    QTest.keyClicks(page.sessions, "cof")  # typing searches
    assert page.search.text() == "cof" and page.visible_titles() == ["Coffee subscription"]
    QTest.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""
    QTest.keyClick(page.search, Qt.Key.Key_Escape)  # back to the map
    assert page.isHidden()
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.undo_stack.index() == 0


def _fill(library, session_id: str, texts: dict[str, list[str]], scores: list[float]) -> None:
    """Some notes (by lane kind) and an emotion curve, for a realistic thumbnail."""
    data = library.read(load_map, library.read(maps_of, session_id)[0].id)
    for lane in data.lanes:
        for i, stage in enumerate(data.stages):
            for text in texts.get(lane.kind, [])[i::len(data.stages)]:
                library.run(ops.add_note, stage.id, lane.id, text)
    if data.curves:
        for stage, score in zip(data.stages, scores, strict=False):
            library.run(ops.add_curve_point, data.curves[0].curve.id, stage.id, score)


def test_library_screenshot(qtbot, three, settings, tmp_path):
    """The page as the user sees it; WAYMARK_SCREENSHOTS=1 writes docs/screenshot-library.png."""
    from formats.mermaid import import_mermaid

    library, demo, a, b = three
    root = Path(__file__).resolve().parents[2]
    text = (root / "tests" / "fixtures" / "mermaid" / "01-working-day.mmd").read_text("utf-8")
    result = library.run(import_mermaid, text)
    library.run(ops.update_session, result.session_id, date="2026-08-21",
                facilitator="Jonas Berg")
    _fill(library, a.id, {
        "touchpoints": ["Offer letter", "Welcome email", "Laptop pick-up", "Team lunch",
                        "HR portal", "Buddy chat"],
        "actions": ["Signs contract", "Reads handbook", "Sets up accounts", "First 1:1"],
        "pain_points": ["Portal login fails", "Nobody at reception", "Too many tools"],
        "opportunities": ["Send kit before day one", "One checklist"],
    }, [2, 1, -2, 1])
    hotel = library.run(ops.start_session, "Hotel booking", "Purchase and use", (-3, 3),
                        date="2026-12-03", facilitator="Noor Haddad")
    _fill(library, hotel.id, {
        "touchpoints": ["Search ad", "Comparison site", "Booking form", "Check-in desk",
                        "Loyalty app"],
        "thoughts": ["Is it central?", "Why this price?", "Where is my room?"],
        "pain_points": ["Hidden resort fee", "Slow check-in", "Wi-Fi paywall"],
        "opportunities": ["Show the total price", "Mobile key", "Free Wi-Fi for members"],
    }, [1, 0, -2, -1, 2])
    library.run(ops.trash_session, b.id)
    window = make_window(qtbot, library)
    window.open_session(demo.id)
    window.resize(1280, 800)
    window.library_tools.show_library()
    page = page_of(window)
    page.finish_thumbnails()
    assert page.visible_titles() == ["Hotel booking", "Coffee subscription",
                                     "Onboarding journey", "My working day"]
    assert page.trash_button.text() == "Trash (1)"
    qtbot.wait(50)
    out = root / "docs" / "screenshot-library.png" if os.environ.get(
        "WAYMARK_SCREENSHOTS") else tmp_path / "library.png"
    assert window.grab().save(str(out))
    assert QPixmap(str(out)).width() >= 1000


def test_template_operations(library):
    """Saved templates: listed after the built-ins, names unique ignoring case."""
    from journey.errors import InvalidEdit, NotFound

    s = library.run(ops.start_session, "Source", "Four stages", (-2, 2))
    (m,) = library.read(maps_of, s.id)
    assert (m.scale_min, m.scale_max) == (-2, 2)
    library.run(ops.save_map_as_template, m.id, "Zeta")
    library.run(ops.save_map_as_template, m.id, "alpha")
    names = [t.name for t in library.read(ops.list_templates)]
    assert names == [t.name for t in BUILTIN_TEMPLATES] + ["alpha", "Zeta"]
    saved = library.read(ops.list_templates)[-1]
    assert not saved.builtin and saved.stages == BUILTIN_TEMPLATES[2].stages
    assert saved.description == "4 stages · 6 lanes"
    with pytest.raises(InvalidEdit, match="a template named “Zeta” already exists"):
        library.run(ops.save_map_as_template, m.id, "ZETA")
    with pytest.raises(InvalidEdit, match="built-in template and cannot be deleted"):
        library.run(ops.delete_template, "four stages")
    with pytest.raises(NotFound):
        library.run(ops.delete_template, "nope")
    empty = library.run(ops.start_session, "Empty", None, (-3, 3))
    (em,) = library.read(maps_of, empty.id)
    with pytest.raises(InvalidEdit, match="no stages or lanes"):
        library.run(ops.save_map_as_template, em.id, "Nothing")
    snap = library.run(ops.delete_template, "zeta")
    library.run(ops.restore, snap)
    assert [t.name for t in library.read(ops.list_templates)][-1] == "Zeta"
