"""The layout is pure and deterministic; notes never overlap, stay in their cells,
and every text line fits its note."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journey.layout import Style, layout_map
from journey.models import (
    Curve,
    CurvePoint,
    JourneyMap,
    Lane,
    LaneKind,
    Note,
    Persona,
    Session,
    Stage,
)
from journey.queries import CurveData, MapData, find_map, load_map
from journey.text import fit_text, wrap

WORDS = ["coffee", "checkout", "Überraschung", "доставка", "καφές", "送料が高い", "订阅",
         "a", "https://example.com/a/very/long/path/that/never/breaks", "😀", "pause",
         "surprise fee", "\n", "x" * 60]

texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=40).map(" ".join)


@st.composite
def map_data(draw) -> MapData:
    session = Session(id="s", title=draw(st.sampled_from(["Workshop", "Ünïcödé " * 12])))
    jmap = JourneyMap(id="m", session_id="s", name="Current state")
    n_stages = draw(st.integers(1, 7))
    stages = [Stage(id=f"st{i}", map_id="m", name=draw(st.sampled_from(WORDS[:8])) or "S",
                    position=i, width=draw(st.sampled_from([None, 120.0, 181.5, 400.0])))
              for i in range(n_stages)]
    kinds = list(LaneKind)
    lanes = [Lane(id=f"l{i}", map_id="m", name=f"Lane {i}", kind=draw(st.sampled_from(kinds)),
                  position=i, collapsed=draw(st.booleans()) and draw(st.booleans()))
             for i in range(draw(st.integers(1, 7)))]
    notes: dict = {}
    k = 0
    for s in stages:
        for lane in lanes:
            cell = []
            for p in range(draw(st.integers(0, 7))):
                cell.append(Note(id=f"n{k}", map_id="m", stage_id=s.id, lane_id=lane.id,
                                 position=p, text=draw(texts)))
                k += 1
            if cell:
                notes[(s.id, lane.id)] = cell
    votes = {nid: ["#D55E00"] * draw(st.integers(0, 40))
             for nid in [n.id for c in notes.values() for n in c][:5]}
    curve = Curve(id="c", map_id="m", name="Maya")
    points = [CurvePoint(id=f"p{i}", curve_id="c", stage_id=s.id, position=0,
                         score=draw(st.integers(-3, 3)), label=draw(st.sampled_from(["", "low", "送料"])))
              for i, s in enumerate(stages)]
    persona = Persona(id="pe", session_id="s", name="Maya")
    return MapData(session, jmap, persona, stages, lanes, notes, votes,
                   [CurveData(curve, points)], {"pe": persona})


def _check(layout, style: Style) -> None:
    cells = {(c.stage_id, c.lane_id): c.rect for c in layout.cells}
    notes = layout.notes
    for i, a in enumerate(notes):
        assert cells[(a.stage_id, a.lane_id)].contains(a.rect), a.id
        assert layout.bounds.contains(a.rect)
        for b in notes[i + 1:]:
            assert not a.rect.intersects(b.rect), (a.id, b.id)
        for line in a.lines:
            assert line.width <= a.rect.w - 2 * style.note_pad + 1e-6, line
            assert a.rect.y < line.baseline <= a.rect.bottom
        for d in a.dots:
            assert a.rect.contains(type(a.rect)(d.cx - d.r, d.cy - d.r, 2 * d.r, 2 * d.r))
    cell_list = list(cells.values())
    for i, a in enumerate(cell_list):
        for b in cell_list[i + 1:]:
            assert not a.intersects(b)
    for curve in layout.curves:
        area = layout.scales[0].area
        for p in curve.points:
            assert area.y - 1e-6 <= p.y <= area.bottom + 1e-6


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(map_data())
def test_layout_invariants(data):
    style = Style()
    layout = layout_map(data, style)
    _check(layout, style)
    shown = sum(len(v) for (s, lid), v in data.notes.items()
                if not next(lane for lane in data.lanes if lane.id == lid).collapsed)
    assert len(layout.notes) == shown
    assert layout_map(data, style) == layout  # deterministic


def test_lane_grows_to_fit_the_fullest_cell(demo):
    library, session = demo
    data = library.read(load_map, library.read(find_map, session.id, None).id)
    layout = layout_map(data)
    by_lane = {lane.id: lane.rect.h for lane in layout.lanes}
    for lane in data.lanes:
        fullest = max(len(data.notes.get((s.id, lane.id), [])) for s in data.stages)
        rows = -(-fullest // 2)  # two notes per row at the default stage width
        needed = 2 * 10 + rows * 80 + max(0, rows - 1) * 8
        if lane.kind != LaneKind.EMOTION:
            assert by_lane[lane.id] == max(100, needed)
    _check(layout, layout.style)


def test_demo_layout_is_complete(demo):
    library, session = demo
    data = library.read(load_map, library.read(find_map, session.id, None).id)
    layout = layout_map(data)
    assert len(layout.notes) == 44
    assert [h.lines[0].text for h in layout.stages] == [s.name for s in data.stages]
    assert layout.title.lines[0].text == "Coffee subscription"
    assert len(layout.curves) == 1 and len(layout.curves[0].segments) == 4
    assert {p.label.text for p in layout.curves[0].points if p.label} >= {"Curious"}
    stored = {n.id: n for n in data.all_notes()}
    for note in layout.notes:  # demo notes are short: nothing is cut
        assert note.colour == stored[note.id].colour  # voted notes keep their own colour
        assert not note.truncated
        assert " ".join(line.text for line in note.lines) == " ".join(note.text.split())


def test_fit_text_shrinks_then_cuts_with_ellipsis():
    short = fit_text("Short note", 98, 68, 10, 6)
    assert short.size == 10 and not short.truncated
    medium = fit_text(" ".join(["words"] * 20), 98, 68, 10, 6)
    assert 6 <= medium.size < 10 and not medium.truncated
    huge = fit_text("long " * 400, 98, 68, 10, 6)
    assert huge.size == 6 and huge.truncated and huge.lines[-1].endswith("…")


def test_wrap_keeps_newlines_and_splits_long_words():
    assert wrap("one\ntwo", 200, 10) == ["one", "two"]
    lines = wrap("x" * 100, 50, 10)
    assert "".join(lines) == "x" * 100 and len(lines) > 1


def test_labels_of_two_curves_do_not_collide(demo):
    from journey import ops

    library, session = demo
    data = library.read(load_map, library.read(find_map, session.id, None).id)
    leo = library.run(ops.add_persona, session.id, "Leo")
    curve = library.run(ops.add_curve, data.map.id, leo.id)
    for stage, first in zip(data.stages, data.curves[0].points, strict=True):
        library.run(ops.add_curve_point, curve.id, stage.id, first.score, "Same place too")
    layout = layout_map(library.read(load_map, data.map.id))
    from journey.layout import label_rect

    rects = [label_rect(p.label) for c in layout.curves for p in c.points if p.label]
    assert len(rects) == 10
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b), (a, b)



def test_a_word_joiner_stays_in_its_words_run():
    """U+2060 is drawn as nothing: a Hebrew word joined by it stays one run of the Hebrew
    face (shaped as one), as Qt's fallback (paint.font_fallback) reads the same set."""
    from journey import fonts

    runs = fonts.runs("\u05e9\u05dc\u05d5\u05dd\u2060\u05e2\u05d5\u05dc\u05dd")
    assert len(runs) == 1, runs
    assert fonts.metrics().width("ab\u2060cd", 12) == fonts.metrics().width("abcd", 12)
