"""Dot votes: free dots within a participant's budget, and voting rounds with
rules per round, budgets enforced, results ranked.

Outside a round (`vote`, `unvote`) a participant's dots are capped by their
`vote_budget`. In a round each participant has the round's
`votes_per_participant` dots (the facilitator's rule for that round), may put
at most `cap_per_note` of them on one note, and only on notes in the round's
lanes. Rounds are kept with their votes so they can be revealed, closed and
reopened later.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session as Db
from sqlmodel import col, func, select

from ..errors import InvalidEdit
from ..models import JourneyMap, Lane, Note, Participant, Vote, VoteRound
from ._common import clean_name, get, ordered, place, snapshot

ROUND_STATUSES = ("open", "revealed", "closed")


# -- free dots (no round) ---------------------------------------------------------

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


# -- rounds ------------------------------------------------------------------------

def start_round(db: Db, map_id: str, name: str = "", votes_per_participant: int = 3,
                cap_per_note: int | None = None, lane_ids: list[str] | None = None,
                hide_totals: bool = True, round_id: str | None = None) -> VoteRound:
    get(db, JourneyMap, map_id)
    if not 1 <= votes_per_participant <= 99:
        raise InvalidEdit("votes per participant must be 1 to 99")
    if cap_per_note is not None and not 1 <= cap_per_note <= votes_per_participant:
        raise InvalidEdit("the cap per note must be between 1 and the votes per participant")
    for lane_id in lane_ids or []:
        if get(db, Lane, lane_id).map_id != map_id:
            raise InvalidEdit("a voted lane is not on this map")
    existing = ordered(db, VoteRound, map_id=map_id)
    rnd = VoteRound(map_id=map_id, name=clean_name(name or f"Round {len(existing) + 1}", "round"),
                    votes_per_participant=votes_per_participant, cap_per_note=cap_per_note,
                    lane_ids=",".join(lane_ids or []), hide_totals=hide_totals)
    if round_id:
        rnd.id = round_id
    place(existing, rnd, None)
    db.add(rnd)
    db.flush()
    return rnd


def set_round_status(db: Db, round_id: str, status: str) -> str:
    if status not in ROUND_STATUSES:
        raise InvalidEdit(f"round status must be one of {', '.join(ROUND_STATUSES)}")
    rnd = get(db, VoteRound, round_id)
    old, rnd.status = rnd.status, status
    db.add(rnd)
    return old


def delete_round(db: Db, round_id: str) -> list[tuple[str, dict[str, Any]]]:
    rnd = get(db, VoteRound, round_id)
    votes = list(db.exec(select(Vote).where(Vote.round_id == round_id)))
    snap = [snapshot(rnd)] + [snapshot(v) for v in votes]
    for v in votes:
        db.delete(v)
    db.flush()
    db.delete(rnd)
    db.flush()
    return snap


def round_votes_used(db: Db, round_id: str, participant_id: str, note_id: str | None = None
                     ) -> int:
    stmt = select(func.count()).select_from(Vote).where(
        Vote.round_id == round_id, Vote.participant_id == participant_id)
    if note_id is not None:
        stmt = stmt.where(Vote.note_id == note_id)
    return db.exec(stmt).one()


def cast_vote(db: Db, round_id: str, note_id: str, participant_id: str,
              vote_id: str | None = None) -> Vote:
    """One dot from a participant on a note, within the round's rules."""
    rnd = get(db, VoteRound, round_id)
    note = get(db, Note, note_id)
    person = get(db, Participant, participant_id)
    if rnd.status != "open":
        raise InvalidEdit(f"{rnd.name} is {rnd.status}; reopen it to vote")
    if note.map_id != rnd.map_id:
        raise InvalidEdit("this note is not on the round's map")
    allowed = [x for x in rnd.lane_ids.split(",") if x]
    if allowed and note.lane_id not in allowed:
        raise InvalidEdit(f"notes in this lane are not part of {rnd.name}")
    jmap = get(db, JourneyMap, rnd.map_id)
    if person.session_id != jmap.session_id:
        raise InvalidEdit(f"{person.name} is not a participant of this session")
    if round_votes_used(db, round_id, participant_id) >= rnd.votes_per_participant:
        raise InvalidEdit(f"{person.name} has no votes left in {rnd.name}")
    if rnd.cap_per_note is not None and round_votes_used(
            db, round_id, participant_id, note_id) >= rnd.cap_per_note:
        raise InvalidEdit(f"{person.name} already put {rnd.cap_per_note} "
                          f"vote{'s' if rnd.cap_per_note > 1 else ''} on this note")
    vote = Vote(note_id=note_id, participant_id=participant_id, round_id=round_id)
    if vote_id:
        vote.id = vote_id
    db.add(vote)
    db.flush()
    return vote


def retract_vote(db: Db, round_id: str, note_id: str, participant_id: str
                 ) -> list[tuple[str, dict[str, Any]]]:
    """Take back the participant's latest dot on the note in this round (snapshot)."""
    rnd = get(db, VoteRound, round_id)
    if rnd.status != "open":
        raise InvalidEdit(f"{rnd.name} is {rnd.status}; reopen it to change votes")
    last = db.exec(select(Vote).where(Vote.round_id == round_id, Vote.note_id == note_id,
                                      Vote.participant_id == participant_id)
                   .order_by(col(Vote.created_at).desc(), col(Vote.id).desc())).first()
    if last is None:
        raise InvalidEdit("no vote of this participant on this note to take back")
    snap = [snapshot(last)]
    db.delete(last)
    db.flush()
    return snap


def delete_vote(db: Db, vote_id: str) -> list[tuple[str, dict[str, Any]]]:
    vote = get(db, Vote, vote_id)
    snap = [snapshot(vote)]
    db.delete(vote)
    db.flush()
    return snap


def round_results(db: Db, round_id: str) -> dict[str, Any]:
    """Totals per note (ranked, most votes first) and each participant's remaining dots."""
    rnd = get(db, VoteRound, round_id)
    jmap = get(db, JourneyMap, rnd.map_id)
    counts = dict(db.exec(select(Vote.note_id, func.count()).where(Vote.round_id == round_id)
                          .group_by(Vote.note_id)).all())
    notes = {n.id: n for n in db.exec(select(Note).where(col(Note.id).in_(list(counts))))}
    ranked = sorted(((nid, notes[nid].text, c) for nid, c in counts.items()),
                    key=lambda r: (-r[2], r[1].casefold()))
    people = ordered(db, Participant, session_id=jmap.session_id)
    remaining = {p.id: rnd.votes_per_participant - round_votes_used(db, round_id, p.id)
                 for p in people}
    return {"round": rnd, "ranked": ranked, "remaining": remaining}
