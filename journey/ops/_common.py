"""Helpers shared by the operations: lookups that fail with a clear message,
dense renumbering of ordered children, and row snapshots for undo."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session as Db
from sqlmodel import SQLModel, select

from ..errors import InvalidEdit, NotFound
from ..models import now_iso

T = TypeVar("T", bound=SQLModel)

# Length limits, in characters, of every text field: the operations check them
# and the JSON format (storage/interchange_models.py, its schema) takes them from
# here, so no way into a library lets through what another refuses.
MAX_TEXT = 10_000  # a note, a description, a goal; more is a paste accident, not a note
MAX_NAME = 200  # a name or title, and one-line fields: facilitator, role, author, owner, tag
MAX_TAGS = 50  # tags on one note
MAX_PHOTO_BYTES = 8 * 2**20  # one persona photo as stored (photos are scaled to 512 px)
#: Which limit each free-text field has, by table: "long" = MAX_TEXT, "short" = MAX_NAME.
TEXT_FIELDS: dict[str, dict[str, str]] = {
    "session": {"facilitator": "short", "goal": "long", "notes": "long"},
    "persona": {"role": "short", "quote": "long", "goals": "long", "frustrations": "long"},
    "stage": {"description": "long"},
    "lane": {"description": "long"},
    "note": {"text": "long", "author": "short", "owner": "short"},
    "parked note": {"text": "long", "author": "short"},
    "curve": {"name": "short"},
    "curve point": {"label": "short"},
}


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


def clean_field(table: str, field: str, value: str | None) -> str:
    """`value` of a free-text field (TEXT_FIELDS), or one line saying it is too long."""
    value = value or ""
    limit = MAX_TEXT if TEXT_FIELDS[table][field] == "long" else MAX_NAME
    if not isinstance(value, str):
        raise InvalidEdit(f"the {table}'s {field} must be text")
    if len(value) > limit:
        raise InvalidEdit(f"the {table}'s {field} is longer than {limit:,} characters")
    return value


def clean_fields(table: str, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with every free-text one checked by `clean_field` (others untouched)."""
    known = TEXT_FIELDS[table]
    return {k: clean_field(table, k, v) if k in known else v for k, v in fields.items()}


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
