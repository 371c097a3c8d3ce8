"""Find and filter notes of a map, in reading order (stage by stage, lane by lane)."""

from __future__ import annotations

import unicodedata

from .palette import note_fill
from .queries import MapData


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, so "cafe" finds "Café"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def reading_order(data: MapData) -> list[str]:
    return [n.id for n in data.all_notes()]


def find_notes(data: MapData, query: str) -> list[str]:
    """Ids of notes whose text, tags, author or owner contain every word of `query`."""
    words = _fold(query).split()
    if not words:
        return []
    out = []
    for note in data.all_notes():
        hay = _fold(" ".join((note.text, note.tags, note.author, note.owner)))
        if all(w in hay for w in words):
            out.append(note.id)
    return out


def tags_of(data: MapData) -> list[str]:
    seen: dict[str, str] = {}
    for note in data.all_notes():
        for tag in (t.strip() for t in note.tags.split(",")):
            if tag:
                seen.setdefault(tag.casefold(), tag)
    return sorted(seen.values(), key=str.casefold)


def authors_of(data: MapData) -> list[str]:
    return sorted({n.author for n in data.all_notes() if n.author}, key=str.casefold)


def filter_notes(data: MapData, tag: str | None = None, colour: str | None = None,
                 author: str | None = None) -> list[str]:
    """Ids of the notes that pass every given criterion (None = any)."""
    out = []
    for note in data.all_notes():
        if tag and tag.casefold() not in (t.strip().casefold() for t in note.tags.split(",")):
            continue
        if colour and note_fill(note.colour) != note_fill(colour):  # old fills as today's
            continue
        if author and note.author.casefold() != author.casefold():
            continue
        out.append(note.id)
    return out
