"""CSV import/export at its edges, and the bulk `add_notes` op importers share."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from journey import ops
from journey.errors import InvalidEdit, NotFound
from journey.models import Note
from journey.queries import find_map, load_map

# -- ops.add_notes ------------------------------------------------------------------


def _cells(library, session):
    data = library.read(load_map, library.read(find_map, session.id, None).id)
    return data


def _texts(library, stage_id, lane_id):
    with library.session() as db:
        rows = db.exec(select(Note).where(Note.stage_id == stage_id, Note.lane_id == lane_id))
        rows = sorted(rows, key=lambda n: n.position)
        return [n.text for n in rows], [n.position for n in rows]


def test_add_notes_appends_in_order_after_existing_notes_with_dense_positions(demo):
    library, session = demo
    data = _cells(library, session)
    a, b = data.stages[0].id, data.stages[1].id
    lane = data.lanes[1].id
    before_a, _ = _texts(library, a, lane)
    before_b, _ = _texts(library, b, lane)
    items = [ops.NewNote(a, lane, "one"), ops.NewNote(b, lane, "two", {"author": "Ann"}),
             ops.NewNote(a, lane, "three", {"tags": "x, x ,y", "impact": 3})]
    notes = library.run(ops.add_notes, items)
    assert [n.text for n in notes] == ["one", "two", "three"]
    texts_a, pos_a = _texts(library, a, lane)
    texts_b, pos_b = _texts(library, b, lane)
    assert texts_a == before_a + ["one", "three"] and pos_a == list(range(len(texts_a)))
    assert texts_b == before_b + ["two"] and pos_b == list(range(len(texts_b)))
    with library.session() as db:
        three = db.get(Note, notes[2].id)
        assert (three.tags, three.impact) == ("x, y", 3)
        assert db.get(Note, notes[1].id).author == "Ann"


def test_add_notes_gives_the_same_note_as_add_note(demo):
    library, session = demo
    data = _cells(library, session)
    stage, lane = data.stages[2].id, data.lanes[3].id
    fields = {"tags": "b, a", "priority": "high", "status": "open", "effort": 2}
    single = library.run(ops.add_note, stage, lane, "same", **fields)
    (bulk,) = library.run(ops.add_notes, [ops.NewNote(stage, lane, "same", fields)])
    skip = {"id", "position", "created_at", "updated_at"}
    assert {k: v for k, v in bulk.model_dump().items() if k not in skip} == \
        {k: v for k, v in single.model_dump().items() if k not in skip}
    assert bulk.position == single.position + 1


def test_add_notes_keeps_given_times_and_ids(demo):
    library, session = demo
    data = _cells(library, session)
    item = ops.NewNote(data.stages[0].id, data.lanes[0].id, "old", created_at="2020-01-02T03:04:05.000Z",
                       updated_at="2021-01-02T03:04:05.000Z", note_id="fixed-id")
    (note,) = library.run(ops.add_notes, [item])
    with library.session() as db:
        row = db.get(Note, "fixed-id")
    assert (note.id, row.created_at, row.updated_at) == \
        ("fixed-id", "2020-01-02T03:04:05.000Z", "2021-01-02T03:04:05.000Z")


@pytest.mark.parametrize("fields, error", [
    ({"colour": "red"}, "colour 'red' is not #RRGGBB"),
    ({"impact": 6}, "impact must be 1 to 5"),
    ({"priority": "urgent"}, "priority must be one of"),
    ({"nope": 1}, "notes have no field 'nope'"),
    ({"text": "x" * 10_001}, "longer than 10,000"),
])
def test_add_notes_validates_like_add_note_and_writes_nothing_on_error(demo, fields, error):
    library, session = demo
    data = _cells(library, session)
    stage, lane = data.stages[0].id, data.lanes[0].id
    before = library.read(lambda db: len(list(db.exec(select(Note)))))
    text = fields.pop("text", "bad")
    items = [ops.NewNote(stage, lane, "fine"), ops.NewNote(stage, lane, text, fields)]
    with pytest.raises(InvalidEdit, match=error):
        library.run(ops.add_notes, items)
    with pytest.raises(InvalidEdit, match=error):
        library.run(ops.add_note, stage, lane, text, **fields)
    assert library.read(lambda db: len(list(db.exec(select(Note))))) == before


def test_add_notes_checks_cells(demo):
    library, session = demo
    data = _cells(library, session)
    other = library.run(ops.add_map, session.id, "Other")
    other_data = library.read(load_map, other.id)
    with pytest.raises(InvalidEdit, match="different maps"):
        library.run(ops.add_notes, [ops.NewNote(data.stages[0].id, other_data.lanes[0].id)])
    with pytest.raises(NotFound, match="stage nope not found"):
        library.run(ops.add_notes, [ops.NewNote("nope", data.lanes[0].id)])
    assert library.run(ops.add_notes, []) == []


def _statements(library, fn):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement.split()[0].upper())

    event.listen(library.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(library.engine, "before_cursor_execute", count)
    return seen


def test_add_notes_costs_the_same_statements_for_ten_or_five_hundred_notes(demo):
    """Linear time: no per-note read of the cell, no per-note flush."""
    library, session = demo
    data = _cells(library, session)
    cells = [(s.id, ln.id) for s in data.stages[:2] for ln in data.lanes[:2]]

    def run(n):
        items = [ops.NewNote(*cells[i % len(cells)], f"n{i}") for i in range(n)]
        return _statements(library, lambda: library.run(ops.add_notes, items))

    small, large = run(10), run(500)
    assert small.count("SELECT") == large.count("SELECT")
    assert len(large) <= len(small) + 2  # the inserts may be batched in a few statements
