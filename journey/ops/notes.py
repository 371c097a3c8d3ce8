"""Note operations: add, edit, move (one note or a block), delete and restore sticky notes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import and_, insert, or_
from sqlmodel import Session as Db
from sqlmodel import col, select

from ..errors import InvalidEdit
from ..models import JourneyMap, Lane, Note, Stage, Vote, new_id, now_iso
from ..palette import note_colour_for_kind
from ._common import (
    MAX_NAME,
    MAX_TAGS,
    clean_fields,
    clean_text,
    get,
    ordered,
    place,
    renumber,
    snapshot,
)

EDITABLE_FIELDS = (
    "text", "colour", "tags", "author", "owner", "priority", "impact", "effort", "status",
)
PRIORITIES = ("", "low", "medium", "high")
Cell = tuple[str, str]
STATUSES = ("", "open", "in progress", "done")


def normalise_tags(tags: str | list[str]) -> str:
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    seen: list[str] = []
    for tag in (t.strip() for t in items):
        if tag and tag.casefold() not in (s.casefold() for s in seen):
            seen.append(tag)
    return ", ".join(seen)


def _check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidEdit(f"notes have no field {sorted(unknown)[0]!r}")
    out = dict(fields)
    if "text" in out:
        out["text"] = clean_text(out["text"])
    if "tags" in out:
        out["tags"] = normalise_tags(out["tags"])
        tags = [t for t in out["tags"].split(", ") if t]
        if len(tags) > MAX_TAGS:
            raise InvalidEdit(f"a note has at most {MAX_TAGS} tags")
        if any(len(t) > MAX_NAME for t in tags):
            raise InvalidEdit(f"a tag is longer than {MAX_NAME} characters")
    out = clean_fields("note", out)
    if "colour" in out:
        c = str(out["colour"])
        if not (len(c) == 7 and c.startswith("#") and all(ch in "0123456789abcdefABCDEF" for ch in c[1:])):
            raise InvalidEdit(f"colour {c!r} is not #RRGGBB")
        out["colour"] = c.upper()
    for key in ("impact", "effort"):
        if key in out and out[key] is not None:
            v = out[key]
            if not isinstance(v, int) or not 1 <= v <= 5:
                raise InvalidEdit(f"{key} must be 1 to 5")
    if "priority" in out and out["priority"] not in PRIORITIES:
        raise InvalidEdit(f"priority must be one of {', '.join(p for p in PRIORITIES if p)}")
    if "status" in out and out["status"] not in STATUSES:
        raise InvalidEdit(f"status must be one of {', '.join(s for s in STATUSES if s)}")
    return out


def _check_cell(db: Db, stage_id: str, lane_id: str) -> tuple[Stage, Lane]:
    stage = get(db, Stage, stage_id)
    lane = get(db, Lane, lane_id)
    if stage.map_id != lane.map_id:
        raise InvalidEdit("stage and lane belong to different maps")
    return stage, lane


def add_note(
    db: Db, stage_id: str, lane_id: str, text: str = "", index: int | None = None,
    note_id: str | None = None, **fields: Any,
) -> Note:
    """Add a note to the cell (stage, lane) at `index` (None = last)."""
    stage, lane = _check_cell(db, stage_id, lane_id)
    fields = _check_fields({"text": text, **fields})
    fields.setdefault("colour", note_colour_for_kind(lane.kind).upper())
    note = Note(map_id=stage.map_id, stage_id=stage_id, lane_id=lane_id, **fields)
    if note_id:
        note.id = note_id
    siblings = ordered(db, Note, stage_id=stage_id, lane_id=lane_id)
    place(siblings, note, index)
    db.add(note)
    db.flush()
    return note


@dataclass(frozen=True)
class NewNote:
    """One note for `add_notes`: its cell, its text and any other editable fields.

    `fields` takes the same keyword arguments as `add_note` (colour, tags, author,
    owner, priority, impact, effort, status). `created_at` / `updated_at` keep an
    imported note's own times (None = now); `note_id` fixes the id (for redo).
    """

    stage_id: str
    lane_id: str
    text: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None
    note_id: str | None = None


def add_notes(db: Db, items: Iterable[NewNote]) -> list[Note]:
    """Add many notes at once, each last in its cell in the order given; for importers.

    Every item is checked exactly as `add_note` checks it, and the first bad one
    raises before anything is written. Unlike a loop of `add_note`, each cell is
    checked and the cells' notes read once, and the rows go in as one bulk insert
    (building a SQLModel object per row costs more than the insert itself), so n
    notes cost O(n), not O(n x notes per cell). Returns the new notes, loaded.
    """
    cells: dict[tuple[str, str], tuple[Stage, Lane]] = {}
    blank = Note(map_id="", stage_id="", lane_id="").model_dump()
    rows: list[dict[str, Any]] = []
    for item in items:
        key = (item.stage_id, item.lane_id)
        if key not in cells:
            cells[key] = _check_cell(db, *key)
        stage, lane = cells[key]
        values = _check_fields({"text": item.text, **item.fields})
        values.setdefault("colour", note_colour_for_kind(lane.kind).upper())
        stamp = now_iso()
        rows.append({**blank, **values, "id": item.note_id or new_id(), "map_id": stage.map_id,
                     "stage_id": stage.id, "lane_id": lane.id,
                     "created_at": item.created_at or stamp,
                     "updated_at": item.updated_at or stamp})
    if not rows:
        return []
    counts: dict[tuple[str, str], int] = {}
    for siblings in _cell_notes(db, cells).values():
        renumber(siblings)  # dense, as add_note leaves a cell
        counts[(siblings[0].stage_id, siblings[0].lane_id)] = len(siblings)
    for row in rows:
        key = (row["stage_id"], row["lane_id"])
        row["position"] = counts.get(key, 0)
        counts[key] = row["position"] + 1
    db.flush()
    db.execute(insert(Note), rows)
    loaded = {n.id: n for notes in _cell_notes(db, cells).values() for n in notes}
    return [loaded[row["id"]] for row in rows]


def _cell_notes(db: Db, cells: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[Note]]:
    """The notes of these cells, in order, with one query (by their stages)."""
    wanted = set(cells)
    out: dict[tuple[str, str], list[Note]] = {}
    if not wanted:
        return out
    where = or_(*(and_(col(Note.stage_id) == s, col(Note.lane_id) == ln)
                  for s, ln in sorted(wanted)))  # each cell by its own index lookups
    for note in db.exec(select(Note).where(where)):
        if (note.stage_id, note.lane_id) in wanted:
            out.setdefault((note.stage_id, note.lane_id), []).append(note)
    for notes in out.values():
        notes.sort(key=lambda n: (n.position, n.id))
    return out


def edit_note(db: Db, note_id: str, **fields: Any) -> dict[str, Any]:
    """Change some fields of a note; returns their old values (for undo)."""
    note = get(db, Note, note_id)
    fields = _check_fields(fields)
    old = {k: getattr(note, k) for k in fields}
    for k, v in fields.items():
        setattr(note, k, v)
    note.updated_at = now_iso()
    db.add(note)
    return old


def move_note(
    db: Db, note_id: str, stage_id: str, lane_id: str, index: int | None = None
) -> tuple[str, str, int]:
    """Move a note to a cell and position; returns where it was."""
    note = get(db, Note, note_id)
    stage, _ = _check_cell(db, stage_id, lane_id)
    if stage.map_id != note.map_id:
        raise InvalidEdit("a note can only move within its map (cut and paste across maps)")
    old = (note.stage_id, note.lane_id, note.position)
    if (stage_id, lane_id) != (note.stage_id, note.lane_id):
        renumber([n for n in ordered(db, Note, stage_id=note.stage_id, lane_id=note.lane_id)
                  if n.id != note.id])
    note.stage_id, note.lane_id = stage_id, lane_id
    place(ordered(db, Note, stage_id=stage_id, lane_id=lane_id), note, index)
    note.updated_at = now_iso()
    db.add(note)
    db.flush()
    return old


class Placement(NamedTuple):
    """Where a note sits: its cell and its index there. A block move returns the old
    ones, and `place_notes` puts the notes back from them."""

    note_id: str
    stage_id: str
    lane_id: str
    position: int


def block_order(order: Mapping[Cell, Sequence[str]], block: Sequence[str], cell: Cell,
                index: int | None) -> dict[Cell, list[str]]:
    """The cells' note orders once `block` moves, in its order, before the `index`-th
    of `cell`'s other notes (None or past the end = last, below 0 = first).

    Pure, so the UI can tell a drop that changes nothing without writing; every
    other note keeps its order, which is what lets `place_notes` undo exactly."""
    moving = set(block)
    out = {c: [i for i in ids if i not in moving] for c, ids in order.items()}
    others = out.setdefault(cell, [])
    at = len(others) if index is None else max(0, min(index, len(others)))
    others[at:at] = block
    return out


def _listed_notes(db: Db, note_ids: Sequence[str]) -> list[Note]:
    notes: dict[str, Note] = {}
    for note_id in note_ids:
        if note_id in notes:
            raise InvalidEdit(f"note {note_id} is listed twice")
        notes[note_id] = get(db, Note, note_id)
    return list(notes.values())


def _same_map(stage: Stage, note: Note) -> None:
    if stage.map_id != note.map_id:
        raise InvalidEdit("a note can only move within its map (cut and paste across maps)")


def _reorder(db: Db, notes: list[Note], cells: set[Cell],
             arrange: Callable[[dict[Cell, list[str]]], dict[Cell, list[str]]]
             ) -> list[Placement]:
    """Read the cells of `notes` and `cells` once, renumber them densely in the order
    `arrange(order)` gives; the notes' placements before."""
    rows = _cell_notes(db, cells | {(n.stage_id, n.lane_id) for n in notes})
    order = {c: [n.id for n in ns] for c, ns in rows.items()}
    index = {n.id: i for ns in rows.values() for i, n in enumerate(ns)}
    old = [Placement(n.id, n.stage_id, n.lane_id, index[n.id]) for n in notes]
    by_id = {n.id: n for ns in rows.values() for n in ns}
    moving, stamp = {n.id for n in notes}, now_iso()
    for (stage_id, lane_id), ids in arrange(order).items():
        for i, note_id in enumerate(ids):
            note = by_id[note_id]
            if (note.stage_id, note.lane_id, index[note_id]) != (stage_id, lane_id, i) \
                    and note_id in moving:
                note.updated_at = stamp
            note.stage_id, note.lane_id = stage_id, lane_id
            if note.position != i:
                note.position = i
    db.flush()
    return old


