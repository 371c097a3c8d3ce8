"""Dot votes on notes, within each participant's budget."""

from __future__ import annotations

from sqlmodel import Session as Db
from sqlmodel import col, func, select

from ..errors import InvalidEdit
from ..models import JourneyMap, Note, Participant, Vote
from ._common import get


def votes_used(db: Db, participant_id: str) -> int:
    return db.exec(select(func.count()).select_from(Vote)
                   .where(Vote.participant_id == participant_id)).one()


def vote(db: Db, note_id: str, participant_id: str | None = None,
         vote_id: str | None = None) -> Vote:
    """Cast one dot on a note; a participant's dots are capped by their budget."""
    note = get(db, Note, note_id)
    if participant_id is not None:
        person = get(db, Participant, participant_id)
        jmap = get(db, JourneyMap, note.map_id)
        if person.session_id != jmap.session_id:
            raise InvalidEdit(f"{person.name} is not a participant of this session")
        if votes_used(db, participant_id) >= person.vote_budget:
            raise InvalidEdit(f"{person.name} has no votes left ({person.vote_budget} used)")
    v = Vote(note_id=note_id, participant_id=participant_id)
    if vote_id:
        v.id = vote_id
    db.add(v)
    db.flush()
    return v


def unvote(db: Db, note_id: str, participant_id: str | None = None) -> Vote | None:
    """Take back the participant's latest dot on the note; returns it (None if none)."""
    get(db, Note, note_id)
    stmt = select(Vote).where(Vote.note_id == note_id)
    stmt = stmt.where(Vote.participant_id == participant_id) if participant_id else stmt.where(
        col(Vote.participant_id).is_(None))
    last = db.exec(stmt.order_by(col(Vote.created_at).desc(), col(Vote.id).desc())).first()
    if last is not None:
        db.delete(last)
        db.flush()
    return last
