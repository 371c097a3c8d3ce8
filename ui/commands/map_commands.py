"""Undo commands: every user edit is a QUndoCommand that calls `journey.ops` only.

Each command stores what it needs to go both ways (old and new values, or the
snapshot a delete returned) and runs each direction as one operation through
`MapDocument.run`, i.e. one committed transaction. Ids of created rows are
chosen up front so that redo after undo recreates the very same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from journey import ops
from journey.models import new_id

from ..document import Cell, MapDocument

Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


def call(op: Callable[..., Any], *args: Any, **kwargs: Any) -> Call:
    return (op, args, kwargs)


class Command(QUndoCommand):
    """Base of Waymark's commands. `push` runs the first redo itself, so a user
    error (WaymarkError) surfaces before the command reaches the stack."""

    doc: MapDocument
    _already_done = False

    def redo(self) -> None:
        if self._already_done:
            self._already_done = False
            return
        self.do()

    def undo(self) -> None:
        self.undo_it()

    def mark_done(self) -> None:
        """The command was just done by hand: the stack's first redo must not do it again."""
        self._already_done = True

    def do(self) -> None:
        raise NotImplementedError

    def undo_it(self) -> None:
        raise NotImplementedError


def push(stack: QUndoStack, command: Command | None) -> bool:
    """Do `command` and put it on the stack; WaymarkError propagates, stack untouched."""
    if command is None:
        return False
    command.do()
    command.mark_done()
    stack.push(command)
    return True


class OpCommand(Command):
    """A command whose redo and undo are each a batch of operations."""

    def __init__(self, doc: MapDocument, text: str, redo: list[Call], undo: list[Call],
                 cells: Iterable[Cell] | None = None) -> None:
        super().__init__(text)
        self.doc = doc
        self.redo_calls, self.undo_calls = redo, undo
        self.cells = None if cells is None else set(cells)

    def do(self) -> None:
        self.doc.run(ops.batch, self.redo_calls, cells=self.cells)

    def undo_it(self) -> None:
        self.doc.run(ops.batch, self.undo_calls, cells=self.cells)


# -- notes -----------------------------------------------------------------------

def add_notes(doc: MapDocument, specs: list[dict[str, Any]], text: str = "Add note"
              ) -> tuple[OpCommand, list[str]]:
    """Notes from specs {stage_id, lane_id, index?, text, …fields}; returns their ids."""
    ids = [spec.get("note_id") or new_id() for spec in specs]
    redo, cells = [], set()
    for note_id, spec in zip(ids, specs, strict=True):
        spec = dict(spec)
        stage_id, lane_id = spec.pop("stage_id"), spec.pop("lane_id")
        spec.pop("note_id", None)
        redo.append(call(ops.add_note, stage_id, lane_id, note_id=note_id, **spec))
        cells.add((stage_id, lane_id))
    undo = [call(ops.delete_note, note_id) for note_id in reversed(ids)]
    return OpCommand(doc, text, redo, undo, cells), ids


def edit_note(doc: MapDocument, note_id: str, label: str = "Edit note",
              **fields: Any) -> OpCommand | None:
    """A change of some fields (`text=` is the note's text; `label` names the
    command); None when nothing would change."""
    note = doc.note(note_id)
    if note is None:
        return None
    old = {k: getattr(note, k) for k in fields}
    if all(old[k] == v for k, v in fields.items()):
        return None
    cell = (note.stage_id, note.lane_id)
    return OpCommand(doc, label, [call(ops.edit_note, note_id, **fields)],
                     [call(ops.edit_note, note_id, **old)], [cell])


class TypedNote(OpCommand):
    """A note typed in the inline editor. While it was typed the editor's draft
    already added the row (`drafted`), so the first redo only sets the final
    text; undo deletes it, redo adds it again with the same id."""

    def __init__(self, doc: MapDocument, cell: Cell, note_id: str, text: str,
                 drafted: bool) -> None:
        redo = [call(ops.add_note, cell[0], cell[1], note_id=note_id, text=text)]
        super().__init__(doc, "Add note", redo, [call(ops.delete_note, note_id)], [cell])
        self._first = [call(ops.edit_note, note_id, text=text)] if drafted else None

    def do(self) -> None:
        first, self._first = self._first, None
        self.doc.run(ops.batch, first or self.redo_calls, cells=self.cells)