def move_notes(db: Db, note_ids: Sequence[str], stage_id: str, lane_id: str,
               index: int | None = None) -> list[Placement]:
    """Move notes, in the order given, as one block before the `index`-th of the cell's
    other notes (None = at the end); returns their old placements for `place_notes`.

    One operation for a drop of several notes: their cells are read once and
    every touched cell stays numbered 0..n-1, wherever the notes came from
    (the target cell included)."""
    notes = _listed_notes(db, note_ids)
    stage, _ = _check_cell(db, stage_id, lane_id)
    for note in notes:
        _same_map(stage, note)
    if not notes:
        return []
    ids = [n.id for n in notes]
    return _reorder(db, notes, {(stage_id, lane_id)},
                    lambda order: block_order(order, ids, (stage_id, lane_id), index))


def place_notes(db: Db, placements: Iterable[Placement | tuple[str, str, str, int]]
                ) -> list[Placement]:
    """Put notes at the given placements; returns where they were (so it is its own undo).

    The other notes of every touched cell keep their order and fill the rest, so
    the placements a `move_notes` returned restore every position it changed."""
    wanted = [Placement(*p) for p in placements]
    notes = _listed_notes(db, [p.note_id for p in wanted])
    cells: dict[Cell, Stage] = {}
    for p, note in zip(wanted, notes, strict=True):
        key = (p.stage_id, p.lane_id)
        if key not in cells:
            cells[key] = _check_cell(db, *key)[0]
        _same_map(cells[key], note)

    def arrange(order: dict[Cell, list[str]]) -> dict[Cell, list[str]]:
        placing = {p.note_id for p in wanted}
        out = {c: [i for i in ids if i not in placing] for c, ids in order.items()}
        for p in sorted(wanted, key=lambda p: p.position):  # each lands where it was
            out.setdefault((p.stage_id, p.lane_id), []).insert(max(0, p.position), p.note_id)
        return out

    return _reorder(db, notes, set(cells), arrange) if notes else []


def delete_note(db: Db, note_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Delete a note and its votes; returns a snapshot that `restore` brings back."""
    note = get(db, Note, note_id)
    votes = list(db.exec(select(Vote).where(Vote.note_id == note_id)))
    snap = [snapshot(note)] + [snapshot(v) for v in votes]
    for v in votes:
        db.delete(v)
    db.flush()  # children first: the ORM knows no relationship to order them by
    db.delete(note)
    db.flush()
    renumber(ordered(db, Note, stage_id=note.stage_id, lane_id=note.lane_id))
    return snap


def notes_of_map(db: Db, map_id: str) -> list[Note]:
    get(db, JourneyMap, map_id)
    return list(db.exec(select(Note).where(Note.map_id == map_id)))
