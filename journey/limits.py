"""Length limits of every text field, and the checks that apply them.

The operations (`journey.ops`) check edits with these and the file formats
(formats/session_json_models.py and its schema, CSV, Mermaid) take their limits
from here, so no way into a library lets through what another refuses.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidEdit

# Length limits, in characters, of every text field.
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


def clean_name(value: str, what: str) -> str:
    """`value` stripped, or one line saying it is empty or too long for a name."""
    value = (value or "").strip()
    if not value:
        raise InvalidEdit(f"{what} name cannot be empty")
    if len(value) > MAX_NAME:
        raise InvalidEdit(f"{what} name is longer than {MAX_NAME} characters")
    return value


def clean_text(value: str) -> str:
    """A note's text, or one line saying it is too long."""
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