class TypedEdit(OpCommand):
    """A note's text changed in the inline editor (its draft saved along the way):
    one step from the text before editing to the final text."""

    def __init__(self, doc: MapDocument, note_id: str, old: str, new: str,
                 cells: Iterable[Cell] | None) -> None:
        super().__init__(doc, "Edit note", [call(ops.edit_note, note_id, text=new)],
                         [call(ops.edit_note, note_id, text=old)], cells)


def edit_notes(doc: MapDocument, note_ids: list[str], label: str, **fields: Any
               ) -> OpCommand | None:
    redo, undo, cells = [], [], set()
    for note_id in note_ids:
        note = doc.note(note_id)
        if note is None:
            continue
        old = {k: getattr(note, k) for k in fields}
        if all(old[k] == v for k, v in fields.items()):
            continue
        redo.append(call(ops.edit_note, note_id, **fields))
        undo.append(call(ops.edit_note, note_id, **old))
        cells.add((note.stage_id, note.lane_id))
    return OpCommand(doc, label, redo, undo, cells) if redo else None


class MoveNotes(OpCommand):
    """A block of notes moved by `ops.move_notes`; undo is one `ops.place_notes` with
    the placements the move returned (the library's truth, not the window's copy)."""

    def do(self) -> None:
        (old,) = self.doc.run(ops.batch, self.redo_calls, cells=self.cells)
        self.undo_calls = [call(ops.place_notes, old)]


def move_notes(doc: MapDocument, note_ids: list[str], cell: Cell, index: int | None = None,
               text: str = "Move note") -> MoveNotes | None:
    """Move notes, in order, as one block before the `index`-th of the cell's other
    notes (None = at the end); None when nothing would move."""
    ids = [i for i in dict.fromkeys(note_ids) if doc.note(i) is not None]
    order = {c: [n.id for n in notes] for c, notes in doc.data.notes.items() if notes}
    after = ops.block_order(order, ids, cell, index)
    if not ids or {c: v for c, v in after.items() if v} == order:
        return None
    cells = {doc.cell_of(i)[0] for i in ids} | {cell}  # type: ignore[index]
    return MoveNotes(doc, text, [call(ops.move_notes, ids, cell[0], cell[1], index)], [], cells)


class DeleteNotes(Command):
    """Delete notes with their votes; undo restores them from the snapshot."""

    def __init__(self, doc: MapDocument, note_ids: list[str], text: str = "Delete note"):
        super().__init__(text if len(note_ids) == 1 else f"Delete {len(note_ids)} notes")
        self.doc = doc
        self.note_ids = [i for i in note_ids if doc.note(i) is not None]
        self.cells = {doc.cell_of(i)[0] for i in self.note_ids}  # type: ignore[index]
        self.snapshot: list = []

    def do(self) -> None:
        snaps = self.doc.run(ops.batch, [call(ops.delete_note, i) for i in self.note_ids],
                             cells=self.cells)
        self.snapshot = [row for snap in snaps for row in snap]

    def undo_it(self) -> None:
        self.doc.run(ops.restore, self.snapshot, cells=self.cells)


# -- stages and lanes ----------------------------------------------------------------

def add_stage(doc: MapDocument, name: str, index: int | None = None) -> tuple[OpCommand, str]:
    stage_id = new_id()
    return OpCommand(doc, f"Add stage “{name.strip()}”",
                     [call(ops.add_stage, doc.map_id, name, index, stage_id=stage_id)],
                     [call(ops.delete_stage, stage_id)]), stage_id


def add_lane(doc: MapDocument, name: str, kind: str, index: int | None = None
             ) -> tuple[OpCommand, str]:
    lane_id = new_id()
    return OpCommand(doc, f"Add lane “{name.strip()}”",
                     [call(ops.add_lane, doc.map_id, name, kind, index, lane_id=lane_id)],
                     [call(ops.delete_lane, lane_id)]), lane_id


def _stage(doc: MapDocument, stage_id: str):
    return next(s for s in doc.data.stages if s.id == stage_id)


def _lane(doc: MapDocument, lane_id: str):
    return next(lane for lane in doc.data.lanes if lane.id == lane_id)


