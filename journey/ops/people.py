"""Participants and personas of a session."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session as Db
from sqlmodel import col, select

from ..errors import InvalidEdit
from ..models import Curve, CurvePoint, JourneyMap, Participant, Persona, Session, Vote
from ..palette import STRONG_COLOURS
from ._common import (
    MAX_PHOTO_BYTES,
    clean_fields,
    clean_name,
    get,
    ordered,
    place,
    renumber,
    snapshot,
)

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


def _checked_persona(fields: dict[str, Any]) -> dict[str, Any]:
    """Text fields within their limits, and a photo no bigger than a stored one may be."""
    photo = fields.get("photo")
    if photo is not None and len(photo) > MAX_PHOTO_BYTES:
        raise InvalidEdit(f"the persona's photo is bigger than {MAX_PHOTO_BYTES // 2**20} MB")
    return clean_fields("persona", fields)


def add_persona(db: Db, session_id: str, name: str, link_maps: bool = False,
                **fields: Any) -> Persona:
    """A new persona of the session.

    `link_maps` (what the session details dialog asks for): when this is the
    session's *first* persona, it becomes the persona of every map of the session
    that is for nobody in particular — a facilitator who describes the one person
    a workshop maps expects the map to be theirs. Undo is `delete_persona`, which
    hands those maps back to nobody."""
    get(db, Session, session_id)
    if set(fields) - set(PERSONA_FIELDS):
        raise InvalidEdit(f"personas have no field {sorted(set(fields) - set(PERSONA_FIELDS))[0]!r}")
    existing = ordered(db, Persona, session_id=session_id)
    fields = _checked_persona(fields)
    fields.setdefault("colour", STRONG_COLOURS[len(existing) % len(STRONG_COLOURS)])
    persona = Persona(session_id=session_id, name=clean_name(name, "persona"), **fields)
    place(existing, persona, None)
    db.add(persona)
    db.flush()
    if link_maps and not existing:
        for jmap in db.exec(select(JourneyMap).where(JourneyMap.session_id == session_id,
                                                     col(JourneyMap.persona_id).is_(None))):
            jmap.persona_id = persona.id
            db.add(jmap)
        db.flush()
    return persona


def edit_persona(db: Db, persona_id: str, **fields: Any) -> dict[str, Any]:
    persona = get(db, Persona, persona_id)
    if set(fields) - set(PERSONA_FIELDS):
        raise InvalidEdit(f"personas have no field {sorted(set(fields) - set(PERSONA_FIELDS))[0]!r}")
    fields = _checked_persona(fields)
    if "name" in fields:
        fields["name"] = clean_name(fields["name"], "persona")
    old = {k: getattr(persona, k) for k in fields}
    for k, v in fields.items():
        setattr(persona, k, v)
    db.add(persona)
    return old


def delete_persona(db: Db, persona_id: str) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """Delete a persona and its emotion curves; maps made for it become nobody's.

    Returns (snapshot for `restore`, ids of the maps that were the persona's),
    so undo can restore the rows and give those maps back their persona."""
    persona = get(db, Persona, persona_id)
    snap = [snapshot(persona)]
    maps = []
    for jmap in db.exec(select(JourneyMap).where(JourneyMap.persona_id == persona_id)):
        jmap.persona_id = None  # said here, not left to SQLite, so the session agrees
        db.add(jmap)
        maps.append(jmap.id)
    curves = list(db.exec(select(Curve).where(Curve.persona_id == persona_id)))
    if curves:
        points = list(db.exec(select(CurvePoint).where(
            col(CurvePoint.curve_id).in_([c.id for c in curves]))))
        snap.extend(snapshot(r) for r in curves + points)  # type: ignore[operator]
        for point in points:
            db.delete(point)
        db.flush()
        for curve in curves:
            db.delete(curve)
        db.flush()
        for map_id in {c.map_id for c in curves}:
            renumber(ordered(db, Curve, map_id=map_id))
    db.delete(persona)
    db.flush()
    renumber(ordered(db, Persona, session_id=persona.session_id))
    return snap, maps


def participant_votes(db: Db, participant_id: str) -> list[str]:
    """Ids of the dots a participant cast (their dots stay, unnamed, if they are deleted)."""
    return list(db.exec(select(Vote.id).where(Vote.participant_id == participant_id)))


def reassign_votes(db: Db, vote_ids: list[str], participant_id: str | None) -> None:
    """Give dots (back) to a participant: undo of deleting someone who had voted."""
    if participant_id is not None:
        get(db, Participant, participant_id)
    for vote_id in vote_ids:
        vote = db.get(Vote, vote_id)
        if vote is not None:
            vote.participant_id = participant_id
            db.add(vote)
