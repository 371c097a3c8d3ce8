"""Model-based test of editing: the oracle of the incremental edit path (issue 12).

A long random sequence of edits through the real window's edit path — notes, stages,
lanes, curve points and curves, the scale, dot-voting rounds and votes, undo and redo
(tests/ui/model_ops.py) — checking after EVERY step that

- the in-memory map equals a fresh reload from the SQLite file through a second
  Library (with the dots the voting rules let the canvas show),
- the window's whole layout equals a full layout of that reload (title, stages,
  lanes, cells, notes, curves, scales, legend, size),
- the scene's items are exactly the layout's elements, id for id, with no orphans.

The seed is `SEED`, or WAYMARK_ORACLE_SEED to try others.
"""

from __future__ import annotations

import dataclasses
import os
import random
import sqlite3
import time
from collections import Counter
from typing import Any

import pytest
from PySide6.QtCore import QRectF, QSettings
from shiboken6 import isValid
from sqlalchemy import func, select

from canvas.cell_item import CellItem
from canvas.curve_item import CurveItem, CurvePointItem, ScaleItem, ScaleLabelsItem
from canvas.header_items import LaneHeaderItem, StageHeaderItem, TitleItem
from canvas.legend_item import LegendItem
from canvas.note_item import NoteItem
from journey import ops
from journey.layout import MapLayout, Style, layout_map
from journey.models import Note, Participant, Vote, VoteRound
from journey.queries import MapData, first_map_id, load_map
from paint.qt_paint import qrect
from storage import Library
from ui.main_window import MainWindow
from ui.voting.voting import VOTING_DOT_R

from .model_ops import Runner

SEED = int(os.environ.get("WAYMARK_ORACLE_SEED") or 20261124)
OPERATIONS = 2000


def snapshot_of(data: MapData) -> dict:
    """Everything the user can see of a map, in a comparable form."""
    return {
        "title": (data.session.title, data.map.name, data.map.persona_id,
                  data.persona.name if data.persona else None),
        "personas": sorted((p.id, p.name, p.colour) for p in data.personas.values()),
        "stages": [(s.id, s.name, s.width, s.position) for s in data.stages],
        "lanes": [(ln.id, ln.name, ln.kind, ln.collapsed, ln.position) for ln in data.lanes],
        "notes": {k: [(n.id, n.text, n.colour, n.tags, n.author, n.position) for n in v]
                  for k, v in sorted(data.notes.items()) if v},
        "votes": {k: list(v) for k, v in sorted(data.votes.items()) if v},
        "curves": [(c.curve.id, c.curve.name, c.curve.colour, c.curve.persona_id,
                    c.curve.position, [(p.id, p.stage_id, p.score, p.label, p.position)
                                       for p in c.points])
                   for c in data.curves],
        "scale": (data.map.scale_min, data.map.scale_max),
    }


def shown_dots(other: Library, window: MainWindow) -> dict[str, list[str]]:
    """The dots the canvas should show, from the rules (ui/voting/voting.py): while a
    round's totals are hidden only the active voter's dots of it; during a round only
    that round's dots; outside voting every dot but those of still-hidden rounds."""
    voting, map_id = window.workshop.voting, window.doc.map_id
    active = voting.round_id if voting.state is not None and \
        voting.state.round.map_id == map_id else None
    voter = voting.participant_id
    vt, nt, rt, pt = (m.__table__ for m in (Vote, Note, VoteRound, Participant))
    with other.session() as db:
        conn = db.connection()
        rounds = {rid: (status, hide) for rid, status, hide in conn.execute(
            select(rt.c.id, rt.c.status, rt.c.hide_totals).where(rt.c.map_id == map_id))}
        colours = dict(conn.execute(select(pt.c.id, pt.c.colour).where(
            pt.c.session_id == window.doc.data.session.id)).all())
        rows = conn.execute(select(vt.c.note_id, vt.c.participant_id, vt.c.round_id)
                            .join(nt, nt.c.id == vt.c.note_id).where(nt.c.map_id == map_id)
                            .order_by(vt.c.created_at, vt.c.id)).all()
    hidden = {rid for rid, (status, hide) in rounds.items() if status == "open" and hide}
    dots: dict[str, list[str]] = {}
    for note_id, pid, rid in rows:
        show = (rid == active and (rid not in hidden or pid == voter)) if active else \
            rid not in hidden
        if show:
            dots.setdefault(note_id, []).append(colours.get(pid or "", "#333333"))
    return dots


