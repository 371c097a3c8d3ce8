"""Small frictions a facilitator met in the real window: Tab in the New Session
dialog's date, telling an imported or duplicated session from its original on the
library's cards, quick capture's `feel:` / `think:` reaching a combined lane."""

from __future__ import annotations

import sqlite3

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


# -- 5. an original and its copies look different on the cards ------------------------------
LONG = "Coffee subscription onboarding for new subscribers, spring wave"


def _card_titles(page) -> dict[str, str]:
    """session id → the title text its card draws (after eliding to the card's width)."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    view = page.sessions
    delegate = view.itemDelegate()
    out = {}
    for i in range(view.count()):
        item = view.item(i)
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = view.visualItemRect(item)
        index = view.indexFromItem(item)
        out[item.data(Qt.ItemDataRole.UserRole)] = delegate.title_text(option, index)
    return out


def test_imported_and_duplicated_copies_are_told_apart_on_the_cards(qtbot, window, tmp_path):
    from formats.session_copy import duplicate_session
    from formats.session_json import import_json_file, write_session_json
    from journey import ops

    library = window.library
    original = library.run(ops.create_session, LONG, date="2026-11-20", facilitator="Sam")
    path = tmp_path / "session.json"
    library.run(write_session_json, original.id, path)
    first = library.run(import_json_file, path)  # clashes: comes in as a copy
    second = library.run(import_json_file, path)  # and again
    dup1 = library.run(duplicate_session, original.id)
    dup2 = library.run(duplicate_session, original.id)
    ids = [original.id, first.id, second.id, dup1.id, dup2.id]
    titles = {s: library.read(lambda db, s=s: __import__("journey.queries").queries
                              .find_session(db, s).title) for s in ids}
    assert len(set(titles.values())) == 5, titles  # no two sessions share a title
    assert titles[first.id].endswith("(imported copy)")
    assert titles[second.id].endswith("(imported copy 2)")
    assert titles[dup1.id].endswith("(copy)") and titles[dup2.id].endswith("(copy 2)")

    window.library_tools.show_library()
    page = window.library_page
    page.refresh()
    shown = _card_titles(page)
    on_cards = [shown[s] for s in ids]
    assert len(set(on_cards)) == 5, on_cards  # what the cards draw differs too
    assert all(len(t) < len(LONG) for t in on_cards[1:])  # the long title was elided…
    assert on_cards[1].endswith("(imported copy)")  # …but never its copy marker
    assert on_cards[2].endswith("(imported copy 2)")
    assert on_cards[3].endswith("(copy)") and on_cards[4].endswith("(copy 2)")
    assert on_cards[0].endswith("…")


# -- 6. feel: / think: reach a thoughts-or-feelings lane -------------------------------------
def _capture(window, text: str) -> tuple[str, str]:
    """Type `text` into quick capture, Enter; (stage name, lane name) of the new note."""
    capture = window.workshop.capture
    before = {n.id for n in window.data.all_notes()}
    window.workshop.focus_capture()
    capture.box.setText(text)
    assert capture.submit(), window.last_error
    new = [n for n in window.data.all_notes() if n.id not in before]
    assert len(new) == 1
    con = sqlite3.connect(window.library.path)
    try:
        return con.execute("select s.name, l.name from note n join stage s on s.id=n.stage_id "
                           "join lane l on l.id=n.lane_id where n.id=?",
                           (new[0].id,)).fetchone()
    finally:
        con.close()


def test_feel_and_think_reach_the_combined_lane_of_purchase_and_use(qtbot, library,
                                                                      open_window):
    from journey import ops

    library.run(ops.start_session, "Checkout", "Purchase and use", (-3, 3),
                date="2026-12-02")
    window = open_window(library)
    assert "Thoughts & feelings" in [lane.name for lane in window.data.lanes]
    assert _capture(window, "feel: nervous about the price")[1] == "Thoughts & feelings"
    assert _capture(window, "think: is this the cheapest?")[1] == "Thoughts & feelings"
    assert _capture(window, "pain: hidden fees")[1] == "Barriers"


def test_feel_prefers_a_feelings_lane_then_a_lane_named_for_it(qtbot, window):
    from journey import ops

    # The demo has separate Thoughts and Feelings lanes: each prefix keeps its own.
    assert _capture(window, "feel: calm")[1] == "Feelings"
    assert _capture(window, "think: maybe")[1] == "Thoughts"
    # A lane whose *name* says feelings wins over the thoughts lane when no lane has
    # the feelings kind.
    feelings = next(lane for lane in window.data.lanes if lane.kind == "feelings")
    window.library.run(ops.set_lane_kind, feelings.id, "custom")
    window.library.run(ops.rename_lane, feelings.id, "How they feel")
    assert _capture(window, "feel: relieved")[1] == "How they feel"
    # No feelings lane by kind or by name: the thoughts lane takes feelings too.
    window.library.run(ops.rename_lane, feelings.id, "Extra")
    assert _capture(window, "feel: tired")[1] == "Thoughts"
    # A prefix with no lane of its kind nor of the related kind still says so in one line.
    capture = window.workshop.capture
    capture.box.setText("chan: email")
    assert not capture.submit()
    assert window.last_error == "This map has no channels lane"
