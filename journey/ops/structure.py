"""Stage and lane operations: add, rename, reorder, resize, collapse, delete."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session as Db
from sqlmodel import select

from ..errors import InvalidEdit
from ..models import CurvePoint, JourneyMap, Lane, LaneKind, Note, Stage, Vote
from ._common import clean_field, clean_name, get, ordered, place, renumber, snapshot

MIN_STAGE_WIDTH = 120.0
MAX_STAGE_WIDTH = 1200.0


def add_stage(db: Db, map_id: str, name: str, index: int | None = None,
              stage_id: str | None = None, description: str = "") -> Stage:
    get(db, JourneyMap, map_id)
    stage = Stage(map_id=map_id, name=clean_name(name, "stage"),
                  description=clean_field("stage", "description", description))
    if stage_id:
        stage.id = stage_id
    place(ordered(db, Stage, map_id=map_id), stage, index)
    db.add(stage)
    db.flush()
    return stage


def rename_stage(db: Db, stage_id: str, name: str) -> str:
    stage = get(db, Stage, stage_id)
    old, stage.name = stage.name, clean_name(name, "stage")
    db.add(stage)
    return old


def set_stage_description(db: Db, stage_id: str, description: str) -> str:
    stage = get(db, Stage, stage_id)
    old, stage.description = stage.description, clean_field("stage", "description", description)
    db.add(stage)
    return old


def move_stage(db: Db, stage_id: str, index: int) -> int:
    stage = get(db, Stage, stage_id)
    old = stage.position
    place(ordered(db, Stage, map_id=stage.map_id), stage, index)
    db.add(stage)
    return old


def set_stage_width(db: Db, stage_id: str, width: float | None) -> float | None:
    stage = get(db, Stage, stage_id)
    if width is not None:
        width = float(min(MAX_STAGE_WIDTH, max(MIN_STAGE_WIDTH, width)))
    old, stage.width = stage.width, width
    db.add(stage)
    return old


def delete_stage(db: Db, stage_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Delete a stage with its notes, votes and curve points; returns the snapshot."""
    stage = get(db, Stage, stage_id)
    snap: list[tuple[str, dict[str, Any]]] = [snapshot(stage)]
    notes = list(db.exec(select(Note).where(Note.stage_id == stage_id)))
    for note in notes:
        snap.append(snapshot(note))
        for vote in db.exec(select(Vote).where(Vote.note_id == note.id)):
            snap.append(snapshot(vote))
            db.delete(vote)
        db.flush()
        db.delete(note)
    for point in db.exec(select(CurvePoint).where(CurvePoint.stage_id == stage_id)):
        snap.append(snapshot(point))
        db.delete(point)
    db.flush()  # children first: the ORM knows no relationship to order deletes by
    db.delete(stage)
    db.flush()
    renumber(ordered(db, Stage, map_id=stage.map_id))
    return snap


def _check_kind(kind: str) -> str:
    try:
        return LaneKind(kind).value
    except ValueError:
        raise InvalidEdit(
            f"unknown lane kind {kind!r} (one of {', '.join(k.value for k in LaneKind)})"
        ) from None


def add_lane(db: Db, map_id: str, name: str, kind: str = LaneKind.CUSTOM,
             index: int | None = None, lane_id: str | None = None,
             description: str = "") -> Lane:
    get(db, JourneyMap, map_id)
    lane = Lane(map_id=map_id, name=clean_name(name, "lane"), kind=_check_kind(kind),
                description=clean_field("lane", "description", description))
    if lane_id:
        lane.id = lane_id
    place(ordered(db, Lane, map_id=map_id), lane, index)
    db.add(lane)
    db.flush()
    return lane


def rename_lane(db: Db, lane_id: str, name: str) -> str:
    lane = get(db, Lane, lane_id)
    old, lane.name = lane.name, clean_name(name, "lane")
    db.add(lane)
    return old


def set_lane_kind(db: Db, lane_id: str, kind: str) -> str:
    lane = get(db, Lane, lane_id)
    old, lane.kind = lane.kind, _check_kind(kind)
    db.add(lane)
    return old


def set_lane_description(db: Db, lane_id: str, description: str) -> str:
    lane = get(db, Lane, lane_id)
    old, lane.description = lane.description, clean_field("lane", "description", description)
    db.add(lane)
    return old


def set_lane_collapsed(db: Db, lane_id: str, collapsed: bool) -> bool:
    lane = get(db, Lane, lane_id)
    old, lane.collapsed = lane.collapsed, bool(collapsed)
    db.add(lane)
    return old


def move_lane(db: Db, lane_id: str, index: int) -> int:
    lane = get(db, Lane, lane_id)
    old = lane.position
    place(ordered(db, Lane, map_id=lane.map_id), lane, index)
    db.add(lane)
    return old


def delete_lane(db: Db, lane_id: str) -> list[tuple[str, dict[str, Any]]]:
    lane = get(db, Lane, lane_id)
    snap: list[tuple[str, dict[str, Any]]] = [snapshot(lane)]
    for note in list(db.exec(select(Note).where(Note.lane_id == lane_id))):
        snap.append(snapshot(note))
        for vote in db.exec(select(Vote).where(Vote.note_id == note.id)):
            snap.append(snapshot(vote))
            db.delete(vote)
        db.flush()
        db.delete(note)
    db.flush()
    db.delete(lane)
    db.flush()
    renumber(ordered(db, Lane, map_id=lane.map_id))
    return snap
