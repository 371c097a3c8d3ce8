"""What one edit costs end to end in the real window: `edit_ms` of `benchmarks.canvas`.

Each kind is made the way the UI makes it — the `ui.commands` builder the action
uses, pushed on the window's undo stack (`MainWindow.push`) — and timed from the
push to the next frame painted: the commit, the document's refresh, the layout,
the scene's binder, pending events, and the viewport's one paint that shows it
(`_frame`).
Kinds alternate (widen then narrow, collapse then expand, there and back) or are
undone untimed, so the map is the same size throughout. Issue 12's targets are
in docs/PERFORMANCE.md; this module only measures.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from journey.models import LaneKind
from journey.queries import participants_of

KINDS = ("add_note", "edit_note", "move_note", "delete_note", "rename_stage", "move_stage",
         "widen_stage", "add_lane", "collapse_lane", "move_curve_point", "cast_vote", "undo",
         "redo", "select_all")


class _PaintCount(QObject):
    """Counts the viewport's paint events (the frames the window really paints)."""

    def __init__(self, viewport: Any) -> None:
        super().__init__(viewport)
        self.count = 0
        viewport.installEventFilter(self)

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _frame(window: Any, image: QImage) -> None:
    """Until the frame that shows the edit is painted: the events the edit queued
    (the scene's dirty items, the viewport's update) processed, which paints the
    viewport once, as a screen would; when nothing asked for a paint (the change
    is out of view), one repaint anyway, so every kind pays for a frame."""
    viewport = window.view.viewport()
    counter = viewport.findChild(_PaintCount) or _PaintCount(viewport)
    before = counter.count
    QApplication.instance().processEvents()
    if counter.count == before:
        viewport.repaint()


def _timed(window: Any, image: QImage, act: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    act()
    _frame(window, image)
    return (time.perf_counter() - t0) * 1000


def measure(window: Any, image: QImage, reps: int,
            kinds: tuple[str, ...] = KINDS) -> tuple[dict[str, float], dict[str, float]]:
    """(median ms per kind, max ms per kind) over `reps` repetitions of each kind."""
    from ui.commands import map_commands as cmd

    doc, stack = window.doc, window.undo_stack
    data = doc.data
    cells = [c for c, notes in data.notes.items() if notes]
    busy = max(cells, key=lambda c: len(data.notes[c]))
    other = next(c for c in cells if c != busy)
    stage, lane = data.stages[0], next(ln for ln in data.lanes if ln.kind != LaneKind.EMOTION)
    points = [p for c in data.curves for p in c.points]
    people = window.library.read(participants_of, data.session.id)

    def push(command: Any) -> Any:
        if isinstance(command, tuple):
            command = command[0]
        if not window.push(command):
            raise RuntimeError(f"the benchmark's edit was refused: {command.text()}")
        return command

    def undo_untimed() -> None:
        stack.undo()
        _frame(window, image)

    times: dict[str, list[float]] = {k: [] for k in kinds}
    round_id = None
    if "cast_vote" in kinds:
        command, round_id = cmd.start_round(doc, "Benchmark", votes_per_participant=20)
        push(command)
    for i in range(reps):
        note_id = data_note(doc, busy, i)
        for kind in kinds:
            if kind == "add_note":
                spec = {"stage_id": busy[0], "lane_id": busy[1], "text": f"Added {i}"}
                times[kind].append(_timed(window, image,
                                          lambda s=spec: push(cmd.add_notes(doc, [s]))))
                undo_untimed()
            elif kind == "edit_note":
                times[kind].append(_timed(window, image, lambda n=note_id, k=i: push(
                    cmd.edit_note(doc, n, text=f"Edited in the benchmark {k}"))))
            elif kind == "move_note":
                there = other if i % 2 == 0 else busy
                moving = data_note(doc, busy if i % 2 == 0 else other, 0)
                times[kind].append(_timed(window, image, lambda m=moving, t=there: push(
                    cmd.move_notes(doc, [m], t, 0))))
            elif kind == "delete_note":
                times[kind].append(_timed(window, image, lambda n=note_id: push(
                    cmd.DeleteNotes(doc, [n]))))
                undo_untimed()
            elif kind == "rename_stage":
                name = f"{stage.name} {i}" if i % 2 == 0 else stage.name
                times[kind].append(_timed(window, image, lambda nm=name: push(
                    cmd.rename_stage(doc, stage.id, nm))))
            elif kind == "move_stage":
                sid = doc.data.stages[0].id
                times[kind].append(_timed(window, image, lambda s=sid: push(
                    cmd.move_stage(doc, s, 1))))
            elif kind == "widen_stage":
                width = (stage.width or doc.style.stage_w) + 80 if i % 2 == 0 else None
                times[kind].append(_timed(window, image, lambda w=width: push(
                    cmd.set_stage_width(doc, stage.id, w))))
            elif kind == "add_lane":
                times[kind].append(_timed(window, image, lambda: push(
                    cmd.add_lane(doc, "Benchmark lane", LaneKind.CUSTOM))))
                undo_untimed()
            elif kind == "collapse_lane":
                times[kind].append(_timed(window, image, lambda c=(i % 2 == 0): push(
                    cmd.set_lane_collapsed(doc, lane.id, c))))
            elif kind == "move_curve_point" and points:
                pid = points[0].id
                now = next(p.score for c in doc.data.curves for p in c.points if p.id == pid)
                score = -now if now else 1  # always a move
                times[kind].append(_timed(window, image, lambda p=pid, s=score: push(
                    cmd.set_curve_point(doc, p, score=s))))
            elif kind == "cast_vote" and round_id and people:
                voter = people[i % len(people)].id
                times[kind].append(_timed(window, image, lambda n=note_id, who=voter: push(
                    cmd.cast_votes(doc, round_id, [n], who))))
                undo_untimed()
            elif kind == "undo":
                push(cmd.edit_note(doc, note_id, text=f"To be undone {i}"))
                _frame(window, image)
                times[kind].append(_timed(window, image, stack.undo))
            elif kind == "redo":
                times[kind].append(_timed(window, image, stack.redo))
                undo_untimed()
            elif kind == "select_all":
                times[kind].append(_timed(window, image, window.note_actions.select_all))
                window.scene.clearSelection()
                _frame(window, image)
    medians = {k: round(statistics.median(v), 2) for k, v in times.items() if v}
    maxima = {k: round(max(v), 2) for k, v in times.items() if v}
    return medians, maxima


def data_note(doc: Any, cell: tuple[str, str], i: int) -> str:
    notes = doc.data.notes[cell]
    return notes[i % len(notes)].id
