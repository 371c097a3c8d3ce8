"""Model-based test of editing: a long random sequence of note and structure edits,
undos and redos through the real window's edit path, checking after EVERY step
that the in-memory map, a fresh reload from the SQLite file and the items on
the scene agree exactly."""

from __future__ import annotations

import os
import random
import sqlite3
import time

import pytest
from PySide6.QtCore import QPointF, QRectF, QSettings

from canvas.note_drag import DropTarget, NoteDrag
from canvas.note_item import NoteItem
from journey.layout import layout_map
from journey.queries import load_map
from storage import Library
from ui.commands import map_commands as cmd
from ui.main_window import MainWindow

SEED = 20261124
OPERATIONS = 2000
WORDS = ("queue", "price", "trial", "barista", "app", "refund", "Café", "☕", "配送",
         "loyalty", "card", "wait", "email", "subscription", "pause", "grind")


def snapshot_of(data) -> dict:
    """Everything the user can see of a map, in a comparable form."""
    return {
        "stages": [(s.id, s.name, s.width, s.position) for s in data.stages],
        "lanes": [(ln.id, ln.name, ln.kind, ln.collapsed, ln.position) for ln in data.lanes],
        "notes": {k: [(n.id, n.text, n.colour, n.tags, n.author, n.position) for n in v]
                  for k, v in sorted(data.notes.items()) if v},
        "votes": {k: sorted(v) for k, v in sorted(data.votes.items()) if v},
        "curves": [(c.curve.id, [(p.id, p.stage_id, p.score, p.label) for p in c.points])
                   for c in data.curves],
        "scale": (data.map.scale_min, data.map.scale_max),
    }


def check(window: MainWindow, other: Library, step: int, what: str) -> None:
    doc = window.doc
    fresh = other.read(load_map, doc.map_id)
    assert snapshot_of(doc.data) == snapshot_of(fresh), (step, what)
    expected = {n.id: n for n in layout_map(fresh, doc.style).notes}
    assert {n.id: n for n in window.layout.notes} == expected, (step, what)
    items = [i for i in window.scene.items() if isinstance(i, NoteItem)]
    assert len(items) == len(expected) == len(window.scene.notes), (step, what)
    for item in items:
        box = expected[item.note_id]  # KeyError: an item without a note
        assert window.scene.notes[item.note_id] is item, (step, what)
        assert item.note == box, (step, what)
        assert (item.pos().x(), item.pos().y()) == (box.rect.x, box.rect.y), (step, what)
        assert item.note_rect() == QRectF(0, 0, box.rect.w, box.rect.h), (step, what)
        assert item.zValue() == 2.0 and item.opacity() == 1.0, (step, what)
    assert window.note_actions.editor is None and window.note_actions.input.drag is None


