"""Undo commands through the document: each edit and its undo/redo are durable,
and the in-memory map always equals a fresh reload from the SQLite file."""

from __future__ import annotations

import random
import sqlite3

import pytest
from PySide6.QtGui import QUndoStack

from journey.models import LaneKind
from journey.queries import find_map, load_map
from storage import Library
from ui.commands import map_commands as cmd
from ui.document import MapDocument


def snapshot_of(data) -> dict:
    """A comparable picture of a MapData: everything the user can see."""
    return {
        "stages": [(s.id, s.name, s.width) for s in data.stages],
        "lanes": [(lane.id, lane.name, lane.kind, lane.collapsed) for lane in data.lanes],
        "notes": {k: [(n.id, n.text, n.colour, n.tags, n.position) for n in v]
                  for k, v in sorted(data.notes.items()) if v},
        "votes": {k: v for k, v in sorted(data.votes.items()) if v},
        "curves": [(c.curve.id, [(p.id, p.stage_id, p.score, p.label) for p in c.points])
                   for c in data.curves],
        "scale": (data.map.scale_min, data.map.scale_max),
    }


def fresh(library: Library, map_id: str) -> dict:
    with Library(library.path) as other:  # a second connection, as after a restart
        return snapshot_of(other.read(load_map, map_id))


@pytest.fixture
def doc(demo, qapp):
    library, session = demo
    jmap = library.read(find_map, session.id, None)
    return MapDocument(library, jmap.id)


def test_each_command_undoes_and_redoes_durably(doc):
    stack = QUndoStack()
    data = doc.data
    s0, s1 = data.stages[0].id, data.stages[1].id
    actions = data.lanes[1].id
    first = data.notes[(s0, actions)][0].id
    point = data.curves[0].points[0].id
    builders = [
        lambda: cmd.add_notes(doc, [dict(stage_id=s0, lane_id=actions, text="New", index=0)])[0],
        lambda: cmd.edit_note(doc, first, text="Edited text", colour="#A3E4C9"),
        lambda: cmd.move_notes(doc, [first], (s1, actions), 0),
        lambda: cmd.DeleteNotes(doc, [first]),
        lambda: cmd.rename_stage(doc, s0, "Discovery"),
        lambda: cmd.move_stage(doc, s0, 3),
        lambda: cmd.add_stage(doc, "Advocacy")[0],
        lambda: cmd.delete_stage(doc, s1),
        lambda: cmd.add_lane(doc, "Channels", LaneKind.CHANNELS, 2)[0],
        lambda: cmd.set_lane_kind(doc, actions, LaneKind.QUOTES),
        lambda: cmd.set_lane_collapsed(doc, actions, True),
        lambda: cmd.delete_lane(doc, actions),
        lambda: cmd.set_stage_width(doc, s0, 400.0),
        lambda: cmd.set_curve_point(doc, point, score=-3, label="Lost"),
        lambda: cmd.set_map_scale(doc, (1, 5)),
    ]
    for build in builders:
        before = snapshot_of(doc.data)
        command = build()
        assert command is not None
        stack.push(command)
        after = snapshot_of(doc.data)
        assert after != before, command.text()
        assert fresh(doc.library, doc.map_id) == after
        stack.undo()
        assert snapshot_of(doc.data) == before, command.text()
        assert fresh(doc.library, doc.map_id) == before
        stack.redo()
        assert snapshot_of(doc.data) == after
        assert fresh(doc.library, doc.map_id) == after
        stack.undo()


def _random_command(doc: MapDocument, rng: random.Random):
    data = doc.data
    notes = [n for cell in data.notes.values() for n in cell]
    stages, lanes = data.stages, data.lanes
    kind = rng.choice(["add", "add", "edit", "move", "move", "delete", "stage", "lane",
                       "curve", "rename"])
    if kind == "add" or not notes:
        cell = (rng.choice(stages).id, rng.choice(lanes).id)
        return cmd.add_notes(doc, [dict(stage_id=cell[0], lane_id=cell[1],
                                        text=f"n{rng.random():.4f}",
                                        index=rng.choice([None, 0, 1]))])[0]
    note = rng.choice(notes)
    if kind == "edit":
        return cmd.edit_note(doc, note.id, text=note.text + "!", tags=rng.choice(["", "a", "a, b"]))
    if kind == "move":
        picks = rng.sample(notes, k=min(len(notes), rng.randint(1, 3)))
        cell = (rng.choice(stages).id, rng.choice(lanes).id)
        return cmd.move_notes(doc, [n.id for n in picks], cell, rng.choice([None, 0, 2]))
    if kind == "delete":
        return cmd.DeleteNotes(doc, [n.id for n in rng.sample(notes, k=min(2, len(notes)))])
    if kind == "stage":
        if len(stages) > 2 and rng.random() < 0.3:
            return cmd.delete_stage(doc, rng.choice(stages).id)
        if rng.random() < 0.5:
            return cmd.move_stage(doc, rng.choice(stages).id, rng.randrange(len(stages)))
        return cmd.add_stage(doc, f"S{rng.randrange(99)}", rng.randrange(len(stages) + 1))[0]
    if kind == "lane":
        if len(lanes) > 2 and rng.random() < 0.3:
            return cmd.delete_lane(doc, rng.choice(lanes).id)
        return cmd.move_lane(doc, rng.choice(lanes).id, rng.randrange(len(lanes)))
    if kind == "curve" and data.curves and data.curves[0].points:
        p = rng.choice(data.curves[0].points)
        return cmd.set_curve_point(doc, p.id, score=float(rng.randint(-3, 3)))
    return cmd.rename_stage(doc, rng.choice(stages).id, f"Stage {rng.randrange(999)}")


def test_random_edits_undos_and_redos_stay_in_step(doc):
    rng = random.Random(20261123)
    stack = QUndoStack()
    steps = 0
    while steps < 600:
        roll = rng.random()
        if roll < 0.2 and stack.canUndo():
            stack.undo()
        elif roll < 0.3 and stack.canRedo():
            stack.redo()
        else:
            command = _random_command(doc, rng)
            if command is None:
                continue
            stack.push(command)
        steps += 1
        if steps % 25 == 0:
            assert snapshot_of(doc.data) == fresh(doc.library, doc.map_id), steps
    assert snapshot_of(doc.data) == fresh(doc.library, doc.map_id)
    conn = sqlite3.connect(doc.library.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
