"""Helpers shared by the operations: lookups that fail with a clear message,
dense renumbering of ordered children, and row snapshots for undo."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session as Db
from sqlmodel import SQLModel, select

from ..errors import InvalidEdit, NotFound
from ..models import now_iso

T = TypeVar("T", bound=SQLModel)

MAX_TEXT = 10_000  # characters in one note; more is a paste accident, not a note
MAX_NAME = 200


def get(db: Db, model: type[T], id_: str) -> T:
    row = db.get(model, id_)
    if row is None:
        raise NotFound(f"{model.__tablename__.replace('_', ' ')} {id_} not found")
    return row


def clean_name(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidEdit(f"{what} name cannot be empty")
    if len(value) > MAX_NAME:
        raise InvalidEdit(f"{what} name is longer than {MAX_NAME} characters")
    return value


def clean_text(value: str) -> str:
    value = value or ""
    if len(value) > MAX_TEXT:
        raise InvalidEdit(f"note text is longer than {MAX_TEXT:,} characters")
    return value


def ordered(db: Db, model: type[T], **where: Any) -> list[T]:
    stmt = select(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    rows = list(db.exec(stmt))
    rows.sort(key=lambda r: (r.position, r.id))
    return rows


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
