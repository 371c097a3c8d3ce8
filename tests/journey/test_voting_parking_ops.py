"""Voting rounds and the parking lot at the operation level (schema v3)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from journey import ops
from journey.errors import InvalidEdit
from journey.models import Note, ParkedNote, Participant, Vote
from journey.queries import find_map, load_map


def _setup(demo):
    library, session = demo
    data = library.read(load_map, library.read(find_map, session.id, None).id)
    with library.session() as db:
        people = sorted(db.exec(select(Participant).where(
            Participant.session_id == session.id)), key=lambda p: p.position)
    return library, session, data, people


def test_round_enforces_budget_cap_lanes_and_status(demo):
    library, session, data, people = _setup(demo)
    pains = next(lane for lane in data.lanes if lane.kind == "pain_points")
    pain_notes = [n for n in data.all_notes() if n.lane_id == pains.id]
    other = next(n for n in data.all_notes() if n.lane_id != pains.id)
    rnd = library.run(ops.start_round, data.map.id, "Biggest pains", 3, cap_per_note=2,
                      lane_ids=[pains.id])
    amira = people[0]
    library.run(ops.cast_vote, rnd.id, pain_notes[0].id, amira.id)
    library.run(ops.cast_vote, rnd.id, pain_notes[0].id, amira.id)
    with pytest.raises(InvalidEdit, match="already put 2 votes"):
        library.run(ops.cast_vote, rnd.id, pain_notes[0].id, amira.id)
    with pytest.raises(InvalidEdit, match="not part of Biggest pains"):
        library.run(ops.cast_vote, rnd.id, other.id, amira.id)
    library.run(ops.cast_vote, rnd.id, pain_notes[1].id, amira.id)
    with pytest.raises(InvalidEdit, match="no votes left"):
        library.run(ops.cast_vote, rnd.id, pain_notes[2].id, amira.id)
    library.run(ops.retract_vote, rnd.id, pain_notes[1].id, amira.id)
    library.run(ops.cast_vote, rnd.id, pain_notes[2].id, people[1].id)
    results = library.read(ops.round_results, rnd.id)
    assert [(text, n) for _, text, n in results["ranked"]] == [
        (pain_notes[0].text, 2), (pain_notes[2].text, 1)]
    assert results["remaining"][amira.id] == 1 and results["remaining"][people[1].id] == 2
    library.run(ops.set_round_status, rnd.id, "revealed")
    with pytest.raises(InvalidEdit, match="reopen it"):
        library.run(ops.cast_vote, rnd.id, pain_notes[1].id, amira.id)
    library.run(ops.set_round_status, rnd.id, "open")  # rounds can be reopened
    library.run(ops.cast_vote, rnd.id, pain_notes[1].id, amira.id)
    snap = library.run(ops.delete_round, rnd.id)
    with library.session() as db:
        assert db.exec(select(Vote).where(Vote.round_id == rnd.id)).all() == []
    library.run(ops.restore, snap)
    assert len(library.read(ops.round_results, rnd.id)["ranked"]) == 3


def test_parking_lot_round_trip(demo):
    library, session, data, _ = _setup(demo)
    parked = library.run(ops.park_note, session.id, "Loyalty app?", author="Ben")
    second = library.run(ops.park_note, session.id, "Gift subscriptions", index=0)
    with library.session() as db:
        lot = sorted(db.exec(select(ParkedNote)), key=lambda p: p.position)
    assert [p.text for p in lot] == ["Gift subscriptions", "Loyalty app?"]
    stage, lane = data.stages[4], data.lanes[6]
    note, snap = library.run(ops.place_parked_note, parked.id, stage.id, lane.id, 0)
    with library.session() as db:
        placed = db.get(Note, note.id)
        assert (placed.stage_id, placed.lane_id, placed.position, placed.author) == (
            stage.id, lane.id, 0, "Ben")
        assert db.get(ParkedNote, parked.id) is None
    back, note_snap = library.run(ops.park_existing_note, note.id, 1, parked_id=parked.id)
    with library.session() as db:
        assert db.get(Note, note.id) is None
        lot = sorted(db.exec(select(ParkedNote)), key=lambda p: p.position)
    assert [p.id for p in lot] == [second.id, parked.id]
    library.run(ops.delete_parked_note, second.id)
    with library.session() as db:
        assert [p.position for p in db.exec(select(ParkedNote))] == [0]
