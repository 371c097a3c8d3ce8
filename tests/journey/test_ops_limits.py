"""Every free-text field has the same limit in every way into a library.

The JSON import refuses an over-long author or curve name (formats/session_json_models);
the operations the window and the CLI call must refuse the same, in one line, and
write nothing."""

from __future__ import annotations

import pytest

from journey import ops
from journey.errors import InvalidEdit
from journey.limits import MAX_NAME, MAX_TAGS
from journey.queries import load_map, maps_of
from storage import Library

LONG = "x" * (MAX_NAME + 1)


@pytest.fixture
def opened(tmp_path):
    lib = Library(tmp_path / "lib.sqlite")
    session = lib.run(ops.create_session, "Limits")
    data = lib.read(load_map, lib.read(maps_of, session.id)[0].id)
    yield lib, session, data
    lib.close()


def _refused(lib, op, *args, **kwargs) -> str:
    with pytest.raises(InvalidEdit) as info:
        lib.run(op, *args, **kwargs)
    message = str(info.value)
    assert "\n" not in message and len(message) < 200
    return message


def test_note_author_owner_and_tags_have_the_imports_limits(opened):
    lib, _session, data = opened
    stage, lane = data.stages[0].id, data.lanes[0].id
    assert "author" in _refused(lib, ops.add_note, stage, lane, "hi", author=LONG)
    assert "owner" in _refused(lib, ops.add_note, stage, lane, "hi", owner=LONG)
    assert "tag" in _refused(lib, ops.add_note, stage, lane, "hi", tags=[LONG])
    many = [f"t{i}" for i in range(MAX_TAGS + 1)]
    assert "tags" in _refused(lib, ops.add_note, stage, lane, "hi", tags=many)
    note = lib.run(ops.add_note, stage, lane, "hi", author="Ana", tags=["a", "b"])
    assert "author" in _refused(lib, ops.edit_note, note.id, author=LONG)
    assert "owner" in _refused(lib, ops.add_notes, [ops.NewNote(stage, lane, "bulk",
                                                                fields={"owner": LONG})])


def test_parked_note_author_has_the_imports_limit(opened):
    lib, session, _data = opened
    assert "author" in _refused(lib, ops.park_note, session.id, "later", author=LONG)
    parked = lib.run(ops.park_note, session.id, "later", author="Ana")
    assert "author" in _refused(lib, ops.edit_parked_note, parked.id, author=LONG)


def test_curve_name_and_point_label_have_the_imports_limits(opened):
    lib, _session, data = opened
    assert "name" in _refused(lib, ops.add_curve, data.map.id, None, LONG)
    curve = lib.run(ops.add_curve, data.map.id, None, "Mood")
    stage = data.stages[0].id
    assert "label" in _refused(lib, ops.add_curve_point, curve.id, stage, 0, LONG)
    point = lib.run(ops.add_curve_point, curve.id, stage, 0, "fine")
    assert "label" in _refused(lib, ops.set_curve_point, point.id, label=LONG)
