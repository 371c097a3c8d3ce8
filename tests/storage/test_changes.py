"""Library.run gathers what every operation changed (journey.changes), on a real library."""

from __future__ import annotations

from journey import ops
from journey.changes import Changes, Committed
from journey.ops.curve_points_bulk import NewPoint, add_curve_points
from journey.ops.notes import NewNote
from journey.queries import first_map_id, load_map


def _setup(demo):
    library, session = demo
    told: list[Committed] = []
    library.subscribe(told.append)
    data = library.read(load_map, library.read(first_map_id, session.id))
    return library, session, data, told


def _last(told: list[Committed]) -> Changes:
    assert told and told[-1].changes, "an edit must name what it changed"
    return told[-1].changes


def test_notes_cells_and_initiator(demo):
    library, _session, data, told = _setup(demo)
    s0, s1, lane = data.stages[0].id, data.stages[1].id, data.lanes[0].id
    note = library.run(ops.add_note, s0, lane, "hello", initiator="me")
    assert told[-1].op == "add_note" and told[-1].initiator == "me"
    assert told[-1].result is note
    ch = _last(told)
    assert note.id in ch.notes and ch.cells == {(s0, lane)} and not ch.everything
    library.run(ops.move_note, note.id, s1, lane)
    ch = _last(told)
    assert note.id in ch.notes and {(s0, lane), (s1, lane)} <= ch.cells
    assert told[-1].initiator is None
    library.run(ops.edit_note, note.id, text="changed")
    assert _last(told).notes == {note.id} and _last(told).cells == {(s1, lane)}
    added = library.run(ops.add_notes, [NewNote(s0, lane, "a"), NewNote(s1, lane, "b")])
    ch = _last(told)
    assert {n.id for n in added} <= ch.notes and {(s0, lane), (s1, lane)} <= ch.cells
    snap = library.run(ops.delete_note, note.id)
    assert note.id in _last(told).notes and (s1, lane) in _last(told).cells
    library.run(ops.restore, snap)
    assert note.id in _last(told).notes


def test_structure_curves_votes(demo):
    library, session, data, told = _setup(demo)
    stage = library.run(ops.add_stage, data.map.id, "New stage")
    assert _last(told).stages == {stage.id}
    lane = library.run(ops.add_lane, data.map.id, "New lane")
    assert _last(told).lanes == {lane.id}
    library.run(ops.rename_stage, data.stages[0].id, "Renamed")
    assert _last(told).stages == {data.stages[0].id}
    curve = library.run(ops.add_curve, data.map.id, name="Feeling")
    assert _last(told).curves == {curve.id}
    library.run(ops.add_curve_point, curve.id, data.stages[0].id, 1)
    assert _last(told).curves == {curve.id}
    library.run(add_curve_points, curve.id, [NewPoint(data.stages[1].id, -1)])
    assert _last(told).curves == {curve.id}
    note = next(n for n in data.all_notes())
    library.run(ops.vote, note.id)
    assert note.id in _last(told).votes and not _last(told).notes
    library.run(ops.unvote, note.id)
    assert note.id in _last(told).votes


def test_session_people_parking_templates(demo):
    library, session, data, told = _setup(demo)
    library.run(ops.update_session, session.id, title="Renamed")
    assert _last(told).sessions == {session.id}
    library.run(ops.rename_map, data.map.id, "Another name")
    assert _last(told).maps == {data.map.id}
    person = library.run(ops.add_participant, session.id, "Ann")
    assert _last(told).participants == {person.id}
    persona = library.run(ops.add_persona, session.id, "Pat")
    assert persona.id in _last(told).personas
    parked = library.run(ops.park_note, session.id, "later")
    assert _last(told).parking == {parked.id}
    row = library.run(ops.save_map_as_template, data.map.id, "Mine")
    assert _last(told).templates == {row.id}
    library.run(ops.delete_map, data.map.id)
    assert _last(told).everything  # the cascade removed rows the session never saw


def test_outside_change_is_everything(demo):
    library, _session, _data, told = _setup(demo)
    library.notify("changed elsewhere")
    assert told[-1].changes.everything and told[-1].initiator is None
