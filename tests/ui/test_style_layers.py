"""Modes lay their sizes over the preferences' style by name (issue 12, item 5): voting's
big dots are the "voting" layer of `MapDocument.style_layers`, presentation makes the map
big by the zoom alone, the projector theme is the view's paint theme — so entering and
leaving them in any order, or changing the preferences' text size meanwhile, never loses
another's size. Checked on `window.doc.style` and on the laid-out note boxes, against a
fresh document laid out with the style the map should have."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from journey import ops
from journey.layout import Style
from journey.models import LaneKind
from paint.theme import PROJECTOR_THEME
from ui.document import MapDocument
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.voting.voting import VOTING_DOT_R

FEE = "Surprise shipping fee at the last step"
BASE_R = Style().vote_r


@pytest.fixture
def window(demo, open_window) -> MainWindow:
    return open_window(demo[0])


def fee_id(window: MainWindow) -> str:
    return next(n.id for n in window.data.all_notes() if n.text == FEE)


def start_round(window: MainWindow) -> str:
    """A round on the pain points with hidden totals, and one dot of the first
    participant on FEE (so the note has a dot to measure while voting)."""
    voting = window.workshop.voting
    dialog = voting.make_start_dialog()
    dialog.votes.setValue(2)
    dialog.set_lanes([ln.id for ln in window.data.lanes if ln.kind == LaneKind.PAIN_POINTS])
    round_id = voting.start_from(dialog)
    assert round_id and voting.round_id == round_id
    assert voting.vote([fee_id(window)])
    return round_id


def present(qtbot, window: MainWindow) -> None:
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F5)
    assert window.workshop.presentation.active


def unpresent(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not window.workshop.presentation.active


def set_text_size(window: MainWindow, percent: int) -> None:
    """Edit › Preferences…, the map text size, OK."""
    tools = window.library_tools
    tools.preferences_action.trigger()
    dialog = tools.preferences_dialog
    dialog.text_size_box.setCurrentIndex(dialog.text_size_box.findData(percent))
    dialog.accept()
    assert tools.preferences.text_size == percent


def assert_laid_out(window: MainWindow, style: Style) -> None:
    """The window's map is laid out exactly as a fresh document with `style` (and the
    same dots in view) lays it out: the text size and the dots of every note."""
    doc = window.doc
    assert doc.style == style
    fresh = MapDocument(window.library, doc.map_id, style=style)
    fresh.set_vote_view(*doc.vote_view)
    got = {n.id: (n.font_size, n.dot_r, n.votes) for n in window.layout.notes}
    want = {n.id: (n.font_size, n.dot_r, n.votes) for n in fresh.layout.notes}
    assert got == want
    fee = window.layout.note_by_id[fee_id(window)]
    assert fee.votes and fee.dot_r == pytest.approx(style.vote_r)
    assert window.layout.notes[0].font_size == want[window.layout.notes[0].id][0]


def voting_style(base: Style | None = None) -> Style:
    return replace(base or Style(), vote_r=VOTING_DOT_R)


def test_the_issue_present_vote_unpresent_keeps_the_big_dots(qtbot, window):
    voting = window.workshop.voting
    assert_laid_out(window, Style())
    present(qtbot, window)
    start_round(window)
    assert window.doc.style_layers == {"voting": {"vote_r": VOTING_DOT_R}}
    assert_laid_out(window, voting_style())
    unpresent(qtbot, window)  # lost the voting dot size before
    assert_laid_out(window, voting_style())
    assert window.doc.style.note_size == Style().note_size  # the preference's text
    voting.leave()
    assert window.doc.style_layers == {}
    assert_laid_out(window, Style())
    assert window.layout.note_by_id[fee_id(window)].dot_r == BASE_R


def test_vote_present_unvote_unpresent(qtbot, window):
    voting = window.workshop.voting
    start_round(window)
    present(qtbot, window)
    assert_laid_out(window, voting_style())
    voting.leave()  # while presenting: the dots are the preference's again at once
    assert_laid_out(window, Style())
    unpresent(qtbot, window)
    assert_laid_out(window, Style())


def test_vote_present_unpresent_unvote(qtbot, window):
    voting = window.workshop.voting
    start_round(window)
    present(qtbot, window)
    unpresent(qtbot, window)
    assert_laid_out(window, voting_style())
    voting.leave()
    assert_laid_out(window, Style())


def test_present_vote_unvote_unpresent(qtbot, window):
    voting = window.workshop.voting
    present(qtbot, window)
    start_round(window)
    voting.leave()
    assert_laid_out(window, Style())
    unpresent(qtbot, window)
    assert_laid_out(window, Style())


def test_a_new_text_size_while_voting_and_presenting_stays_after_both(qtbot, window):
    voting = window.workshop.voting
    big = Preferences(text_size=150).style()
    start_round(window)
    present(qtbot, window)
    set_text_size(window, 150)
    assert window.doc.base_style == big
    assert_laid_out(window, voting_style(big))  # the new text, the dots still big
    unpresent(qtbot, window)
    assert_laid_out(window, voting_style(big))
    voting.leave()
    assert_laid_out(window, big)  # every size of the preference, tags too
    assert window.doc.style.tag_size == pytest.approx(Style().tag_size * 1.5)


def test_a_new_text_size_then_leaving_in_the_other_order(qtbot, window):
    voting = window.workshop.voting
    present(qtbot, window)
    start_round(window)
    set_text_size(window, 130)
    voting.leave()
    assert_laid_out(window, Preferences(text_size=130).style())
    set_text_size(window, 100)  # back to the standard text while still presenting
    unpresent(qtbot, window)
    assert_laid_out(window, Style())


def test_big_dots_never_shrink_the_preferences_dots(qtbot, window):
    large = replace(Style(), vote_r=VOTING_DOT_R + 2)
    window.doc.set_style(large)
    voting = window.workshop.voting
    start_round(window)
    assert "voting" not in window.doc.style_layers
    assert_laid_out(window, large)
    voting.leave()
    assert_laid_out(window, large)


def test_projector_theme_is_no_style_and_outlives_the_modes(qtbot, window):
    """The projector theme is the view's paint theme: presenting and voting leave it
    as it was set, and it lays nothing over the map's style."""
    p, voting = window.workshop.presentation, window.workshop.voting
    present(qtbot, window)
    start_round(window)
    p.projector_action.trigger()  # on, while presenting and voting
    assert window.view.paint_theme is PROJECTOR_THEME
    assert_laid_out(window, voting_style())
    unpresent(qtbot, window)
    assert window.view.paint_theme is PROJECTOR_THEME  # leaving does not undo it
    voting.leave()
    assert window.view.paint_theme is PROJECTOR_THEME
    assert_laid_out(window, Style())
    present(qtbot, window)
    p.projector_action.trigger()  # off while presenting
    unpresent(qtbot, window)
    assert window.view.paint_theme is None  # leaving does not bring it back
    assert_laid_out(window, Style())


def test_another_map_leaves_voting_and_its_layer(qtbot, window):
    """Showing another map leaves the round: the voted map's "voting" layer goes with
    it, and the other map never had one."""
    first = window.doc
    start_round(window)
    other = window.library.run(ops.add_map, window.session_id, "Future state")
    window.show_map(other.id)
    assert window.workshop.voting.round_id is None
    assert first.style_layers == {} and first.style == Style()
    assert window.doc.style_layers == {} and window.doc.style == Style()
    window.show_map(first.map_id)
    assert_laid_out(window, Style())
