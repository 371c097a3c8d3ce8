"""Find, filter, keyboard navigation and the clipboard format."""

from __future__ import annotations

from PySide6.QtCore import QMimeData

from journey import ops
from journey.layout import layout_map
from journey.navigation import neighbour_cell, neighbour_note, step_cell
from journey.queries import find_map, load_map
from journey.search import authors_of, filter_notes, find_notes, tags_of
from ui.notes.clipboard import NOTES_MIME, notes_from_mime, notes_to_mime


def _data(demo):
    library, session = demo
    return library.read(load_map, library.read(find_map, session.id, None).id)


def test_find_is_case_and_accent_insensitive(demo):
    library, _ = demo
    data = _data(demo)
    library.run(ops.add_note, data.stages[0].id, data.lanes[0].id, "Café loyalty card")
    data = _data(demo)
    texts = {n.id: n.text for n in data.all_notes()}
    assert [texts[i] for i in find_notes(data, "cafe CARD")] == ["Café loyalty card"]
    assert [texts[i] for i in find_notes(data, "pause")] == [
        "Pauses a delivery while on holiday",
        "Annoyed by the pause flow", "Pause hidden in settings", "Pause from the SMS"]
    assert find_notes(data, "   ") == []


def test_filters_by_tag_colour_and_author(demo):
    data = _data(demo)
    assert "quick win" in tags_of(data)
    quick = filter_notes(data, tag="Quick Win")
    assert len(quick) == 2
    amira = filter_notes(data, author="amira")
    assert amira and all(n.author == "Amira" for n in data.all_notes() if n.id in amira)
    assert "Amira" in authors_of(data)
    colour = data.all_notes()[0].colour
    assert all(n.colour == colour for n in data.all_notes() if n.id in filter_notes(data, colour=colour))


def test_navigation_moves_between_neighbours(demo):
    data = _data(demo)
    layout = layout_map(data)
    first = (data.stages[0].id, data.lanes[0].id)
    assert neighbour_cell(layout, first, "right") == (data.stages[1].id, data.lanes[0].id)
    assert neighbour_cell(layout, first, "down") == (data.stages[0].id, data.lanes[1].id)
    assert neighbour_cell(layout, first, "left") is None
    assert step_cell(layout, first) == (data.stages[1].id, data.lanes[0].id)
    last = (data.stages[-1].id, data.lanes[-1].id)
    assert step_cell(layout, last) == first  # Tab wraps around
    assert step_cell(layout, first, forward=False) == last
    a, b = data.notes[first]
    assert neighbour_note(layout, a.id, "right") == b.id
    assert neighbour_note(layout, b.id, "left") == a.id
    below = neighbour_note(layout, a.id, "down")
    assert layout.note_by_id[below].rect.y > layout.note_by_id[a.id].rect.y


def test_clipboard_round_trip_and_plain_text(demo, qapp):
    data = _data(demo)
    notes = data.all_notes()[:3]
    mime = notes_to_mime(notes)
    assert mime.hasFormat(NOTES_MIME)
    assert mime.text().splitlines() == [" ".join(n.text.split()) for n in notes]
    assert [n["text"] for n in notes_from_mime(mime)] == [n.text for n in notes]
    assert notes_from_mime(mime)[0]["colour"] == notes[0].colour
    plain = QMimeData()
    plain.setText("First idea\n\n  Second idea  \nThird")
    assert [n["text"] for n in notes_from_mime(plain)] == ["First idea", "Second idea", "Third"]
    broken = QMimeData()
    broken.setData(NOTES_MIME, b"{not json")
    broken.setText("fallback")
    assert notes_from_mime(broken) == [{"text": "fallback"}]
