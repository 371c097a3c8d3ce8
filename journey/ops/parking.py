"""The parking lot: notes captured for a session but not yet placed on a map."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session as Db
from sqlmodel import select

from ..models import JourneyMap, Note, ParkedNote, Session, Vote
from ._common import clean_fields, clean_text, get, ordered, place, renumber, snapshot
from .notes import add_note

PARKED_FIELDS = ("text", "colour", "tags", "author")


def park_note(db: Db, session_id: str, text: str, index: int | None = None,
              parked_id: str | None = None, **fields: Any) -> ParkedNote:
    """Capture a note into the parking lot."""
    get(db, Session, session_id)
    data = clean_fields("parked note", {k: v for k, v in fields.items() if k in PARKED_FIELDS})
    parked = ParkedNote(session_id=session_id, text=clean_text(text), **data)
    if parked_id:
        parked.id = parked_id
    place(ordered(db, ParkedNote, session_id=session_id), parked, index)
    db.add(parked)
    db.flush()
    return parked


def edit_parked_note(db: Db, parked_id: str, **fields: Any) -> dict[str, Any]:
    parked = get(db, ParkedNote, parked_id)
    fields = clean_fields("parked note",
                          {k: v for k, v in fields.items() if k in PARKED_FIELDS})
    if "text" in fields:
        fields["text"] = clean_text(fields["text"])
    old = {k: getattr(parked, k) for k in fields}
    for k, v in fields.items():
        setattr(parked, k, v)
    db.add(parked)
    return old


def delete_parked_note(db: Db, parked_id: str) -> list[tuple[str, dict[str, Any]]]:
    parked = get(db, ParkedNote, parked_id)
    snap = [snapshot(parked)]
    db.delete(parked)
    db.flush()
    renumber(ordered(db, ParkedNote, session_id=parked.session_id))
    return snap


def place_parked_note(db: Db, parked_id: str, stage_id: str, lane_id: str,
                      index: int | None = None, note_id: str | None = None
                      ) -> tuple[Note, list[tuple[str, dict[str, Any]]]]:
    """Move a parked note onto a map cell; returns the note and the parked snapshot."""
    parked = get(db, ParkedNote, parked_id)
    fields = {k: getattr(parked, k) for k in PARKED_FIELDS if k != "text"}
    snap = delete_parked_note(db, parked_id)
    note = add_note(db, stage_id, lane_id, parked.text, index=index, note_id=note_id, **fields)
    return note, snap


def park_existing_note(db: Db, note_id: str, index: int | None = None,
                       parked_id: str | None = None
                       ) -> tuple[ParkedNote, list[tuple[str, dict[str, Any]]]]:
    """Move a note from its map back into the parking lot (its votes go with the map)."""
    note = get(db, Note, note_id)

    session_id = get(db, JourneyMap, note.map_id).session_id
    votes = list(db.exec(select(Vote).where(Vote.note_id == note_id)))
    snap = [snapshot(note)] + [snapshot(v) for v in votes]
    for v in votes:
        db.delete(v)
    db.flush()
    db.delete(note)
    db.flush()
    renumber(ordered(db, Note, stage_id=note.stage_id, lane_id=note.lane_id))
    parked = park_note(db, session_id, note.text, index=index, parked_id=parked_id,
                       colour=note.colour, tags=note.tags, author=note.author)
    return parked, snap