def first_difference(a: Any, b: Any, path: str = "") -> str:
    """Where two layout parts first differ ("notes[ab12].rect.h: 120 != 132"), for
    failure messages that say what differs without a screenful of dataclasses."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}"
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if x != y:
                return first_difference(x, y, f"{path}.{f.name}")
    elif isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{path}: keys only left {sorted(map(str, a.keys() - b.keys()))}, " \
                   f"only right {sorted(map(str, b.keys() - a.keys()))}"
        for k in a:
            if a[k] != b[k]:
                return first_difference(a[k], b[k], f"{path}[{str(k)[:8]}]")
    elif isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {a!r:.200} != {b!r:.200}"


def same(a: Any, b: Any, at: tuple, what: str) -> None:
    if a != b:
        raise AssertionError((*at, what, first_difference(a, b, what)))


def by_id(elements: list[Any], key: str = "id") -> dict[Any, Any]:
    return {getattr(e, key): e for e in elements}


def cell_key(c: Any) -> tuple[str, str]:
    return (c.stage_id, c.lane_id)


def check_layout(layout: MapLayout, full: MapLayout, at: tuple) -> None:
    """The window's layout is the full layout of the reload, part by part."""
    same(layout.title, full.title, at, "title")
    for part in ("stages", "lanes", "curves"):
        mine, theirs = getattr(layout, part), getattr(full, part)
        same(by_id(mine), by_id(theirs), at, part)
        same([e.id for e in mine], [e.id for e in theirs], at, f"{part} order")
    same({cell_key(c): c for c in layout.cells}, {cell_key(c): c for c in full.cells}, at,
         "cells")
    same(by_id(layout.scales, "lane_id"), by_id(full.scales, "lane_id"), at, "scales")
    same(by_id(layout.legend, "curve_id"), by_id(full.legend, "curve_id"), at, "legend")
    same([e.curve_id for e in layout.legend], [e.curve_id for e in full.legend], at,
         "legend order")
    same(by_id(layout.notes), by_id(full.notes), at, "notes")
    same(layout.note_by_id, full.note_by_id, at, "note_by_id")
    by_cell = getattr(layout, "by_cell", None)  # the incremental layout's notes per cell
    if by_cell is not None:
        cells: dict[tuple[str, str], list[Any]] = {}
        for box in full.notes:
            cells.setdefault(cell_key(box), []).append(box)
        same({k: list(v) for k, v in by_cell.items() if v}, cells, at, "by_cell")
    same((layout.width, layout.height, layout.style), (full.width, full.height, full.style),
         at, "size and style")


def check_scene(window: MainWindow, full: MapLayout, at: tuple) -> None:
    """Every scene item shows its element of the full layout; no item is left over."""
    scene = window.scene
    assert scene.layout is window.layout or scene.layout == window.layout, (*at, "scene layout")
    n = len(full.stages)
    same({k: i.element for k, i in scene.stages.items()},
         {h.id: (h, i, n) for i, h in enumerate(full.stages)}, at, "stage items")
    same({k: i.element for k, i in scene.lanes.items()}, by_id(full.lanes), at, "lane items")
    odd = {h.id: i % 2 == 1 for i, h in enumerate(full.lanes)}
    same({k: i.element for k, i in scene.cells.items()},
         {cell_key(c): (c, odd[c.lane_id]) for c in full.cells}, at, "cell items")
    scales = by_id(full.scales, "lane_id")
    same({k: i.element for k, i in scene.scales.items()}, scales, at, "scale items")
    same({k: i.element for k, i in scene.scale_labels.items()}, scales, at,
         "scale label items")
    same({k: i.element for k, i in scene.legend.items()}, by_id(full.legend, "curve_id"), at,
         "legend items")
    assert scene.title is not None, (*at, "title item")
    same(scene.title.element, full.title, at, "title item")
    curves = by_id(full.curves)
    same({k: i.curve for k, i in scene.curves.items()}, curves, at, "curve items")
    n_points = 0
    for curve_id, item in scene.curves.items():
        shape = curves[curve_id]
        same({k: p.element for k, p in item.points.items()},
             {p.id: (p, shape.colour) for p in shape.points}, at, "point items")
        assert all(p.parentItem() is item for p in item.points.values()), (*at, "point parent")
        n_points += len(shape.points)
    same(scene.sceneRect(), qrect(full.bounds), at, "scene rect")

    expected = by_id(full.notes)
    items: Counter[type] = Counter()
    for item in scene.items():
        items[type(item)] += 1
        if isinstance(item, NoteItem):
            box = expected.get(item.note_id)
            assert box is not None, (*at, "a note item without a note", item.note_id)
            assert scene.notes[item.note_id] is item, (*at, "note item table")
            same(item.note, box, at, "note item")
            same((item.pos().x(), item.pos().y()), (box.rect.x, box.rect.y), at, "note pos")
            same(item.note_rect(), QRectF(0, 0, box.rect.w, box.rect.h), at, "note rect")
            same((item.zValue(), item.opacity()), (2.0, 1.0), at, "note z, opacity")
    counts = {NoteItem: len(expected), StageHeaderItem: len(full.stages),
              LaneHeaderItem: len(full.lanes), CellItem: len(full.cells),
              CurveItem: len(full.curves), CurvePointItem: n_points,
              ScaleItem: len(full.scales), ScaleLabelsItem: len(full.scales),
              LegendItem: len(full.legend), TitleItem: 1}
    same({cls.__name__: items[cls] for cls in counts},
         {cls.__name__: n for cls, n in counts.items()}, at, "items on the scene")
    same(len(scene.notes), len(expected), at, "note table")


