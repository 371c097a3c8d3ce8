"""Named operations: ordering stays dense, deletes restore exactly, rules hold."""

from __future__ import annotations

import pytest
from sqlmodel import select

from journey import ops
from journey.errors import InvalidEdit, NotFound, WaymarkError
from journey.models import CurvePoint, Note, Vote
from journey.queries import find_map, find_session, load_map
from journey.templates import BUILTIN_TEMPLATES


def _data(library, session):
    return library.read(load_map, library.read(find_map, session.id, None).id)


def _cell_texts(library, stage_id, lane_id):
    with library.session() as db:
        rows = db.exec(select(Note).where(Note.stage_id == stage_id, Note.lane_id == lane_id))
        return [n.text for n in sorted(rows, key=lambda n: n.position)]


def _positions_dense(library):
    with library.session() as db:
        cells: dict = {}
        for n in db.exec(select(Note)):
            cells.setdefault((n.stage_id, n.lane_id), []).append(n.position)
    return all(sorted(p) == list(range(len(p))) for p in cells.values())


@pytest.mark.parametrize("spec", BUILTIN_TEMPLATES, ids=lambda s: s.name)
def test_templates_build_their_stages_and_lanes(library, spec):
    session = library.run(ops.create_session, "From template", template=spec.name)
    data = _data(library, session)
    assert [s.name for s in data.stages] == list(spec.stages)
    assert [(lane.name, lane.kind) for lane in data.lanes] == [(n, str(k)) for n, k in spec.lanes]
    assert len(data.curves) == 1


def test_unknown_template_is_a_clear_error(library):
    with pytest.raises(NotFound, match="no template named 'Nope'"):
        library.run(ops.create_session, "X", template="Nope")


def test_add_move_and_delete_keep_positions_dense(demo):
    library, session = demo
    data = _data(library, session)
    a, b = data.stages[0].id, data.stages[1].id
    lane = data.lanes[1].id
    first = library.run(ops.add_note, a, lane, "first", index=0)
    assert _cell_texts(library, a, lane)[0] == "first"
    old = library.run(ops.move_note, first.id, b, lane, 1)
    assert old == (a, lane, 0)
    assert _cell_texts(library, b, lane)[1] == "first"
    assert "first" not in _cell_texts(library, a, lane)
    assert _positions_dense(library)
    library.run(ops.move_note, first.id, *old)
    assert _cell_texts(library, a, lane)[0] == "first"
    assert _positions_dense(library)


def test_delete_note_restores_with_votes(demo):
    library, session = demo
    data = _data(library, session)
    voted = max(data.all_notes(), key=lambda n: len(data.votes.get(n.id, [])))
    cell = _cell_texts(library, voted.stage_id, voted.lane_id)
    snap = library.run(ops.delete_note, voted.id)
    assert voted.text not in _cell_texts(library, voted.stage_id, voted.lane_id)
    library.run(ops.restore, snap)
    assert _cell_texts(library, voted.stage_id, voted.lane_id) == cell
    again = _data(library, session)
    assert again.votes[voted.id] == data.votes[voted.id]


def test_delete_stage_with_notes_and_curve_points_restores(demo):
    library, session = demo
    data = _data(library, session)
    stage = data.stages[3]
    before_notes = len(data.all_notes())
    snap = library.run(ops.delete_stage, stage.id)
    after = _data(library, session)
    assert [s.name for s in after.stages] == [s.name for s in data.stages if s.id != stage.id]
    assert len(after.all_notes()) < before_notes
    with library.session() as db:
        assert db.exec(select(CurvePoint).where(CurvePoint.stage_id == stage.id)).all() == []
    library.run(ops.restore, snap)
    back = _data(library, session)
    assert [s.name for s in back.stages] == [s.name for s in data.stages]
    assert len(back.all_notes()) == before_notes
    assert [p.score for p in back.curves[0].points] == [p.score for p in data.curves[0].points]


