"""Duplicate a whole session: a full, independent copy with fresh ids.

The copy goes through the JSON interchange (export, then import as a copy),
so it carries exactly what a session file carries — participants, personas
with photos, every map with its notes, curves, voting rounds and votes, and
the parking lot — and nothing can be shared by accident between the two.
"""

from __future__ import annotations

from sqlmodel import Session as Db

from journey.limits import clean_name
from journey.models import Session, now_iso
from journey.queries import get

from .session_json import export_session, import_session, marked_title

COPY_WORD = "copy"  # "Workshop (copy)", then "Workshop (copy 2)"


def duplicate_session(db: Db, session_id: str, title: str | None = None) -> Session:
    """A copy of the session (one operation: `library.run(duplicate_session, id)`).

    The copy is new: its created and updated times are now, and it is never in
    the trash even when the original is."""
    source = get(db, Session, session_id)
    title = clean_name(title, "session") if title is not None else marked_title(db, source.title, COPY_WORD)
    copy = import_session(db, export_session(db, session_id), as_copy=True, title=title)
    copy.created_at = copy.updated_at = now_iso()
    db.add(copy)
    db.flush()
    return copy