def check(window: MainWindow, other: Library, step: int, what: str) -> None:
    at = (step, what, f"seed {SEED}")
    doc = window.doc
    voting = window.workshop.voting  # dots a room can read while voting, then as before
    same(doc.style.vote_r, VOTING_DOT_R if voting.round_id else Style().vote_r, at, "dot size")
    fresh = other.read(load_map, doc.map_id)
    fresh.votes = shown_dots(other, window)
    same(snapshot_of(doc.data), snapshot_of(fresh), at, "data")
    full = layout_map(fresh, doc.style)
    check_layout(window.layout, full, at)
    check_scene(window, full, at)
    if voting.state is not None:  # the chips count what the file holds
        vt, rt, rid = Vote.__table__, VoteRound.__table__, voting.state.round.id
        with other.session() as db:
            conn = db.connection()
            used = dict(conn.execute(select(vt.c.participant_id, func.count())
                                     .where(vt.c.round_id == rid)
                                     .group_by(vt.c.participant_id)).all())
            status = conn.execute(select(rt.c.status).where(rt.c.id == rid)).scalar_one()
        same(voting.state.round.status, status, at, "round status")
        used.pop(None, None)  # the dots of someone removed stay, unnamed
        same({p: u for p, u in voting.state.used.items() if u}, used, at, "dots used")
    assert window.note_actions.editor is None and window.note_actions.input.drag is None, at
    se = window.structure
    assert not se.editor.is_open and se.gesture is None, at
    ghost = getattr(se, "ghost", None)
    assert ghost is None or not isValid(ghost) or not ghost.isVisible(), (*at, "ghost header")


@pytest.fixture
def window(qtbot, demo):
    """The demo map, a little smaller (5 stages, 6 lanes), with seven participants
    (one with a single dot) and a second persona without a curve."""
    library, session = demo
    data = library.read(load_map, library.read(first_map_id, session.id))
    for lane in data.lanes:
        if lane.name in ("Thoughts", "Backstage"):
            library.run(ops.delete_lane, lane.id)
    library.run(ops.add_participant, session.id, "Farid", "#56B4E9", 3)
    library.run(ops.add_participant, session.id, "Gül", "#F0E442", 1)
    library.run(ops.add_persona, session.id, "Theo, the gift buyer", colour="#0072B2")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    w = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(w)
    yield w
    w.scene.clearSelection()
    w.scene.blockSignals(True)


REQUIRED = {
    "add typed", "edit typed", "move 1", "move 2", "delete", "duplicate", "paste", "cut",
    "colour", "tags", "undo", "redo",
    "add stage", "delete stage", "rename stage", "move stage", "widen stage", "narrow stage",
    "stage width",
    "add lane", "delete lane", "rename lane", "move lane", "collapse lane", "expand lane",
    "lane kind",
    "add point", "move point", "label point", "delete point", "add curve", "scale",
    "start round", "vote", "vote selected", "retract", "reveal", "close round",
    "reopen round", "delete round",
    "participant colour", "add participant", "remove participant", "session title",
    "rename persona", "map persona", "park", "place parked",
}
#: What changes only what the window shows (no undo step), tried at least once.
VIEW_ONLY = {"choose voter", "enter round", "leave voting", "vote refused"}


def test_random_edits_undos_and_redos_keep_model_file_layout_and_scene_in_step(window, demo):
    library = demo[0]
    runner = Runner(window, random.Random(SEED))
    started = time.perf_counter()
    done: Counter[str] = Counter()  # the operations: each one undo step
    tried: Counter[str] = Counter()  # every step, the view-only ones too
    with Library(library.path) as other:  # a second engine on the file: a fresh reload
        check(window, other, 0, "open")
        step, checking = 0, 0.0
        while step < OPERATIONS:
            before = (window.undo_stack.index(), window.undo_stack.count())
            what = runner.step()
            tried[what.split(" (")[0]] += 1
            after = (window.undo_stack.index(), window.undo_stack.count())
            if runner.expect_refusal:  # a dot over the budget: one line, nothing done
                runner.expect_refusal = False
                assert before == after and window.last_error, (step, what, f"seed {SEED}")
                window.last_error = None
            elif before != after:
                step += 1
                done[what.split(" (")[0]] += 1
            t = time.perf_counter()
            check(window, other, step, what)
            checking += time.perf_counter() - t
            assert window.last_error is None, (step, what, f"seed {SEED}", window.last_error)
    conn = sqlite3.connect(library.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    print(f"\nseed {SEED}: {step} operations in {time.perf_counter() - started:.1f} s "
          f"(checks {checking:.1f} s): "
          f"{dict(done)}; tried {dict(tried)}")
    assert REQUIRED <= set(done), REQUIRED - set(done)
    assert VIEW_ONLY <= set(tried), VIEW_ONLY - set(tried)
