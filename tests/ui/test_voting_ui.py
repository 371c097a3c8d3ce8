"""Dot voting in the real window: a round with budgets, clicks and keys, reveal,
undo, the rounds list — each result read back through a fresh SQLite connection."""

from __future__ import annotations

import os
import sqlite3

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from journey.layout import Style
from journey.models import LaneKind
from ui.main_window import MainWindow
from ui.voting.voting import VOTING_DOT_R
from ui.voting.voting_dialogs import ranks


@pytest.fixture
def window(demo, open_window) -> MainWindow:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    w = open_window(demo[0])
    return w


def db(window: MainWindow) -> sqlite3.Connection:
    return sqlite3.connect(window.library.path)


def note_id(window: MainWindow, text: str) -> str:
    return next(n.id for n in window.data.all_notes() if n.text == text)


def click_note(qtbot, window: MainWindow, text: str, **kw) -> None:
    item = window.scene.note_item(note_id(window, text))
    window.view.ensureVisible(item, 20, 20)
    pos = window.view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(window.view.viewport(), kw.pop("button", Qt.MouseButton.LeftButton),
                     pos=QPoint(pos.x(), pos.y()), **kw)


def lane_ids(window: MainWindow, *kinds: str) -> list[str]:
    return [lane.id for lane in window.data.lanes if lane.kind in kinds]


def dots(window: MainWindow, text: str) -> tuple[str, ...]:
    """The dot colours the canvas shows on a note."""
    return tuple(d.colour for d in window.layout.note_by_id[note_id(window, text)].dots)


FEE = "Surprise shipping fee at the last step"
PAUSE = "Pause hidden in settings"
SMS = "Pause from the SMS"
TOUCH = "Checkout page"


def start(window: MainWindow, votes: int = 2, cap: int | None = 1) -> str:
    voting = window.workshop.voting
    dialog = voting.make_start_dialog()
    dialog.votes.setValue(votes)
    if cap is not None:
        dialog.cap_on.setChecked(True)
        dialog.cap.setValue(cap)
    dialog.set_lanes(lane_ids(window, LaneKind.PAIN_POINTS, LaneKind.OPPORTUNITIES))
    assert dialog.hide_totals.isChecked()
    round_id = voting.start_from(dialog)
    assert round_id
    return round_id


def test_a_round_with_budgets_hidden_totals_and_reveal(qtbot, window):
    voting = window.workshop.voting
    round_id = start(window)
    with db(window) as con:
        row = con.execute("select name, votes_per_participant, cap_per_note, lane_ids, "
                          "hide_totals, status from vote_round where id=?",
                          (round_id,)).fetchone()
    assert row[:3] == ("Round 1", 2, 1)
    assert set(row[3].split(",")) == set(lane_ids(window, LaneKind.PAIN_POINTS,
                                                  LaneKind.OPPORTUNITIES))
    assert row[4:] == (1, "open")
    assert voting.bar.isVisible()
    assert window.doc.style.vote_r == VOTING_DOT_R  # dots a room can see while voting
    assert voting.bar.chip_texts()[:2] == ["Amira · 2 left", "Ben · 2 left"]
    # The demo's earlier dots are not this round's: none shows while voting.
    assert dots(window, FEE) == ()

    amira, ben = (p.id for p in voting.state.people[:2])
    assert voting.participant_id == amira
    click_note(qtbot, window, FEE)
    with db(window) as con:
        assert con.execute("select participant_id from vote where round_id=? and note_id=?",
                           (round_id, note_id(window, FEE))).fetchall() == [(amira,)]
    assert voting.bar.chip_texts()[0] == "Amira · 1 left"
    assert dots(window, FEE) == ("#D55E00",)

    click_note(qtbot, window, FEE)  # the cap: one dot per note
    assert "already put 1 vote" in window.last_error
    assert "already put 1 vote" in voting.bar.message_label.text()
    click_note(qtbot, window, TOUCH)  # not a voted lane
    assert "not part of Round 1" in window.last_error
    click_note(qtbot, window, PAUSE)
    assert voting.bar.chip_texts()[0] == "Amira · done"
    click_note(qtbot, window, SMS)  # over budget: refused, with the message in the bar
    assert window.last_error == "Amira has no votes left in Round 1"
    assert voting.bar.message_label.isVisible()
    assert voting.bar.message_label.text() == "Amira has no votes left in Round 1"
    with db(window) as con:
        assert con.execute("select count(*) from vote where round_id=? and participant_id=?",
                           (round_id, amira)).fetchone() == (2,)

    # Hidden totals: Ben sees only his own dots, not Amira's.
    voting.bar.chips[ben].click()
    assert voting.participant_id == ben
    assert dots(window, FEE) == ()
    item = window.scene.note_item(note_id(window, SMS))
    window.scene.clearSelection()
    item.setSelected(True)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_V)  # V votes on the selected note
    with db(window) as con:
        assert con.execute("select count(*) from vote where round_id=? and participant_id=?",
                           (round_id, ben)).fetchone() == (1,)
    assert dots(window, SMS) == ("#0072B2",)
    qtbot.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ShiftModifier)  # take back
    with db(window) as con:
        assert con.execute("select count(*) from vote where round_id=? and participant_id=?",
                           (round_id, ben)).fetchone() == (0,)
    window.undo_stack.undo()  # the dot comes back, the very same row
    with db(window) as con:
        ids = con.execute("select id from vote where round_id=? and participant_id=?",
                          (round_id, ben)).fetchall()
    assert len(ids) == 1
    window.undo_stack.undo()  # and undoing the vote removes it
    window.undo_stack.redo()
    with db(window) as con:
        assert con.execute("select id from vote where round_id=? and participant_id=?",
                           (round_id, ben)).fetchall() == ids
    click_note(qtbot, window, FEE)
    assert voting.bar.chip_texts()[1] == "Ben · done"

    # Totals hidden: the results panel says so and lists nothing.
    voting.show_results(round_id)
    assert voting.results.rows() == []
    assert "hidden" in voting.results.summary.text()

    voting.reveal()
    with db(window) as con:
        assert con.execute("select status from vote_round where id=?",
                           (round_id,)).fetchone() == ("revealed",)
    assert voting.dock.isVisible()
    rows = voting.results.rows()
    assert rows[0] == (1, 2, FEE)
    assert {r[2] for r in rows} == {FEE, PAUSE, SMS}
    assert sorted(dots(window, FEE)) == ["#0072B2", "#D55E00"]  # everyone's dots now
    assert voting.bar.reopen_button.isVisible() and not voting.bar.reveal_button.isVisible()
    click_note(qtbot, window, SMS)  # a revealed round takes no more votes: a click selects
    assert window.scene.selected_note_ids() == [note_id(window, SMS)]
    assert not voting.vote_action.isEnabled()
    with db(window) as con:
        assert con.execute("select count(*) from vote where round_id=?",
                           (round_id,)).fetchone() == (4,)

    # Leaving voting: the demo's earlier dots are back beside this round's.
    voting.leave()
    assert not voting.bar.isVisible()
    assert window.doc.style == Style()
    assert len(dots(window, FEE)) == 4 + 2


