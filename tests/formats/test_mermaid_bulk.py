"""A Mermaid import costs the same number of SQL statements for 20 tasks or 400
(linear time, not a read of the cell per note), and `add_curve_points`, the bulk
curve op it uses, behaves like a loop of `add_curve_point`."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event

from formats.mermaid import import_mermaid
from journey import ops
from journey.errors import InvalidEdit, NotFound
from journey.ops.curve_points_bulk import NewPoint, add_curve_points
from journey.queries import load_map, maps_of


def _statements(library, fn) -> list[str]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(library.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(library.engine, "before_cursor_execute", count)
    return seen


def _diagram(tasks: int, sections: int = 1) -> str:
    lines = ["journey", "  title Bulk"]
    for s in range(sections):
        lines.append(f"  section S{s}")
        lines += [f"    Task {s}.{i}: {1 + i % 5}: Ann, Bo" for i in range(tasks)]
    return "\n".join(lines) + "\n"


def test_import_costs_the_same_statements_for_20_or_400_tasks(library) -> None:
    small = _statements(library, lambda: library.run(import_mermaid, _diagram(20)))
    large = _statements(library, lambda: library.run(import_mermaid, _diagram(400)))
    assert len(large) <= len(small) + 4, (len(small), len(large))  # inserts may be batched


def test_import_of_many_tasks_keeps_their_order_and_scores(library) -> None:
    result = library.run(import_mermaid, _diagram(60, sections=3))
    data = library.read(load_map, result.map_id)
    actions = data.lanes[0]
    for s, stage in enumerate(data.stages):
        notes = data.notes[(stage.id, actions.id)]
        assert [n.text for n in notes] == [f"Task {s}.{i}" for i in range(60)]
        assert [n.position for n in notes] == list(range(60))
        points = [p for p in data.curves[0].points if p.stage_id == stage.id]
        assert [p.score for p in points] == [-3 + 1.5 * (i % 5) for i in range(60)]
    with sqlite3.connect(library.path) as conn:
        positions = conn.execute("SELECT stage_id, group_concat(position) FROM "
                                 "(SELECT * FROM curve_point ORDER BY position) "
                                 "GROUP BY stage_id").fetchall()
    assert all(p == ",".join(map(str, range(60))) for _, p in positions)


@pytest.fixture
def curve(demo):
    library, session = demo
    return library, library.read(load_map, library.read(maps_of, session.id)[0].id)


def test_add_curve_points_goes_after_the_existing_points(curve) -> None:
    library, data = curve
    line, stage = data.curves[0], data.stages[1]
    before = [p.id for p in line.points if p.stage_id == stage.id]
    added = library.run(add_curve_points, line.curve.id,
                        [NewPoint(stage.id, 1.0, "a"), NewPoint(data.stages[0].id, -1.0),
                         NewPoint(stage.id, 2.0, "b")])
    again = library.read(load_map, data.map.id).curves[0]
    mine = sorted((p for p in again.points if p.stage_id == stage.id), key=lambda p: p.position)
    assert [p.id for p in mine] == before + [added[0].id, added[2].id]
    assert [p.position for p in mine] == list(range(len(mine)))
    assert [(p.score, p.label) for p in mine[-2:]] == [(1.0, "a"), (2.0, "b")]


@pytest.mark.parametrize("bad, error", [
    (lambda d: NewPoint(d.stages[0].id, 9.0), "score 9 is outside the scale -3…3"),
    (lambda d: NewPoint("nope", 0.0), "stage nope not found"),
])
def test_add_curve_points_checks_every_point_before_writing(curve, bad, error) -> None:
    library, data = curve
    with sqlite3.connect(library.path) as conn:
        before = "\n".join(conn.iterdump())
    with pytest.raises((InvalidEdit, NotFound), match=error):
        library.run(add_curve_points, data.curves[0].curve.id,
                    [NewPoint(data.stages[0].id, 1.0), bad(data)])
    with sqlite3.connect(library.path) as conn:
        assert "\n".join(conn.iterdump()) == before


def test_add_curve_points_refuses_a_stage_of_another_map(demo) -> None:
    library, session = demo
    other = library.run(ops.add_map, session.id, "Future", template=None)
    stage = library.run(ops.add_stage, other.id, "Elsewhere")
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    with pytest.raises(InvalidEdit, match="the stage is not on this curve's map"):
        library.run(add_curve_points, data.curves[0].curve.id, [NewPoint(stage.id, 0.0)])