def rename_stage(doc: MapDocument, stage_id: str, name: str) -> OpCommand | None:
    old = _stage(doc, stage_id).name
    if name.strip() == old:
        return None
    return OpCommand(doc, f"Rename stage to “{name.strip()}”",
                     [call(ops.rename_stage, stage_id, name)],
                     [call(ops.rename_stage, stage_id, old)])


def move_stage(doc: MapDocument, stage_id: str, index: int) -> OpCommand | None:
    old = _stage(doc, stage_id).position
    index = max(0, min(index, len(doc.data.stages) - 1))
    if old == index:
        return None
    return OpCommand(doc, "Move stage", [call(ops.move_stage, stage_id, index)],
                     [call(ops.move_stage, stage_id, old)])


def set_stage_width(doc: MapDocument, stage_id: str, width: float | None) -> OpCommand | None:
    old = _stage(doc, stage_id).width
    if old == width:
        return None
    return OpCommand(doc, "Resize stage", [call(ops.set_stage_width, stage_id, width)],
                     [call(ops.set_stage_width, stage_id, old)])


def rename_lane(doc: MapDocument, lane_id: str, name: str) -> OpCommand | None:
    old = _lane(doc, lane_id).name
    if name.strip() == old:
        return None
    return OpCommand(doc, f"Rename lane to “{name.strip()}”",
                     [call(ops.rename_lane, lane_id, name)], [call(ops.rename_lane, lane_id, old)])


def move_lane(doc: MapDocument, lane_id: str, index: int) -> OpCommand | None:
    old = _lane(doc, lane_id).position
    index = max(0, min(index, len(doc.data.lanes) - 1))
    if old == index:
        return None
    return OpCommand(doc, "Move lane", [call(ops.move_lane, lane_id, index)],
                     [call(ops.move_lane, lane_id, old)])


def set_lane_kind(doc: MapDocument, lane_id: str, kind: str) -> OpCommand | None:
    old = _lane(doc, lane_id).kind
    if old == kind:
        return None
    return OpCommand(doc, "Change lane kind", [call(ops.set_lane_kind, lane_id, kind)],
                     [call(ops.set_lane_kind, lane_id, old)])


def set_lane_collapsed(doc: MapDocument, lane_id: str, collapsed: bool) -> OpCommand | None:
    old = _lane(doc, lane_id).collapsed
    if old == collapsed:
        return None
    return OpCommand(doc, "Collapse lane" if collapsed else "Expand lane",
                     [call(ops.set_lane_collapsed, lane_id, collapsed)],
                     [call(ops.set_lane_collapsed, lane_id, old)])


class DeleteRows(Command):
    """Delete a stage, a lane or a curve point with everything in it; undo restores."""

    def __init__(self, doc: MapDocument, op: Callable[..., Any], row_id: str, text: str):
        super().__init__(text)
        self.doc, self.op, self.row_id = doc, op, row_id
        self.snapshot: list = []

    def do(self) -> None:
        self.snapshot = self.doc.run(self.op, self.row_id)

    def undo_it(self) -> None:
        self.doc.run(ops.restore, self.snapshot)


def delete_stage(doc: MapDocument, stage_id: str) -> DeleteRows:
    return DeleteRows(doc, ops.delete_stage, stage_id,
                      f"Delete stage “{_stage(doc, stage_id).name}”")


def delete_lane(doc: MapDocument, lane_id: str) -> DeleteRows:
    return DeleteRows(doc, ops.delete_lane, lane_id, f"Delete lane “{_lane(doc, lane_id).name}”")


# -- the emotion curve -------------------------------------------------------------

def _point(doc: MapDocument, point_id: str):
    for cd in doc.data.curves:
        for p in cd.points:
            if p.id == point_id:
                return p
    raise KeyError(point_id)


def set_curve_point(doc: MapDocument, point_id: str, score: float | None = None,
                    label: str | None = None) -> OpCommand | None:
    p = _point(doc, point_id)
    new: dict[str, Any] = {}
    old: dict[str, Any] = {}
    if score is not None and score != p.score:
        new["score"], old["score"] = score, p.score
    if label is not None and label != p.label:
        new["label"], old["label"] = label, p.label
    if not new:
        return None
    text = "Move curve point" if "score" in new else "Label curve point"
    return OpCommand(doc, text, [call(ops.set_curve_point, point_id, **new)],
                     [call(ops.set_curve_point, point_id, **old)])


