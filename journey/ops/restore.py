"""Bring back rows captured by a delete operation's snapshot (undo of a delete)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session as Db
from sqlmodel import SQLModel

from ..models import ALL_TABLES
from ._common import ordered, place

_MODELS: dict[str, type[SQLModel]] = {m.__tablename__: m for m in ALL_TABLES}
_ORDER = [m.__tablename__ for m in ALL_TABLES]

#: For ordered rows: the columns that name the container their position is within.
_CONTAINER: dict[str, tuple[str, ...]] = {
    "participant": ("session_id",),
    "persona": ("session_id",),
    "journey_map": ("session_id",),
    "stage": ("map_id",),
    "lane": ("map_id",),
    "note": ("stage_id", "lane_id"),
    "curve": ("map_id",),
    "curve_point": ("curve_id", "stage_id"),
    "vote_round": ("map_id",),
    "parked_note": ("session_id",),
}


def restore(db: Db, snap: list[tuple[str, dict[str, Any]]]) -> None:
    """Re-insert the snapshot's rows, parents first, each back at its old position."""
    rows = sorted(snap, key=lambda item: (_ORDER.index(item[0]), item[1].get("position", 0)))
    for table, data in rows:
        model = _MODELS[table]
        row = model(**data)
        keys = _CONTAINER.get(table)
        if keys:
            siblings = ordered(db, model, **{k: data[k] for k in keys})
            place(siblings, row, data.get("position", 0))
        db.add(row)
        db.flush()
