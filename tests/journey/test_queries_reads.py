"""The reads moved into `journey.queries` from ui/ and export/ (issue 11, item 4),
each on a real SQLite library holding the demo session."""

from __future__ import annotations

from pathlib import Path

import pytest

from journey import ops
from journey.demo import PARTICIPANTS, add_demo_session
from journey.errors import NotFound
from journey.models import Participant
from journey.queries import (
    first_map_id,
    latest_round,
    load_map,
    map_session_id,
    maps_of,
    parked_notes,
    participants_of,
    personas_of,
    rounds_of,
    thumbnail_rows,
    visible_votes,
    voter_names,
)
from storage import Library


@pytest.fixture
def demo(tmp_path: Path):
    library = Library(tmp_path / "lib.waymark")
    session = library.run(add_demo_session)
    map_id = library.read(lambda db: maps_of(db, session.id)[0].id)
    return library, session.id, map_id


def test_first_map_is_the_lowest_position_and_none_without_maps(demo):
    library, sid, map_id = demo
    assert library.read(first_map_id, sid) == map_id
    second = library.run(ops.add_map, sid, "Future state", template=None)
    library.run(ops.move_map, second.id, 0)
    assert library.read(first_map_id, sid) == second.id
    empty = library.run(ops.create_session, "Empty", template=None, map_name=None)
    assert library.read(first_map_id, empty.id) is None


def test_map_session_id_and_a_missing_map(demo):
    library, sid, map_id = demo
    assert library.read(map_session_id, map_id) == sid
    with pytest.raises(NotFound):
        library.read(map_session_id, "no-such-map")


def test_people_in_their_order_and_the_votes_legend(demo):
    library, sid, _ = demo
    names = [p.name for p in library.read(participants_of, sid)]
    assert names == [n for n, _c, _b in PARTICIPANTS]
    amira = library.read(participants_of, sid)[0]
    library.run(lambda db: setattr(db.get(Participant, amira.id), "position", 99))
    assert [p.name for p in library.read(participants_of, sid)][-1] == "Amira"
    assert library.read(voter_names, sid) == {c: n for n, c, _b in PARTICIPANTS}
    assert list(library.read(voter_names, sid).values())[-1] == "Amira"
    assert [p.name for p in library.read(personas_of, sid)] == ["Maya, the busy commuter"]
    library.run(ops.add_persona, sid, "Omar, the gift buyer")
    assert [p.name for p in library.read(personas_of, sid)][-1] == "Omar, the gift buyer"


def test_rounds_in_order_with_their_dot_counts_and_the_latest(demo):
    library, sid, map_id = demo
    assert library.read(rounds_of, map_id) == []
    assert library.read(latest_round, map_id) is None
    first = library.run(ops.start_round, map_id, "First")
    second = library.run(ops.start_round, map_id, "Second")
    people = library.read(participants_of, sid)
    note = library.read(load_map, map_id).all_notes()[0]
    library.run(ops.cast_vote, first.id, note.id, people[0].id)
    library.run(ops.cast_vote, first.id, note.id, people[1].id)
    got = [(r.name, n) for r, n in library.read(rounds_of, map_id)]
    assert got == [("First", 2), ("Second", 0)]
    assert library.read(latest_round, map_id) == second.id


def test_visible_votes_hide_the_totals_of_an_open_round(demo):
    library, sid, map_id = demo
    assert library.read(visible_votes, map_id, None, None) is None  # nothing hidden
    rnd = library.run(ops.start_round, map_id, "Hidden", hide_totals=True)
    amira, ben = library.read(participants_of, sid)[:2]
    note = library.read(load_map, map_id).all_notes()[0]
    library.run(ops.cast_vote, rnd.id, note.id, amira.id)
    library.run(ops.cast_vote, rnd.id, note.id, ben.id)
    mine = library.read(visible_votes, map_id, rnd.id, amira.id)
    assert mine == {note.id: [amira.colour]}
    outside = library.read(visible_votes, map_id, None, None)
    demo_dots = library.read(load_map, map_id).votes  # every dot, the round's included
    assert sum(map(len, outside.values())) == sum(map(len, demo_dots.values())) - 2
    library.run(ops.set_round_status, rnd.id, "closed")
    assert library.read(visible_votes, map_id, rnd.id, amira.id) == {
        note.id: [amira.colour, ben.colour]}


def test_parked_notes_in_their_order(demo):
    library, sid, _ = demo
    assert library.read(parked_notes, sid) == []
    library.run(ops.park_note, sid, "later")
    library.run(ops.park_note, sid, "first", index=0)
    assert [p.text for p in library.read(parked_notes, sid)] == ["first", "later"]


def test_thumbnail_rows_follow_what_the_thumbnail_shows(demo):
    library, sid, map_id = demo
    rows = library.read(thumbnail_rows, map_id)
    data = library.read(load_map, map_id)
    assert len(rows) == 6
    assert rows[0] == [(data.map.name, data.map.scale_min, data.map.scale_max,
                        data.map.persona_id, data.session.title)]
    assert [r[0] for r in rows[1]] == sorted(s.id for s in data.stages)
    assert len(rows[3]) == len(data.all_notes())
    assert len(rows[5]) == sum(map(len, data.votes.values()))
    note = data.all_notes()[0]
    library.run(ops.edit_note, note.id, colour="#E69F00")
    assert library.read(thumbnail_rows, map_id)[3] != rows[3]
    library.run(ops.update_session, sid, facilitator="Someone else")  # not drawn
    assert library.read(thumbnail_rows, map_id)[:3] == rows[:3]
