"""Dot voting as a facilitator met it: a click on a chip keeps the keys on the map,
the bar's status line follows every dot taken back (and undo/redo), and the
results panel keeps each note's "Stage · Lane" after an import and a restart.
Every result is read back from the SQLite file through a fresh connection."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from formats.session_json import write_session_json
from ui.main_window import MainWindow

from .test_voting_ui import FEE, PAUSE, SMS, click_note, note_id, start


def db(path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def votes_of(window: MainWindow, round_id: str, participant_id: str) -> list[str]:
    with db(window.library.path) as con:
        return [r[0] for r in con.execute(
            "select note_id from vote where round_id=? and participant_id=? "
            "order by created_at, id", (round_id, participant_id))]


def select_note(window: MainWindow, text: str) -> None:
    nid = note_id(window, text)
    window.note_actions.select([nid], nid)
    window.view.setFocus()


def keys_to_focus(qtbot, key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    """A key where a person's keyboard sends it: to whatever has the focus now."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, mods)


def test_a_click_on_a_chip_leaves_v_and_the_arrows_on_the_map(qtbot, demo, open_window):
    w = open_window(demo[0])
    voting = w.workshop.voting
    round_id = start(w, votes=3, cap=None)
    ben = voting.state.people[1].id
    select_note(w, FEE)
    chip = voting.bar.chips[ben]
    qtbot.waitUntil(chip.isVisible)  # chips are laid out (shown) on the next event loop turn
    QTest.mouseClick(chip, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     chip.rect().center())
    assert voting.participant_id == ben
    assert QApplication.focusWidget() is w.view  # not the chips' scroll strip
    keys_to_focus(qtbot, Qt.Key.Key_Right)  # the arrows still move between notes
    moved = w.scene.selected_note_ids()
    assert moved and moved != [note_id(w, FEE)]
    keys_to_focus(qtbot, Qt.Key.Key_V)
    assert votes_of(w, round_id, ben) == moved


def test_alt_digit_picks_the_voter_from_the_keyboard(qtbot, demo, open_window):
    w = open_window(demo[0])
    voting = w.workshop.voting
    round_id = start(w, votes=3, cap=None)
    chloe = voting.state.people[2].id
    select_note(w, SMS)
    keys_to_focus(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert voting.participant_id == chloe
    assert voting.bar.chips[chloe].isChecked()
    assert "Alt+3" in voting.bar.chips[chloe].toolTip()
    keys_to_focus(qtbot, Qt.Key.Key_V)
    assert votes_of(w, round_id, chloe) == [note_id(w, SMS)]
    # A digit alone still colours the note (ui.notes.note_actions), it does not pick a voter.
    keys_to_focus(qtbot, Qt.Key.Key_1)
    assert voting.participant_id == chloe
    voting.leave()  # outside voting Alt+digit does nothing
    assert not voting.voter_actions[0].isEnabled()


def test_the_status_line_follows_votes_take_backs_undo_and_redo(qtbot, demo, open_window):
    w = open_window(demo[0])
    voting = w.workshop.voting
    round_id = start(w, votes=2, cap=None)
    ben = voting.state.people[1].id
    voting.choose(ben)
    status = voting.bar.message_label
    assert status.text() == "Ben is voting: 2 of 2 dots left"
    click_note(qtbot, w, FEE)
    assert status.text() == "Ben is voting: 1 of 2 dots left"
    click_note(qtbot, w, PAUSE)
    every = "Ben has placed every dot — pick the next person"
    assert status.text() == every
    click_note(qtbot, w, PAUSE, button=Qt.MouseButton.RightButton)  # take one back
    assert votes_of(w, round_id, ben) == [note_id(w, FEE)]
    assert status.text() == "Ben is voting: 1 of 2 dots left"
    w.undo_stack.undo()  # the dot is back
    assert len(votes_of(w, round_id, ben)) == 2
    assert status.text() == every
    w.undo_stack.undo()  # undo the second vote
    assert status.text() == "Ben is voting: 1 of 2 dots left"
    w.undo_stack.redo()
    assert status.text() == every
    w.undo_stack.redo()  # the take-back again
    assert status.text() == "Ben is voting: 1 of 2 dots left"
    # A refusal is shown for a while, then the status line again.
    click_note(qtbot, w, FEE)
    click_note(qtbot, w, SMS)
    assert status.text() == "Ben has no votes left in Round 1"
    voting.bar._clear.timeout.emit()
    assert status.text() == every


def finished_round(qtbot, w: MainWindow) -> str:
    """A round with dots from two people, revealed and closed."""
    voting = w.workshop.voting
    round_id = start(w, votes=2, cap=None)
    amira, ben = (p.id for p in voting.state.people[:2])
    voting.choose(amira)
    click_note(qtbot, w, FEE)
    click_note(qtbot, w, PAUSE)
    voting.choose(ben)
    click_note(qtbot, w, FEE)
    click_note(qtbot, w, SMS)
    voting.reveal()
    voting.close_round(round_id)
    return round_id


def places_in_library(path, round_id: str) -> dict[str, str]:
    with db(path) as con:
        return {text: f"{stage} · {lane}" for text, stage, lane in con.execute(
            "select distinct n.text, s.name, l.name from vote v join note n on n.id = v.note_id "
            "join stage s on s.id = n.stage_id join lane l on l.id = n.lane_id "
            "where v.round_id = ?", (round_id,))}


def assert_rows_have_places(voting, path, round_id: str) -> None:
    places = places_in_library(path, round_id)
    listed = voting.results.list
    texts = [listed.item(i).text() for i in range(listed.count())]
    assert len(texts) == len(places) == 3
    for text in texts:
        note = text.split("\n")[0].split(".", 1)[1].strip()
        assert text.endswith(f" · {places[note]}"), text


def test_results_keep_stage_and_lane_after_a_json_import(qtbot, demo, open_window, tmp_path):
    library, session = demo
    w = open_window(library)
    voting = w.workshop.voting
    first = finished_round(qtbot, w)
    voting.show_results(first)
    assert_rows_have_places(voting, library.path, first)
    path = library.read(write_session_json, session.id, tmp_path / "coffee.waymark.json")
    imported = w.exchange.import_json_from(path)
    assert imported is not None and w.session_id == imported.id != session.id
    with db(library.path) as con:  # the same library: the copy got fresh ids
        (copy,) = con.execute("select r.id from vote_round r join journey_map m on m.id = "
                              "r.map_id where m.session_id = ?", (imported.id,)).fetchone()
    assert copy != first
    assert voting.dock.isVisible()
    assert voting.results_round == copy
    assert_rows_have_places(voting, library.path, copy)
    dialog = voting.make_rounds_dialog()  # and "Show results" from the rounds list
    qtbot.addWidget(dialog)
    dialog._choose("results")
    assert_rows_have_places(voting, library.path, copy)


def test_results_are_there_after_a_restart(qtbot, demo, open_window, tmp_path):
    library, _session = demo
    settings_path = str(tmp_path / "restart.ini")
    w = open_window(library, QSettings(settings_path, QSettings.Format.IniFormat))
    voting = w.workshop.voting
    first = finished_round(qtbot, w)
    voting.show_results(first)
    assert voting.dock.isVisible()
    w.close()  # saves the window state: the results dock is open
    again = open_window(library, QSettings(settings_path, QSettings.Format.IniFormat))
    results = again.workshop.voting
    qtbot.waitUntil(results.dock.isVisible)
    assert results.results_round == first
    assert [r[2] for r in results.results.rows()][0] == FEE
    assert_rows_have_places(results, library.path, first)
