"""Participants and personas of a session."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session as Db

from ..errors import InvalidEdit
from ..models import Participant, Persona, Session
from ..palette import STRONG_COLOURS
from ._common import clean_name, get, ordered, place, renumber, snapshot

PERSONA_FIELDS = ("name", "role", "quote", "goals", "frustrations", "photo", "colour")


def add_participant(db: Db, session_id: str, name: str, colour: str | None = None,
                    vote_budget: int = 3) -> Participant:
    get(db, Session, session_id)
    existing = ordered(db, Participant, session_id=session_id)
    if vote_budget < 0 or vote_budget > 99:
        raise InvalidEdit("vote budget must be 0 to 99")
    person = Participant(session_id=session_id, name=clean_name(name, "participant"),
                         colour=colour or STRONG_COLOURS[len(existing) % len(STRONG_COLOURS)],
                         vote_budget=vote_budget)
    place(existing, person, None)
    db.add(person)
    db.flush()
    return person


def edit_participant(db: Db, participant_id: str, **fields: Any) -> dict[str, Any]:
    person = get(db, Participant, participant_id)
    if set(fields) - {"name", "colour", "vote_budget"}:
        raise InvalidEdit("participants have name, colour and vote budget")
    if "name" in fields:
        fields["name"] = clean_name(fields["name"], "participant")
    old = {k: getattr(person, k) for k in fields}
    for k, v in fields.items():
        setattr(person, k, v)
    db.add(person)
    return old


def delete_participant(db: Db, participant_id: str) -> list[tuple[str, dict[str, Any]]]:
    person = get(db, Participant, participant_id)
    snap = [snapshot(person)]
    db.delete(person)
    db.flush()
    renumber(ordered(db, Participant, session_id=person.session_id))
    return snap


def add_persona(db: Db, session_id: str, name: str, **fields: Any) -> Persona:
    get(db, Session, session_id)
    if set(fields) - set(PERSONA_FIELDS):
        raise InvalidEdit(f"personas have no field {sorted(set(fields) - set(PERSONA_FIELDS))[0]!r}")
    existing = ordered(db, Persona, session_id=session_id)
    fields.setdefault("colour", STRONG_COLOURS[len(existing) % len(STRONG_COLOURS)])
    persona = Persona(session_id=session_id, name=clean_name(name, "persona"), **fields)
    place(existing, persona, None)
    db.add(persona)
    db.flush()
    return persona


def edit_persona(db: Db, persona_id: str, **fields: Any) -> dict[str, Any]:
    persona = get(db, Persona, persona_id)
    if set(fields) - set(PERSONA_FIELDS):
        raise InvalidEdit(f"personas have no field {sorted(set(fields) - set(PERSONA_FIELDS))[0]!r}")
    if "name" in fields:
        fields["name"] = clean_name(fields["name"], "persona")
    old = {k: getattr(persona, k) for k in fields}
    for k, v in fields.items():
        setattr(persona, k, v)
    db.add(persona)
    return old
