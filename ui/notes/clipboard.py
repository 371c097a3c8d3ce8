"""The notes clipboard: Waymark's own JSON for lossless copy/paste across maps and
sessions, plus plain text (one note per line) for everything else."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData

from journey.limits import MAX_TEXT

NOTES_MIME = "application/x-waymark-notes+json"
FIELDS = ("text", "colour", "tags", "author", "owner", "priority", "impact", "effort", "status")
MAX_PASTE = 500  # notes from one paste: more is an accident, not a workshop


def notes_to_mime(notes: list[Any]) -> QMimeData:
    mime = QMimeData()
    payload = [{k: getattr(n, k) for k in FIELDS} for n in notes]
    mime.setData(NOTES_MIME, json.dumps({"notes": payload}, ensure_ascii=False).encode("utf-8"))
    mime.setText("\n".join(" ".join(n.text.split()) for n in notes))
    return mime


def notes_from_mime(mime: QMimeData | None) -> list[dict[str, Any]]:
    """Field dicts of the notes to paste; [] when there is nothing usable."""
    if mime is None:
        return []
    if mime.hasFormat(NOTES_MIME):
        try:
            doc = json.loads(bytes(mime.data(NOTES_MIME)).decode("utf-8"))
            notes = [{k: v for k, v in n.items() if k in FIELDS} for n in doc["notes"]]
            return [n for n in notes if isinstance(n.get("text"), str)][:MAX_PASTE]
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # fall back to the plain text
    if mime.hasText():
        lines = [line.strip() for line in mime.text().splitlines()]
        return [{"text": line[:MAX_TEXT]} for line in lines if line][:MAX_PASTE]
    return []


def release_clipboard() -> None:
    """Swap our clipboard data for a Qt-made copy before Python shuts down.

    The system clipboard keeps the QMimeData we gave it; PySide created that
    object, and destroying it in Qt's exit handlers, after the interpreter is
    gone, crashes the process. `setText` makes Qt create the data itself, so
    the notes stay on the clipboard (as plain text, one per line) after we quit.
    """
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        return
    board = QGuiApplication.clipboard()
    mime = board.mimeData()
    if mime is not None and mime.hasFormat(NOTES_MIME):
        board.setText(mime.text())