def test_rounds_are_kept_and_can_be_reopened(qtbot, window):
    voting = window.workshop.voting
    first = start(window, votes=1, cap=None)
    click_note(qtbot, window, FEE)
    voting.reveal()
    voting.leave()
    second = start(window, votes=3, cap=None)
    assert voting.state.round.name == "Round 2"
    assert dots(window, FEE) == ()  # round 1's dot is not round 2's
    voting.leave()

    dialog = voting.make_rounds_dialog()
    qtbot.addWidget(dialog)
    assert dialog.tree.topLevelItemCount() == 2
    assert [dialog.tree.topLevelItem(i).text(3) for i in range(2)] == ["1", "0"]
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))
    dialog._choose("vote")  # "Continue voting" on round 1 reopens it
    assert voting.round_id == first
    with db(window) as con:
        assert con.execute("select status from vote_round where id=?",
                           (first,)).fetchone() == ("open",)
    assert voting.bar.chip_texts()[0] == "Amira · done"
    voting.choose(voting.state.people[1].id)
    click_note(qtbot, window, PAUSE)
    voting.close_round(first)
    assert voting.round_id is None
    with db(window) as con:
        assert con.execute("select status from vote_round where id=?",
                           (first,)).fetchone() == ("closed",)
        assert con.execute("select count(*) from vote where round_id=?",
                           (first,)).fetchone() == (2,)
    voting.delete_round(second)
    with db(window) as con:
        assert con.execute("select count(*) from vote_round where id=?",
                           (second,)).fetchone() == (0,)
    window.undo_stack.undo()  # the deleted round comes back
    with db(window) as con:
        assert con.execute("select count(*) from vote_round where id=?",
                           (second,)).fetchone() == (1,)
    # Undo back past "start round": the round is gone and voting ends.
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    with db(window) as con:
        assert con.execute("select count(*) from vote_round").fetchone() == (0,)
        assert con.execute("select count(*) from vote where round_id is not null"
                           ).fetchone() == (0,)


def test_a_round_without_participants_names_them(qtbot, library, tmp_path):
    from journey import ops

    session = library.run(ops.create_session, "Empty room")
    w = MainWindow(library, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.open_session(session.id)
    voting = w.workshop.voting
    dialog = voting.make_start_dialog()
    qtbot.addWidget(dialog)
    assert not dialog.people
    dialog.names.setText("Ada, Grace")
    round_id = voting.start_from(dialog)
    assert round_id
    assert voting.bar.chip_texts() == ["Ada · 3 left", "Grace · 3 left"]
    with sqlite3.connect(library.path) as con:
        assert con.execute("select name from participant order by position").fetchall() == [
            ("Ada",), ("Grace",)]


def test_ranks_share_places():
    assert ranks([("a", "", 5), ("b", "", 3), ("c", "", 3), ("d", "", 1)]) == [1, 2, 2, 4]