class Runner:
    """Random edits through the window: the note actions, the commands, undo and redo."""

    def __init__(self, window: MainWindow, rng: random.Random) -> None:
        self.w = window
        self.na = window.note_actions
        self.rng = rng

    # -- picking ---------------------------------------------------------------------
    def text(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(1, 6))
        if self.rng.random() < 0.2:
            words.insert(self.rng.randrange(len(words)), "\n")
        return " ".join(words).replace(" \n ", "\n")

    def cell(self, visible: bool = False) -> tuple[str, str]:
        data = self.w.data
        lanes = [ln for ln in data.lanes if not (visible and ln.collapsed)] or data.lanes
        return self.rng.choice(data.stages).id, self.rng.choice(lanes).id

    def visible_notes(self, k: int = 1) -> list[str]:
        ids = list(self.w.layout.note_by_id)
        return self.rng.sample(ids, min(k, len(ids))) if ids else []

    # -- operations (each returns a label for failure messages) ----------------------
    def add_typed(self) -> str:
        if self.na.new_note(self.cell(visible=True)):
            self.na.editor.set_text(self.text() if self.rng.random() < 0.9 else "  ")
            self.na.commit_editor()
        return "add typed"

    def add_command(self) -> str:
        stage, lane = self.cell()
        n = len(self.w.data.notes.get((stage, lane), []))
        command, _ = cmd.add_notes(self.w.doc, [{"stage_id": stage, "lane_id": lane,
                                                 "index": self.rng.randint(0, n),
                                                 "text": self.text()}])
        self.w.push(command)
        return "add"

    def edit_typed(self) -> str:
        ids = self.visible_notes()
        if ids and self.na.edit_note(ids[0]):
            text = self.na.editor.text() if self.rng.random() < 0.2 else self.text()
            self.na.editor.set_text(text)
            self.na.commit_editor()
        return "edit typed"

    def move(self) -> str:
        ids = self.visible_notes(self.rng.choice([1, 1, 2, 3]))
        if not ids:
            return "move (none)"
        self.na.select(ids)
        ids = self.na.selected_ids()
        if self.rng.random() < 0.3:  # straight to a place, collapsed lanes included
            cell = self.cell()
            n = len(self.w.data.notes.get(cell, []))
            self.na.drop(ids, DropTarget(cell, self.rng.choice([None, self.rng.randint(0, n)])))
            return f"move {len(ids)}"
        # The live drag: items follow the pointer, then snap to the layout on release.
        layout = self.w.layout
        start = layout.note_by_id[ids[0]].rect
        drag = NoteDrag(layout, [self.w.scene.note_item(i) for i in ids],
                        QPointF(start.x + 5, start.y + 5), self.na.indicator)
        box = self.rng.choice(layout.cells)
        for _ in range(3):
            r = box.rect
            drag.update(QPointF(r.x + self.rng.random() * r.w, r.y + self.rng.random() * r.h))
        end = QPointF(box.rect.x + self.rng.random() * box.rect.w,
                      box.rect.y + self.rng.random() * box.rect.h)
        if self.rng.random() < 0.1:
            drag.cancel()
            return "drag cancelled"
        target = drag.finish(end)
        if target is not None:
            self.na.drop(ids, target)
        return f"move {len(ids)}"

    def on_selection(self, action: str) -> str:
        ids = self.visible_notes(self.rng.choice([1, 1, 2, 4]))
        if not ids:
            return action + " (none)"
        self.na.select(ids)
        if action == "delete":
            self.na.delete()
        elif action == "duplicate":
            self.na.duplicate()
        elif action == "colour":
            self.na.set_colour(self.rng.randrange(6))
        elif action == "tags":
            self.na.set_tags(ids, ", ".join(self.rng.sample(WORDS[:6], self.rng.randint(0, 2))))
        elif action in ("paste", "cut"):
            (self.na.cut if action == "cut" else self.na.copy)()
            self.na.set_current_cell(self.cell())
            self.na.paste()
        return action

    def structure(self) -> str:
        doc, rng = self.w.doc, self.rng
        data = doc.data
        stage = rng.choice(data.stages)
        lane = rng.choice(data.lanes)
        roll = rng.random()
        if roll < 0.2:
            command, label = cmd.rename_stage(doc, stage.id, f"Stage {rng.randrange(99)}"), "rename"
        elif roll < 0.4:
            command, label = cmd.move_stage(doc, stage.id, rng.randrange(len(data.stages))), \
                "move stage"
        elif roll < 0.5 and len(data.stages) < 7:
            command, label = cmd.add_stage(doc, "New stage", rng.randrange(
                len(data.stages) + 1))[0], "add stage"
        elif roll < 0.6 and len(data.stages) > 3:
            command, label = cmd.delete_stage(doc, stage.id), "delete stage"
        elif roll < 0.75:
            command, label = cmd.move_lane(doc, lane.id, rng.randrange(len(data.lanes))), \
                "move lane"
        elif roll < 0.9:
            command, label = cmd.set_lane_collapsed(doc, lane.id, not lane.collapsed), "collapse"
        else:
            command, label = cmd.rename_lane(doc, lane.id, f"Lane {rng.randrange(99)}"), \
                "rename lane"
        self.w.push(command)
        return label

    def undo(self) -> str:
        for _ in range(self.rng.choice([1, 1, 1, 3])):
            self.w.undo_stack.undo()
        return "undo"

    def redo(self) -> str:
        for _ in range(self.rng.choice([1, 1, 2])):
            self.w.undo_stack.redo()
        return "redo"

    def step(self) -> str:
        n = len(self.w.layout.notes)
        choices = [
            (self.add_typed, 8), (self.add_command, 4), (self.edit_typed, 7), (self.move, 12),
            (lambda: self.on_selection("delete"), 8 if n > 60 else 4),
            (lambda: self.on_selection("duplicate"), 0 if n > 80 else 3),
            (lambda: self.on_selection("colour"), 5), (lambda: self.on_selection("tags"), 3),
            (lambda: self.on_selection("paste"), 0 if n > 80 else 3),
            (lambda: self.on_selection("cut"), 2), (self.structure, 5),
            (self.undo, 14), (self.redo, 8),
        ]
        ops, weights = zip(*choices, strict=True)
        return self.rng.choices(ops, weights)[0]()


@pytest.fixture
def window(qtbot, demo):
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    w = MainWindow(demo[0], QSettings("Waymark", "Waymark"))
    qtbot.addWidget(w)
    yield w
    w.scene.clearSelection()
    w.scene.blockSignals(True)


def test_random_edits_undos_and_redos_keep_model_file_and_scene_in_step(window, demo):
    library = demo[0]
    runner = Runner(window, random.Random(SEED))
    started = time.perf_counter()
    done: dict[str, int] = {}
    with Library(library.path) as other:  # a second engine on the file: a fresh reload
        check(window, other, 0, "open")
        step = 0
        while step < OPERATIONS:
            before = (window.undo_stack.index(), window.undo_stack.count())
            what = runner.step()
            after = (window.undo_stack.index(), window.undo_stack.count())
            if before != after:
                step += 1
                done[what.split(" (")[0]] = done.get(what.split(" (")[0], 0) + 1
            check(window, other, step, what)
            assert window.last_error is None, (step, what, window.last_error)
    conn = sqlite3.connect(library.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    print(f"\n{step} operations in {time.perf_counter() - started:.1f} s: {done}")
    assert {"add typed", "edit typed", "move 1", "move 2", "delete", "duplicate", "paste",
            "cut", "colour", "tags", "undo", "redo"} <= set(done)