def add_curve_point(doc: MapDocument, curve_id: str, stage_id: str, score: float,
                    label: str = "", index: int | None = None) -> tuple[OpCommand, str]:
    point_id = new_id()
    return OpCommand(doc, "Add curve point",
                     [call(ops.add_curve_point, curve_id, stage_id, score, label, index,
                           point_id=point_id)],
                     [call(ops.delete_curve_point, point_id)]), point_id


def delete_curve_point(doc: MapDocument, point_id: str) -> DeleteRows:
    return DeleteRows(doc, ops.delete_curve_point, point_id, "Delete curve point")


def add_curve(doc: MapDocument, persona_id: str | None, name: str = "",
              colour: str | None = None) -> tuple[OpCommand, str]:
    curve_id = new_id()
    return OpCommand(doc, "Add curve",
                     [call(ops.add_curve, doc.map_id, persona_id, name, colour,
                           curve_id=curve_id)],
                     [call(ops.delete_curve, curve_id)]), curve_id


def set_map_scale(doc: MapDocument, scale: tuple[int, int]) -> OpCommand | None:
    old = (doc.data.map.scale_min, doc.data.map.scale_max)
    if old == tuple(scale):
        return None
    # Keep every score exactly: undo writes the old scores back rather than re-mapping.
    points = [(p.id, p.score) for cd in doc.data.curves for p in cd.points]
    undo = [call(ops.set_map_scale, doc.map_id, *old)]
    undo += [call(ops.set_curve_point, pid, score=score) for pid, score in points]
    return OpCommand(doc, f"Scale {scale[0]}…{scale[1]}",
                     [call(ops.set_map_scale, doc.map_id, *scale)], undo)


# -- dot voting (schema v3) ---------------------------------------------------------

def start_round(doc: MapDocument, name: str = "", votes_per_participant: int = 3,
                cap_per_note: int | None = None, lane_ids: list[str] | None = None,
                hide_totals: bool = True) -> tuple[OpCommand, str]:
    round_id = new_id()
    return OpCommand(doc, f"Start voting round {name}".strip(),
                     [call(ops.start_round, doc.map_id, name, votes_per_participant,
                           cap_per_note, lane_ids, hide_totals, round_id=round_id)],
                     [call(ops.delete_round, round_id)], cells=()), round_id


def set_round_status(doc: MapDocument, round_id: str, status: str, old: str,
                     text: str = "") -> OpCommand | None:
    if status == old:
        return None
    return OpCommand(doc, text or f"Round {status}",
                     [call(ops.set_round_status, round_id, status)],
                     [call(ops.set_round_status, round_id, old)], cells=())


def delete_round(doc: MapDocument, round_id: str, name: str = "round") -> DeleteRows:
    return DeleteRows(doc, ops.delete_round, round_id, f"Delete voting {name}")


def cast_votes(doc: MapDocument, round_id: str, note_ids: list[str], participant_id: str,
               text: str = "Vote") -> OpCommand | None:
    """One dot per note; the vote ids are fixed so redo recreates the same rows."""
    redo, undo, cells = [], [], set()
    for note_id in note_ids:
        hit = doc.cell_of(note_id)
        if hit is None:
            continue
        vote_id = new_id()
        redo.append(call(ops.cast_vote, round_id, note_id, participant_id, vote_id=vote_id))
        undo.insert(0, call(ops.delete_vote, vote_id))
        cells.add(hit[0])
    return OpCommand(doc, text, redo, undo, cells) if redo else None


class RetractVote(Command):
    """Take back a participant's latest dot on a note; undo puts that very row back."""

    def __init__(self, doc: MapDocument, round_id: str, note_id: str, participant_id: str,
                 text: str = "Take back vote") -> None:
        super().__init__(text)
        self.doc, self.args = doc, (round_id, note_id, participant_id)
        hit = doc.cell_of(note_id)
        self.cells = {hit[0]} if hit else set()
        self.snapshot: list = []

    def do(self) -> None:
        self.snapshot = self.doc.run(ops.retract_vote, *self.args, cells=self.cells)

    def undo_it(self) -> None:
        self.doc.run(ops.restore, self.snapshot, cells=self.cells)


