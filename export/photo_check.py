"""Persona photos as exports meet them: decoded in full before anything draws them.

A photo in a library was checked when it came in, but a library can be older
than that check, copied from elsewhere or damaged on disk. An export never
fails on one: `usable_photo` gives bytes every renderer can draw, or None, and
the renderer draws `placeholder` boxes instead and says so in one warning line.
"""

from __future__ import annotations

from functools import lru_cache

from formats.persona_photo import PhotoError, check_photo_bytes


@lru_cache(maxsize=32)
def _checked(data: bytes) -> tuple[bytes | None, str]:
    try:
        return check_photo_bytes(data), ""
    except PhotoError as exc:
        return None, exc.reason or "unreadable"


def usable_photo(data: bytes | bytearray | memoryview | None) -> bytes | None:
    """A PNG of at most 512 px a side that decodes in full, or None for a damaged one."""
    if not data:
        return None
    return _checked(bytes(data))[0]


def photo_warning(persona: str, data: bytes | bytearray | memoryview | None) -> str:
    """One line: whose photo, and why it could not be drawn (say, DecompressionBombError)."""
    why = _checked(bytes(data))[1] if data else "empty"
    return f"the persona photo was left out ({persona}: {why}); a placeholder was drawn instead"


#: The placeholder's colours: a pale grey square with a mid-grey border.
PLACEHOLDER_FILL = "#E5E8EB"
PLACEHOLDER_STROKE = "#9AA3AD"
