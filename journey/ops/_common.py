"""Helpers private to the operations: dense renumbering of ordered children,
row snapshots for undo, and the shared lookups and checks in one import."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import SQLModel

from ..limits import (
    MAX_NAME,
    MAX_PHOTO_BYTES,
    MAX_TAGS,
    MAX_TEXT,
    TEXT_FIELDS,
    clean_field,
    clean_fields,
    clean_name,
    clean_text,
)
from ..models import now_iso
from ..queries import get, ordered

T = TypeVar("T", bound=SQLModel)

# What crosses the package boundary is public elsewhere: the limits and checks
# in journey.limits, the row lookups in journey.queries. They are re-exported
# here so the operations import all their helpers from one place.
__all__ = [
    "MAX_NAME", "MAX_PHOTO_BYTES", "MAX_TAGS", "MAX_TEXT", "TEXT_FIELDS",
    "clean_field", "clean_fields", "clean_name", "clean_text",
    "get", "ordered", "place", "renumber", "snapshot", "touch",
]


def place(rows: list[T], row: T, index: int | None) -> int:
    """Put `row` at `index` among `rows` (clamped; None = end) and renumber 0..n-1."""
    rows = [r for r in rows if r.id != row.id]
    if index is None or index > len(rows):
        index = len(rows)
    index = max(0, index)
    rows.insert(index, row)
    for i, r in enumerate(rows):
        if r.position != i:
            r.position = i
    return index


def renumber(rows: list[T]) -> None:
    for i, r in enumerate(rows):
        if r.position != i:
            r.position = i


def snapshot(row: SQLModel) -> tuple[str, dict[str, Any]]:
    return (type(row).__tablename__, row.model_dump())


def touch(row: Any) -> None:
    if hasattr(row, "updated_at"):
        row.updated_at = now_iso()