# -- the parking lot (schema v3) -------------------------------------------------------

class LibraryCommand(Command):
    """Redo and undo are each a batch of operations outside any map (session details,
    people, maps, the parking lot of a session with no map open): run straight
    through the library, which tells the window and the docks."""

    def __init__(self, library: Any, text: str, redo: list[Call], undo: list[Call]) -> None:
        super().__init__(text)
        self.library, self._redo, self._undo = library, redo, undo

    def do(self) -> None:
        self.library.run(ops.batch, self._redo)

    def undo_it(self) -> None:
        self.library.run(ops.batch, self._undo)


def _session_op(doc: MapDocument | None, library: Any, text: str, redo: list[Call],
                undo: list[Call]) -> Command:
    if doc is None:
        return LibraryCommand(library, text, redo, undo)
    return OpCommand(doc, text, redo, undo, cells=())  # nothing on the map changes


def park_note(doc: MapDocument | None, library: Any, session_id: str, text: str,
              **fields: Any) -> tuple[Command, str]:
    parked_id = new_id()
    return _session_op(doc, library, "Park note",
                       [call(ops.park_note, session_id, text, parked_id=parked_id, **fields)],
                       [call(ops.delete_parked_note, parked_id)]), parked_id


def edit_parked_note(doc: MapDocument | None, library: Any, parked_id: str,
                     old: dict[str, Any], **fields: Any) -> Command | None:
    old = {k: old[k] for k in fields}
    if old == fields:
        return None
    return _session_op(doc, library, "Edit parked note",
                       [call(ops.edit_parked_note, parked_id, **fields)],
                       [call(ops.edit_parked_note, parked_id, **old)])


class DeleteParkedNote(Command):
    def __init__(self, doc: MapDocument | None, library: Any, parked_id: str) -> None:
        super().__init__("Delete parked note")
        self.doc, self.library, self.parked_id = doc, library, parked_id  # type: ignore[assignment]
        self.snapshot: list = []

    def _run(self, op: Callable[..., Any], *args: Any) -> Any:
        if self.doc is None:
            return self.library.run(op, *args)
        return self.doc.run(op, *args, cells=())

    def do(self) -> None:
        self.snapshot = self._run(ops.delete_parked_note, self.parked_id)

    def undo_it(self) -> None:
        self._run(ops.restore, self.snapshot)


class PlaceParkedNote(Command):
    """A parked note onto a cell of the map (one step); undo parks it again."""

    def __init__(self, doc: MapDocument, parked_id: str, cell: Cell, index: int | None = None
                 ) -> None:
        super().__init__("Place parked note")
        self.doc, self.parked_id, self.cell, self.index = doc, parked_id, cell, index
        self.note_id = new_id()
        self.snapshot: list = []

    def do(self) -> None:
        _note, self.snapshot = self.doc.run(ops.place_parked_note, self.parked_id, *self.cell,
                                            self.index, note_id=self.note_id,
                                            cells=[self.cell])

    def undo_it(self) -> None:
        self.doc.run(ops.batch, [call(ops.delete_note, self.note_id),
                                 call(ops.restore, self.snapshot)], cells=[self.cell])


class ParkNotes(Command):
    """Notes from the map back into the parking lot (with their votes); undo restores."""

    def __init__(self, doc: MapDocument, note_ids: list[str]) -> None:
        ids = [i for i in note_ids if doc.cell_of(i) is not None]
        super().__init__("Park note" if len(ids) == 1 else f"Park {len(ids)} notes")
        self.doc = doc
        self.moves = [(note_id, new_id()) for note_id in ids]
        self.cells = {doc.cell_of(i)[0] for i in ids}  # type: ignore[index]
        self.snapshot: list = []

    def do(self) -> None:
        done = self.doc.run(ops.batch, [call(ops.park_existing_note, note_id, parked_id=pid)
                                        for note_id, pid in self.moves], cells=self.cells)
        self.snapshot = [row for _parked, snap in done for row in snap]

    def undo_it(self) -> None:
        undo = [call(ops.delete_parked_note, pid) for _n, pid in reversed(self.moves)]
        self.doc.run(ops.batch, undo + [call(ops.restore, self.snapshot)], cells=self.cells)