def test_reorder_and_rename_stage_and_lane(demo):
    library, session = demo
    data = _data(library, session)
    library.run(ops.move_stage, data.stages[0].id, 4)
    library.run(ops.rename_lane, data.lanes[0].id, "Channels & touchpoints")
    library.run(ops.set_lane_kind, data.lanes[0].id, "channels")
    after = _data(library, session)
    assert after.stages[-1].name == "Awareness"
    assert [s.position for s in after.stages] == list(range(5))
    assert (after.lanes[0].name, after.lanes[0].kind) == ("Channels & touchpoints", "channels")


@pytest.mark.parametrize("call, message", [
    (lambda lib, d: lib.run(ops.rename_stage, d.stages[0].id, "   "), "stage name cannot be empty"),
    (lambda lib, d: lib.run(ops.set_lane_kind, d.lanes[0].id, "feels"), "unknown lane kind"),
    (lambda lib, d: lib.run(ops.add_note, d.stages[0].id, d.lanes[0].id, "x" * 10_001),
     "longer than 10,000"),
    (lambda lib, d: lib.run(ops.edit_note, d.all_notes()[0].id, impact=9), "impact must be 1 to 5"),
    (lambda lib, d: lib.run(ops.edit_note, d.all_notes()[0].id, colour="red"), "is not #RRGGBB"),
    (lambda lib, d: lib.run(ops.set_curve_point, d.curves[0].points[0].id, score=7),
     "outside the scale"),
    (lambda lib, d: lib.run(ops.move_note, "nope", d.stages[0].id, d.lanes[0].id), "not found"),
])
def test_bad_edits_fail_with_one_line_and_change_nothing(demo, call, message):
    library, session = demo
    data = _data(library, session)
    with pytest.raises(WaymarkError, match=message) as info:
        call(library, data)
    assert "\n" not in str(info.value)
    assert _data(library, session).all_notes() == data.all_notes()


def test_vote_budget_is_enforced(demo):
    library, session = demo
    data = _data(library, session)
    with library.session() as db:
        from journey.models import Participant
        amira = db.exec(select(Participant).where(Participant.name == "Amira")).one()
        voted_on = db.exec(select(Vote).where(Vote.participant_id == amira.id)).first().note_id
    used = library.read(ops.votes_used, amira.id)
    note = data.all_notes()[0]
    for _ in range(amira.vote_budget - used):
        library.run(ops.vote, note.id, amira.id)
    with pytest.raises(InvalidEdit, match="no votes left"):
        library.run(ops.vote, note.id, amira.id)
    assert library.run(ops.unvote, note.id, amira.id) is None  # she has no dot there
    assert library.run(ops.unvote, voted_on, amira.id) is not None
    library.run(ops.vote, note.id, amira.id)
    with library.session() as db:
        assert len(db.exec(select(Vote).where(Vote.participant_id == amira.id)).all()) == 3


def test_changing_scale_maps_scores(demo):
    library, session = demo
    data = _data(library, session)
    library.run(ops.set_map_scale, data.map.id, 1, 5)
    after = _data(library, session)
    assert (after.map.scale_min, after.map.scale_max) == (1, 5)
    assert [p.score for p in after.curves[0].points] == [
        pytest.approx(1 + (p.score + 3) / 6 * 4) for p in data.curves[0].points]


def test_find_session_by_id_title_and_prefix(demo):
    library, session = demo
    assert library.read(find_session, session.id).id == session.id
    assert library.read(find_session, "coffee SUBSCRIPTION").id == session.id
    assert library.read(find_session, session.id[:8]).id == session.id
    library.run(ops.create_session, "Coffee subscription")
    with pytest.raises(WaymarkError, match="2 sessions are titled"):
        library.read(find_session, "Coffee subscription")
    with pytest.raises(NotFound):
        library.read(find_session, "Tea")


def test_duplicate_map_copies_everything(demo):
    library, session = demo
    data = _data(library, session)
    copy = library.run(ops.duplicate_map, data.map.id, "Future state")
    dup = library.read(load_map, copy.id)
    assert [s.name for s in dup.stages] == [s.name for s in data.stages]
    assert sorted(n.text for n in dup.all_notes()) == sorted(n.text for n in data.all_notes())
    assert [p.score for p in dup.curves[0].points] == [p.score for p in data.curves[0].points]
    assert not {n.id for n in dup.all_notes()} & {n.id for n in data.all_notes()}
